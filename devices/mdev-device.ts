import type { Attribute } from './attribute.ts';
import type { CreateParams } from './driver.ts';
import type { MdevType } from './mdev-type.ts';
import type { VfioMigrationDevice } from './vfio/vfio-device.ts';

/** A created mediated device (`struct mdev_device`), named by its lower-case UUID. */
export class MdevDevice {
  readonly uuid: string;
  readonly type: MdevType;
  readonly params: CreateParams;
  /** Virtual time (ns) of creation. */
  readonly createdAt: number;
  /** Units taken from the parent's pool or counter; given back on release. */
  readonly units: number;
  attributes: readonly Attribute<MdevDevice>[] = [];
  /** The VFIO device's migration interface, when the driver supports migration. */
  vfio: VfioMigrationDevice | undefined;

  constructor(uuid: string, type: MdevType, params: CreateParams, createdAt: number, units: number) {
    this.uuid = uuid;
    this.type = type;
    this.params = params;
    this.createdAt = createdAt;
    this.units = units;
  }

  get parent() {
    return this.type.parent;
  }
}
