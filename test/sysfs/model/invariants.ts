import { expect } from 'vitest';
import type { World } from '../../../sysfs/world.ts';
import { available, type Model, typePath } from './world-model.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type View = Record<string, string | readonly string[]>;

/**
 * The invariants every command must keep (DESIGN.md principle 2): the sysfs views agree with the
 * model's list of mdevs; `available_instances` matches the model's capacity; every instance is in
 * its type's `devices/`, in `/sys/bus/mdev/devices` and under its parent, with the kernel's
 * relative links; a UUID lives under exactly one parent of its host (global uniqueness).
 *
 * Both sides are gathered into a path → value map and compared once (a cheap string compare,
 * then a full diff only on a mismatch), so the check stays fast enough to run after every command.
 */
export function checkInvariants(world: World, model: Model): void {
  const observed: View = {};
  const expected: View = {};
  for (const hostModel of model.hosts) {
    const sysfs = world.host(hostModel.name).sysfs;
    const h = hostModel.name;
    const uuids = [...hostModel.devices.keys()].sort();
    observed[`${h}:/sys/bus/mdev/devices`] = sysfs.readdir('/sys/bus/mdev/devices').sort();
    expected[`${h}:/sys/bus/mdev/devices`] = uuids;
    const under: string[] = [];
    for (const parent of hostModel.parents) {
      under.push(...sysfs.readdir(parent.dir).filter((n) => UUID.test(n)));
      for (const type of parent.types) {
        const dir = typePath(parent, type);
        observed[`${h}:${dir}/available_instances`] = sysfs.read(`${dir}/available_instances`);
        expected[`${h}:${dir}/available_instances`] = `${available(hostModel, parent, type)}\n`;
        observed[`${h}:${dir}/devices`] = sysfs.readdir(`${dir}/devices`).sort();
        expected[`${h}:${dir}/devices`] = [...hostModel.devices.values()]
          .filter((d) => d.type === type && d.parent === parent)
          .map((d) => d.uuid)
          .sort();
      }
    }
    // Sorted with duplicates kept: a UUID under two parents shows up twice.
    observed[`${h}: mdevs under every parent`] = under.sort();
    expected[`${h}: mdevs under every parent`] = uuids;
    for (const d of hostModel.devices.values()) {
      const bus = `/sys/bus/mdev/devices/${d.uuid}`;
      const rel = d.parent.dir.replace(/^\/sys\//, '');
      observed[`${h}:${bus}`] = sysfs.readlink(bus);
      expected[`${h}:${bus}`] = `../../../${rel}/${d.uuid}`;
      observed[`${h}:${bus}/mdev_type`] = sysfs.readlink(`${d.parent.dir}/${d.uuid}/mdev_type`);
      expected[`${h}:${bus}/mdev_type`] = `../mdev_supported_types/${d.type.id}`;
      const typeLink = `${typePath(d.parent, d.type)}/devices/${d.uuid}`;
      observed[`${h}:${typeLink}`] = sysfs.readlink(typeLink);
      expected[`${h}:${typeLink}`] = `../../../${d.uuid}`;
      if (d.parent.acceptsParams) {
        observed[`${h}:${bus}/aggregated_instances`] = sysfs.read(`${bus}/aggregated_instances`);
        expected[`${h}:${bus}/aggregated_instances`] = `${d.aggregate}\n`;
      }
    }
  }
  if (JSON.stringify(observed) !== JSON.stringify(expected)) expect(observed).toEqual(expected);
}
