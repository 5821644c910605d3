import type { Attribute } from './attribute.ts';
import type { TypeSpec } from './driver.ts';
import type { MdevDevice } from './mdev-device.ts';
import type { Parent } from './parent.ts';

/** One mdev type on one parent (`struct mdev_type`): `<driver string>-<sysfs name>`. */
export class MdevType {
  readonly parent: Parent;
  readonly spec: TypeSpec;
  readonly id: string;
  /** Instances of this type, by canonical UUID, in creation order (the `devices/` directory). */
  readonly devices = new Map<string, MdevDevice>();
  readonly attributes: readonly Attribute<MdevType>[];

  constructor(parent: Parent, spec: TypeSpec) {
    this.parent = parent;
    this.spec = spec;
    this.id = `${parent.driver.driverString}-${spec.sysfsName}`;
    this.attributes = parent.driver.typeAttributes?.(this) ?? [];
  }

  /** What `name` shows: pretty_name, else the sysfs name (v6.1+ core, kernel.md §1.1). */
  get name(): string {
    return this.spec.prettyName ?? this.spec.sysfsName;
  }

  /** `available_instances` exactly as the capacity model computes it. */
  get availableInstances(): number {
    const parent = this.parent;
    const capacity = parent.capacity;
    if (capacity.kind === 'pool') return Math.floor(parent.free / this.spec.units);
    if (capacity.kind === 'core') return parent.free;
    if (capacity.homogeneous) {
      for (const other of parent.types.values()) if (other !== this && other.devices.size > 0) return 0;
    }
    let used = 0;
    for (const d of this.devices.values()) used += d.params.aggregate;
    return Math.max(0, this.spec.units - used);
  }
}
