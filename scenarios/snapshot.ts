import type { ParentConfig } from '../devices/driver.ts';
import type { World } from '../sysfs/world.ts';
import { loadScenario } from './load.ts';
import type { WorldDocument } from './schema.ts';

/**
 * A world's mdev state as a scenario document: every host, parent (with its configuration) and
 * live instance, so `mdevsim mount --save` can write it on exit and `--load` resume from it.
 * Device-internal state (register and framebuffer contents) starts fresh from the seed.
 */
export function snapshotWorld(world: World): WorldDocument {
  const hosts: WorldDocument['hosts'] = [];
  const instances: WorldDocument['instances'] = [];
  for (const host of world.hosts) {
    const parents: WorldDocument['hosts'][number]['parents'] = [];
    for (const parent of host.kernel.parents.values()) {
      parents.push(parentDocument(parent.driver.name, parent.config, parent.policy.name));
      for (const device of parent.devices()) {
        instances.push({
          host: host.name,
          parent: parent.name,
          type: device.type.id,
          uuid: device.uuid,
          ...(device.params.aggregate > 1 ? { aggregate: device.params.aggregate } : {}),
        });
      }
    }
    hosts.push({ name: host.name, parents });
  }
  return { seed: world.seed, hosts, instances };
}

function parentDocument(
  driver: string,
  c: ParentConfig,
  policy: string,
): WorldDocument['hosts'][number]['parents'][number] {
  const loc = c.location;
  const where =
    loc.bus === 'pci'
      ? { address: loc.address, pciId: `${loc.vendorId}:${loc.deviceId}` }
      : { name: loc.name };
  return {
    driver,
    ...where,
    softwareVersion: c.softwareVersion,
    properties: { ...c.properties },
    ...(c.maxInstances === undefined ? {} : { maxInstances: c.maxInstances }),
    migration:
      c.migration === false
        ? false
        : {
            revision: c.migration.revision,
            policy,
            ...(c.migration.aggregation === undefined ? {} : { aggregation: c.migration.aggregation }),
          },
    options: { ...c.options },
  };
}

/** Rebuilds a world from a snapshot (or any scenario document). */
export async function restoreWorld(snapshot: unknown): Promise<World> {
  return loadScenario(snapshot as object);
}
