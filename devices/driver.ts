import type { VirtualClock } from '../core/clock.ts';
import type { Errno } from '../core/result.ts';
import type { Rng } from '../core/rng.ts';
import type { Attribute } from './attribute.ts';
import type { MdevDevice } from './mdev-device.ts';
import type { MdevType } from './mdev-type.ts';
import type { VfioMigrationDriver } from './vfio/driver.ts';

/** What a driver's migration model may draw on: the host's virtual clock and a per-device Rng. */
export interface MigrationEnv {
  readonly clock: VirtualClock;
  readonly rng: Rng;
  /**
   * True for an instance the scenario declares: it stands for a device whose guest ran before the
   * simulation starts, so a model seeds its state from `rng`. Absent for one created at runtime
   * (sysfs `create`), which starts from zeroed memory like a real driver's new instance.
   */
  readonly preexisting?: boolean;
}

/** `device_api` strings of include/uapi/linux/vfio.h (kernel.md §1.5). */
export type DeviceApi = 'vfio-pci' | 'vfio-platform' | 'vfio-amba' | 'vfio-ccw' | 'vfio-ap';

/** One mdev type a driver registers on a parent (`struct mdev_type`). */
export interface TypeSpec {
  /** Vendor part of the type-id (`sysfs_name`): the type-id is `<driver string>-<sysfsName>`. */
  readonly sysfsName: string;
  /** `pretty_name`; the core shows `sysfsName` in `name` when absent (kernel.md §1.1, v6.1+). */
  readonly prettyName?: string;
  /** Present only if the driver implements show_description. */
  readonly description?: string;
  /** Capacity units one instance of this type consumes (pool and per-type models). */
  readonly units: number;
  /** Largest `aggregate=N` the type accepts (the aggregation RFC's `aggregation` attribute). */
  readonly maxAggregation?: number;
}

/**
 * How `available_instances` is computed and enforced (kernel.md §1.1, §1.3, §5.1):
 * - `pool`: the driver's get_available over a parent-wide pool of units shared by all types
 *   (mtty's 24 ports, GVT-g's graphics memory); probe fails with `exhaustedErrno` when short.
 * - `per-type`: each type has its own count; with `homogeneous`, a parent hosts one type at a time
 *   (time-sliced vGPUs), so other types show 0 while any instance exists.
 * - `core`: no get_available; the mdev core counts instances per parent from `max_instances` and
 *   refuses with EUSERS (v6.1+, "vfio/mdev: add mdev available instance checking to the core").
 */
export type CapacityModel =
  | { readonly kind: 'pool'; readonly total: number; readonly exhaustedErrno: 'ENOSPC' | 'ENOMEM' | 'EINVAL' }
  | { readonly kind: 'per-type'; readonly homogeneous: boolean; readonly exhaustedErrno: 'ENOSPC' | 'EINVAL' }
  | { readonly kind: 'core'; readonly maxInstances: number };

/** Where the parent device sits in the device model (sysfs derives its paths from this). */
export type ParentLocation =
  | { readonly bus: 'pci'; readonly address: string; readonly vendorId: string; readonly deviceId: string }
  | { readonly bus: 'virtual'; readonly className: string; readonly name: string };

/** Revision of the never-merged proposal a parent's driver implements (kernel.md §2.1). */
export type ProposalRevision = 'v2' | 'v4' | 'v5';

/**
 * Whether and how a parent's driver exposes the migration version attribute: `false` for none
 * (R1: optional), else the revision, the version policy (driver default when absent) and, for
 * drivers with create parameters, the aggregation design (A: instance string, B: type + params).
 */
export type MigrationSetting =
  | false
  | { readonly revision: ProposalRevision; readonly policy?: string; readonly aggregation?: 'A' | 'B' };

/** A parent as a scenario describes it, after validation. */
export interface ParentConfig {
  readonly location: ParentLocation;
  /** Host driver version `major.minor.bugfix` (version policies may compare it). */
  readonly softwareVersion: string;
  /** Free-form facts (board, ecc, branch, ...) a driver or version policy may use. */
  readonly properties: Readonly<Record<string, string>>;
  /** Replaces the driver's capacity model with the core's per-parent counter. */
  readonly maxInstances?: number;
  readonly migration: MigrationSetting;
  /** Driver-specific options (framebuffer size, dirty rate, ...), validated by the driver. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** Create parameters after the `create` parser (only `aggregate` exists, from the RFC, §2.4). */
export interface CreateParams {
  readonly aggregate: number;
}

/**
 * A vendor driver plug-in: what the kernel's `struct mdev_driver` + the vendor module provide.
 * Drivers are data plus small callbacks; the mdev core owns lifecycle and capacity bookkeeping.
 */
export interface VendorDriver {
  /** Plug-in name used in scenarios (`gvtg`). */
  readonly name: string;
  /** `dev_driver_string()` of the parent: the type-id prefix (`i915`). */
  readonly driverString: string;
  readonly deviceApi: DeviceApi;
  readonly bus: 'pci' | 'virtual';
  /** Default location for a parent declared without address (virtual parents such as mtty). */
  readonly defaultLocation?: ParentLocation;
  readonly defaultSoftwareVersion: string;
  /** Version policy the driver plugs into its migration version attribute unless configured. */
  readonly defaultPolicy: string;
  /** PCI identity a virtual parent's devices present (mtty: 4348:3253), for version facts. */
  readonly virtualPciId?: { readonly vendorId: string; readonly deviceId: string };
  /** Facts every parent of this driver starts with (board, ecc, ...); the scenario may override. */
  readonly defaultProperties?: Readonly<Record<string, string>>;
  /** Types registered on a parent (may depend on its config, e.g. a board's framebuffer). */
  types(config: ParentConfig): readonly TypeSpec[];
  capacity(config: ParentConfig): CapacityModel;
  /** True when `create` takes `<uuid>,aggregate=N` (Zhenyu Wang's RFC parser, kernel.md §2.4). */
  readonly acceptsCreateParams: boolean;
  /** Vendor attributes on each type directory, besides the core's. */
  typeAttributes?(type: MdevType): readonly Attribute<MdevType>[];
  /** Vendor attributes on each mdev device directory, besides `remove` and `mdev_type`. */
  deviceAttributes?(device: MdevDevice): readonly Attribute<MdevDevice>[];
  /** True when the device state can be `modeled` (sizes only) via the `payload` option. */
  readonly modeledPayload?: boolean;
  /** Validates driver options at registration; an error names the bad option. */
  validateOptions?(options: Readonly<Record<string, unknown>>): string | undefined;
  /** The device's VFIO migration model (struct vfio_migration_ops); absent: not migratable. */
  migration?(device: MdevDevice, env: MigrationEnv): VfioMigrationDriver;
  /** Extra checks at probe time after capacity (driver errno reaches the `create` writer). */
  probe?(type: MdevType, params: CreateParams): Errno | undefined;
}
