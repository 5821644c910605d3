import { SysError } from '../core/sys-error.ts';
import { canonicalUuid } from '../core/uuid.ts';
import type { MdevCore } from '../devices/mdev-core.ts';
import type { VfioMigrationDevice } from '../devices/vfio/vfio-device.ts';

/**
 * The VFIO device uAPI of one host, as userspace reaches it: open a device by its mdev UUID (what
 * QEMU does with `-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/<uuid>`), then drive the
 * VFIO_DEVICE_FEATURE migration ioctls and the data fd it returns (kernel.md §3.2). Errors on
 * the handle are errno data, as ioctl(2) returns them.
 */
export class VfioUapi {
  readonly #core: MdevCore;

  constructor(core: MdevCore) {
    this.#core = core;
  }

  /** ENOENT when no such mdev exists; ENOTTY-style absence of migration shows on the handle. */
  open(uuid: string): VfioMigrationDevice {
    const path = `/sys/bus/mdev/devices/${uuid}`;
    const canonical = canonicalUuid(uuid);
    const device = canonical === undefined ? undefined : this.#core.devices.get(canonical);
    if (device === undefined) throw new SysError('ENOENT', 'open', path);
    if (device.vfio === undefined)
      throw new SysError('ENOTTY', 'ioctl', path, 'device has no migration support');
    return device.vfio;
  }
}
