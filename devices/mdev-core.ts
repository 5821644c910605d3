import type { VirtualClock } from '../core/clock.ts';
import { EventBus } from '../core/events.ts';
import { type Errno, fail, isErrno } from '../core/result.ts';
import type { Rng } from '../core/rng.ts';
import { coreDeviceAttributes } from './core-attributes.ts';
import { parseCreate } from './create-parser.ts';
import type { CreateParams, ParentConfig, VendorDriver } from './driver.ts';
import type { DeviceEvents } from './events.ts';
import { MdevDevice } from './mdev-device.ts';
import { MdevType } from './mdev-type.ts';
import { Parent } from './parent.ts';
import type { VersionPolicy } from './policies/policy.ts';
import { getPolicy as resolvePolicy } from './policies/registry.ts';
import { deviceVersionAttributes } from './version/attributes.ts';
import type { VfioMigrationEvent } from './vfio/events.ts';
import { VfioMigrationDevice } from './vfio/vfio-device.ts';

/**
 * The mdev core of one host (drivers/vfio/mdev/mdev_core.c): registered parents, the global list
 * of devices (UUIDs are unique across every parent and type), capacity bookkeeping and the
 * create/remove lifecycle. This is the single source of truth every view derives from.
 */
export class MdevCore {
  readonly host: string;
  readonly clock: VirtualClock;
  readonly rng: Rng;
  readonly bus = new EventBus<DeviceEvents>();
  readonly parents = new Map<string, Parent>();
  /** Every live mdev on the host by canonical UUID (mdev_list). */
  readonly devices = new Map<string, MdevDevice>();
  /** Hooks run after a device is created / before it is released (the VFIO layer attaches here). */
  readonly #onCreate: ((device: MdevDevice) => void)[] = [];
  readonly #onRemove: ((device: MdevDevice) => void)[] = [];

  constructor(host: string, clock: VirtualClock, rng: Rng) {
    this.host = host;
    this.clock = clock;
    this.rng = rng;
  }

  onDeviceCreated(hook: (device: MdevDevice) => void): void {
    this.#onCreate.push(hook);
  }

  onDeviceRemoved(hook: (device: MdevDevice) => void): void {
    this.#onRemove.push(hook);
  }

  /** mdev_register_parent: the driver's types appear under the parent. */
  registerParent(driver: VendorDriver, config: ParentConfig, policy?: VersionPolicy): Parent {
    const name =
      config.migration === false ? driver.defaultPolicy : (config.migration.policy ?? driver.defaultPolicy);
    const chosen = policy ?? resolvePolicy(name);
    if (chosen === undefined) throw new Error(`unknown version policy '${name}'`);
    const parent = new Parent(this, driver, config, chosen, (p) =>
      driver.types(config).map((spec) => new MdevType(p, spec)),
    );
    if (this.parents.has(parent.name)) throw new Error(`parent ${parent.name} is already registered`);
    this.parents.set(parent.name, parent);
    this.bus.emit('mdev:parent-registered', {
      host: this.host,
      parent: parent.name,
      driver: driver.name,
      at: this.clock.now,
    });
    return parent;
  }

  /** mdev_unregister_parent: removes every child first, then the types (kernel.md §1.1). */
  unregisterParent(name: string): void {
    const parent = this.parents.get(name);
    if (parent === undefined) return;
    parent.unregistering = true;
    for (const device of [...parent.devices()]) this.#release(device);
    this.parents.delete(name);
    this.bus.emit('mdev:parent-unregistered', { host: this.host, parent: name, at: this.clock.now });
  }

  /**
   * create_store + mdev_device_create, in the kernel's order (kernel.md §1.3): parse (EINVAL/E2BIG),
   * duplicate UUID anywhere on the host (EEXIST, case-insensitive), core counter (EUSERS), parent
   * going away (ENODEV), then the driver's probe (its errno, e.g. mtty's ENOSPC).
   */
  createFromWrite(type: MdevType, buf: string): number | Errno {
    const request = parseCreate(buf, type.parent.driver.acceptsCreateParams);
    if (isErrno(request)) return this.#refuse(type, request);
    const created = this.create(type, request.uuid, request.params);
    return isErrno(created) ? created : buf.length;
  }

  /** `preexisting`: a scenario's instance, not a runtime `create` (MigrationEnv.preexisting). */
  create(
    type: MdevType,
    uuid: string,
    params: CreateParams,
    options: { readonly preexisting?: boolean } = {},
  ): MdevDevice | Errno {
    if (this.devices.has(uuid)) return this.#refuse(type, fail('EEXIST', `${uuid} already exists`));
    const parent = type.parent;
    const capacity = parent.capacity;
    const units = capacity.kind === 'pool' ? type.spec.units * params.aggregate : params.aggregate;
    if (capacity.kind === 'core' && parent.free < units) {
      return this.#refuse(type, fail('EUSERS', `${parent.name} has no instances left`));
    }
    if (parent.unregistering) return this.#refuse(type, fail('ENODEV', `${parent.name} is unregistering`));
    const probe = parent.driver.probe?.(type, params);
    if (probe !== undefined) return this.#refuse(type, probe);
    if (capacity.kind === 'pool' && parent.free < units) {
      return this.#refuse(
        type,
        fail(capacity.exhaustedErrno, `${parent.name}: ${parent.free} units free, ${units} needed`),
      );
    }
    if (capacity.kind === 'per-type' && type.availableInstances < params.aggregate) {
      return this.#refuse(
        type,
        fail(capacity.exhaustedErrno, `no ${type.id} instances left on ${parent.name}`),
      );
    }
    if (capacity.kind !== 'per-type') parent.free -= units;
    const device = new MdevDevice(uuid, type, params, this.clock.now, units);
    device.attributes = [
      ...coreDeviceAttributes(this),
      ...deviceVersionAttributes(device),
      ...(parent.driver.deviceAttributes?.(device) ?? []),
    ];
    const migration = parent.driver.migration?.(device, {
      clock: this.clock,
      rng: this.rng.fork(`vfio:${uuid}`),
      ...(options.preexisting === true ? { preexisting: true } : {}),
    });
    if (migration !== undefined) {
      const observer = (event: VfioMigrationEvent) => {
        if (this.bus.wants('vfio:event'))
          this.bus.emit('vfio:event', { host: this.host, uuid, event, at: this.clock.now });
      };
      device.vfio = new VfioMigrationDevice(migration, { observer });
    }
    type.devices.set(uuid, device);
    this.devices.set(uuid, device);
    for (const hook of this.#onCreate) hook(device);
    this.bus.emit('mdev:created', {
      host: this.host,
      parent: parent.name,
      type: type.id,
      uuid,
      aggregate: params.aggregate,
      at: this.clock.now,
    });
    return device;
  }

  /** mdev_device_remove: ENODEV when the device is gone or its parent is going away. */
  remove(uuid: string): true | Errno {
    const device = this.devices.get(uuid);
    if (device === undefined) return fail('ENODEV', `${uuid} is not an mdev on ${this.host}`);
    if (device.parent.unregistering) return fail('ENODEV', `${device.parent.name} is unregistering`);
    this.#release(device);
    return true;
  }

  #release(device: MdevDevice): void {
    for (const hook of this.#onRemove) hook(device);
    // Release closes the device: every migration session ends, as vfio_device close does.
    device.vfio?.reset();
    device.vfio = undefined;
    device.type.devices.delete(device.uuid);
    this.devices.delete(device.uuid);
    if (device.parent.capacity.kind !== 'per-type') device.parent.free += device.units;
    this.bus.emit('mdev:removed', {
      host: this.host,
      parent: device.parent.name,
      type: device.type.id,
      uuid: device.uuid,
      at: this.clock.now,
    });
  }

  #refuse(type: MdevType, errno: Errno): Errno {
    this.bus.emit('mdev:create-failed', {
      host: this.host,
      parent: type.parent.name,
      type: type.id,
      errno: errno.errno,
      reason: errno.reason ?? '',
      at: this.clock.now,
    });
    return errno;
  }
}
