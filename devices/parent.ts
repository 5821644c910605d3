import type { ParentConfig, VendorDriver } from './driver.ts';
import type { MdevCore } from './mdev-core.ts';
import type { MdevType } from './mdev-type.ts';
import type { VersionPolicy } from './policies/policy.ts';

/** A registered mdev parent device (`struct mdev_parent`). */
export class Parent {
  readonly core: MdevCore;
  readonly driver: VendorDriver;
  readonly config: ParentConfig;
  /** Sysfs basename: the PCI address or the virtual device name. */
  readonly name: string;
  readonly types: ReadonlyMap<string, MdevType>;
  /** Units still free in the driver's pool, or instances left under the core counter. */
  free: number;
  /** Set while unregistering: `create` answers ENODEV (kernel.md §1.3 step 6). */
  unregistering = false;
  /**
   * The version policy behind the migration version attribute. Mutable on purpose: a driver
   * update between a handshake and the load of the stream is a time-of-check/time-of-use case.
   */
  policy: VersionPolicy;

  constructor(
    core: MdevCore,
    driver: VendorDriver,
    config: ParentConfig,
    policy: VersionPolicy,
    makeTypes: (p: Parent) => MdevType[],
  ) {
    this.core = core;
    this.driver = driver;
    this.config = config;
    this.policy = policy;
    this.name = config.location.bus === 'pci' ? config.location.address : config.location.name;
    const capacity = this.capacity;
    this.free =
      capacity.kind === 'pool' ? capacity.total : capacity.kind === 'core' ? capacity.maxInstances : 0;
    this.types = new Map(makeTypes(this).map((t) => [t.id, t]));
  }

  get capacity() {
    return this.config.maxInstances === undefined
      ? this.driver.capacity(this.config)
      : ({ kind: 'core', maxInstances: this.config.maxInstances } as const);
  }

  /** Vendor and device id for PCI parents (lower-case hex), as the driver reads them. */
  get pciId(): { vendorId: string; deviceId: string } | undefined {
    const loc = this.config.location;
    return loc.bus === 'pci' ? { vendorId: loc.vendorId, deviceId: loc.deviceId } : undefined;
  }

  *devices() {
    for (const type of this.types.values()) yield* type.devices.values();
  }
}
