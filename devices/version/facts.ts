import type { MdevDevice } from '../mdev-device.ts';
import type { MdevType } from '../mdev-type.ts';
import type { PolicyContext, VersionFacts } from '../policies/policy.ts';

/**
 * The facts a vendor driver knows about one of its types (and, on the device node, one instance),
 * handed to its version policy. PCI parents give their vendor:device; virtual parents the PCI
 * identity their devices present. `units` and `aggregate` let resource-based policies compare
 * aggregated instances (kernel.md §2.4).
 */
export function versionFacts(type: MdevType, device?: MdevDevice): VersionFacts {
  // Facts depend only on the (immutable) parent configuration, type and create parameters, so
  // they are built once per type or device: this sits on the handshake's hot path.
  const cache = device === undefined ? typeFacts : deviceFacts;
  const key: object = device ?? type;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const facts = buildFacts(type, device);
  cache.set(key, facts);
  return facts;
}

const typeFacts = new WeakMap<object, VersionFacts>();
const deviceFacts = new WeakMap<object, VersionFacts>();

function buildFacts(type: MdevType, device: MdevDevice | undefined): VersionFacts {
  const parent = type.parent;
  const driver = parent.driver;
  const pci = parent.pciId ?? driver.virtualPciId ?? { vendorId: '0000', deviceId: '0000' };
  return Object.freeze({
    driver: driver.name,
    vendorId: pci.vendorId,
    deviceId: pci.deviceId,
    typeId: type.id,
    typeName: type.spec.sysfsName,
    softwareVersion: parent.config.softwareVersion,
    properties: Object.freeze({
      ...driver.defaultProperties,
      ...parent.config.properties,
      units: String(type.spec.units),
      aggregate: String(device?.params.aggregate ?? 1),
    }),
  });
}

export function policyContext(type: MdevType, device?: MdevDevice): PolicyContext {
  const setting = type.parent.config.migration;
  return {
    facts: versionFacts(type, device),
    availableInstances: type.availableInstances,
    revision: setting === false ? 'v4' : setting.revision,
  };
}
