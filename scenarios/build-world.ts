import { isErrno } from '../core/result.ts';
import { canonicalUuid, randomUuid } from '../core/uuid.ts';
import type { MigrationSetting, ParentConfig, ParentLocation, VendorDriver } from '../devices/driver.ts';
import { BUILTIN_DRIVERS } from '../devices/drivers/registry.ts';
import type { VersionPolicy } from '../devices/policies/policy.ts';
import { getPolicy, policyNames } from '../devices/policies/registry.ts';
import { World } from '../sysfs/world.ts';
import { ScenarioError, type ScenarioIssue } from './scenario-error.ts';
import type { ParentDocument, WorldDocument } from './schema.ts';

/** Builds the World a validated document describes; every semantic problem names its path. */
export function buildWorld(
  doc: WorldDocument,
  drivers: ReadonlyMap<string, VendorDriver> = BUILTIN_DRIVERS,
  policies: ReadonlyMap<string, VersionPolicy> = new Map(),
): World {
  const world = new World(doc.seed);
  const issues: ScenarioIssue[] = [];
  doc.hosts.forEach((hostDoc, h) => {
    if (world.hasHost(hostDoc.name)) {
      issues.push({ path: `hosts[${h}].name`, message: `duplicate host name '${hostDoc.name}'` });
      return;
    }
    const host = world.addHost(hostDoc.name);
    hostDoc.parents.forEach((parentDoc, p) => {
      const at = `hosts[${h}].parents[${p}]`;
      const driver = drivers.get(parentDoc.driver);
      if (driver === undefined) {
        const known = [...drivers.keys()].sort().join(', ');
        issues.push({
          path: `${at}.driver`,
          message: `unknown driver '${parentDoc.driver}' (known: ${known})`,
        });
        return;
      }
      const config = parentConfig(driver, parentDoc, at, issues);
      if (config === undefined) return;
      const name = config.location.bus === 'pci' ? config.location.address : config.location.name;
      if (host.kernel.parents.has(name)) {
        issues.push({ path: at, message: `parent '${name}' is declared twice on host '${hostDoc.name}'` });
        return;
      }
      const policyName =
        config.migration === false ? driver.defaultPolicy : (config.migration.policy ?? driver.defaultPolicy);
      const policy = policies.get(policyName) ?? getPolicy(policyName);
      if (policy === undefined) {
        const known = [...policies.keys(), ...policyNames()].join(', ');
        issues.push({
          path: `${at}.migration.policy`,
          message: `unknown version policy '${policyName}' (known: ${known})`,
        });
        return;
      }
      host.kernel.registerParent(driver, config, policy);
    });
  });
  if (issues.length === 0) createInstances(world, doc, issues);
  if (issues.length > 0) throw new ScenarioError(issues);
  return world;
}

function parentConfig(
  driver: VendorDriver,
  doc: ParentDocument,
  at: string,
  issues: ScenarioIssue[],
): ParentConfig | undefined {
  let location: ParentLocation;
  if (driver.bus === 'pci') {
    if (doc.address === undefined) {
      issues.push({ path: `${at}.address`, message: `driver '${driver.name}' needs a PCI address` });
      return undefined;
    }
    if (doc.pciId === undefined) {
      issues.push({
        path: `${at}.pciId`,
        message: `driver '${driver.name}' needs the parent's vendor:device id`,
      });
      return undefined;
    }
    const [vendorId = '', deviceId = ''] = doc.pciId.toLowerCase().split(':');
    location = { bus: 'pci', address: doc.address, vendorId, deviceId };
  } else {
    if (doc.address !== undefined || doc.pciId !== undefined) {
      issues.push({
        path: `${at}.address`,
        message: `driver '${driver.name}' registers a virtual parent; remove address/pciId`,
      });
      return undefined;
    }
    const base = driver.defaultLocation;
    if (base === undefined || base.bus !== 'virtual')
      throw new Error(`driver ${driver.name} lacks a default location`);
    location = doc.name === undefined ? base : { ...base, name: doc.name };
  }
  const options = doc.options ?? {};
  const problem = driver.validateOptions?.(options);
  if (problem !== undefined) {
    issues.push({ path: `${at}.options`, message: problem });
    return undefined;
  }
  const config: ParentConfig = {
    location,
    softwareVersion: doc.softwareVersion ?? driver.defaultSoftwareVersion,
    properties: doc.properties ?? {},
    migration: migrationSetting(doc),
    options,
  };
  return doc.maxInstances === undefined ? config : { ...config, maxInstances: doc.maxInstances };
}

function createInstances(world: World, doc: WorldDocument, issues: ScenarioIssue[]): void {
  doc.instances.forEach((inst, i) => {
    const at = `instances[${i}]`;
    if (!world.hasHost(inst.host)) {
      issues.push({ path: `${at}.host`, message: `no host named '${inst.host}'` });
      return;
    }
    const kernel = world.host(inst.host).kernel;
    const parent = kernel.parents.get(inst.parent);
    if (parent === undefined) {
      const known = [...kernel.parents.keys()].join(', ') || 'none';
      issues.push({
        path: `${at}.parent`,
        message: `no parent '${inst.parent}' on host '${inst.host}' (parents: ${known})`,
      });
      return;
    }
    const type = parent.types.get(inst.type);
    if (type === undefined) {
      const known = [...parent.types.keys()].join(', ');
      issues.push({
        path: `${at}.type`,
        message: `parent '${inst.parent}' has no type '${inst.type}' (types: ${known})`,
      });
      return;
    }
    let uuid: string | undefined;
    if (inst.uuid === undefined) uuid = randomUuid(world.rng.fork(`instance:${i}`));
    else uuid = canonicalUuid(inst.uuid);
    if (uuid === undefined) {
      issues.push({ path: `${at}.uuid`, message: `'${inst.uuid}' is not a UUID (8-4-4-4-12 hex digits)` });
      return;
    }
    const aggregate = inst.aggregate ?? 1;
    if (aggregate > 1 && !parent.driver.acceptsCreateParams) {
      issues.push({
        path: `${at}.aggregate`,
        message: `driver '${parent.driver.name}' has no aggregate create parameter`,
      });
      return;
    }
    // Scenario instances stand for running guests: their state is seeded (MigrationEnv.preexisting).
    const created = kernel.create(type, uuid, { aggregate }, { preexisting: true });
    if (isErrno(created)) {
      const why =
        created.errno === 'EEXIST'
          ? `UUID ${uuid} is already used on host '${inst.host}'`
          : `cannot create ${inst.type} on '${inst.parent}': ${created.reason ?? 'refused'} (${created.errno}; available_instances ${type.availableInstances})`;
      issues.push({ path: created.errno === 'EEXIST' ? `${at}.uuid` : at, message: why });
    }
  });
}

/** Drops absent optional keys so the setting satisfies exactOptionalPropertyTypes. */
function migrationSetting(doc: ParentDocument): MigrationSetting {
  const m = doc.migration;
  if (m === undefined) return { revision: 'v4' };
  if (m === false) return false;
  return {
    revision: m.revision,
    ...(m.policy === undefined ? {} : { policy: m.policy }),
    ...(m.aggregation === undefined ? {} : { aggregation: m.aggregation }),
  };
}
