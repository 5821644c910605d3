import { fail, isErrno } from '../core/result.ts';
import { type Attribute, cString } from './attribute.ts';
import { kstrtoull } from './kstrto.ts';
import type { MdevCore } from './mdev-core.ts';
import type { MdevDevice } from './mdev-device.ts';
import type { MdevType } from './mdev-type.ts';
import { typeVersionAttribute } from './version/attributes.ts';

/**
 * Attributes the mdev core itself puts on every type directory (mdev_sysfs.c, v6.1+ where the
 * core emits name/description/device_api/available_instances; kernel.md §1.1) followed by the
 * driver's own. `aggregation` exists only on types of drivers carrying the aggregation RFC (§2.4).
 */
export function typeAttributes(type: MdevType): Attribute<MdevType>[] {
  const attrs: Attribute<MdevType>[] = [
    { name: 'create', store: (t, buf) => t.parent.core.createFromWrite(t, buf) },
    { name: 'name', show: (t) => `${t.name}\n` },
    { name: 'device_api', show: (t) => `${t.parent.driver.deviceApi}\n` },
    { name: 'available_instances', show: (t) => `${t.availableInstances}\n` },
  ];
  if (type.spec.description !== undefined) {
    attrs.push({ name: 'description', show: (t) => `${t.spec.description}\n` });
  }
  if (type.parent.driver.acceptsCreateParams) {
    attrs.push({ name: 'aggregation', show: (t) => `${t.spec.maxAggregation ?? 1}\n` });
  }
  const version = typeVersionAttribute(type);
  if (version !== undefined) attrs.push(version);
  return [...attrs, ...type.attributes];
}

/** `remove` (kernel.md §1.4): kstrtoul(buf, 0); 0 is a successful no-op; non-zero destroys. */
export function coreDeviceAttributes(core: MdevCore): Attribute<MdevDevice>[] {
  return [
    {
      name: 'remove',
      store: (device, buf) => {
        const value = kstrtoull(cString(buf), 0, 64);
        if (isErrno(value)) return fail('EINVAL', value.reason); // kstrtoul() < 0 → -EINVAL, ERANGE too
        if (value === 0n) return buf.length;
        const removed = core.remove(device.uuid);
        return removed === true ? buf.length : removed;
      },
    },
  ];
}

/** The RFC's per-device `aggregated_instances` (read-only here: the create parameter sets it). */
export const aggregatedInstancesAttribute: Attribute<MdevDevice> = {
  name: 'aggregated_instances',
  show: (d) => `${d.params.aggregate}\n`,
};
