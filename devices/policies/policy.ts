import type { Errno } from '../../core/result.ts';

/**
 * The version-policy contract: how a vendor driver answers the `migration_version` handshake of the
 * never-merged 2019–2020 series (kernel.md §2). A policy is a pure plug-in: the driver supplies the
 * facts, the sysfs layer turns `show()` into read(2) and `store()` into write(2).
 */

/** Proposal revision a parent runs; the string format may differ between them (kernel.md §2.1, §2.3). */
export type Revision = 'v2' | 'v4' | 'v5';

export const REVISIONS: readonly Revision[] = ['v2', 'v4', 'v5'];

/** Facts the vendor driver knows about one (parent, type) on its host; the driver supplies them. */
export interface VersionFacts {
  /** Plug-in name: 'gvtg' | 'mtty' | 'vgpu' | 'aggr' | a user's. */
  readonly driver: string;
  /** 4 lower-case hex digits, e.g. '8086'. */
  readonly vendorId: string;
  /** 4 lower-case hex digits, e.g. '193b'. */
  readonly deviceId: string;
  /** The sysfs type-id, `<driver string>-<type name>` (kernel.md §1.2), e.g. 'i915-GVTg_V5_4'. */
  readonly typeId: string;
  /** The vendor part of the type-id, e.g. 'GVTg_V5_4'. */
  readonly typeName: string;
  /** Host driver version 'major.minor.bugfix', e.g. '1.2.0'. */
  readonly softwareVersion: string;
  /** Scenario-supplied extras (board, ecc, branch, ...); each policy documents the keys it reads. */
  readonly properties: Readonly<Record<string, string>>;
}

export interface PolicyContext {
  readonly facts: VersionFacts;
  /** Free capacity of this type right now. A correct policy ignores it (kernel.md §2.2 R11). */
  readonly availableInstances: number;
  /** Proposal revision the parent runs. */
  readonly revision: Revision;
}

export interface VersionPolicy {
  readonly name: string;
  readonly description: string;
  /** show(): the opaque string WITHOUT the trailing newline, or an errno (type cannot migrate: e.g. ENODEV). */
  show(ctx: PolicyContext): string | Errno;
  /**
   * store(): `written` is what the kernel's store() sees as a C string (cut at the first NUL; a single
   * trailing newline still present — compare like sysfs_streq). true = compatible, else the errno.
   */
  store(ctx: PolicyContext, written: string): true | Errno;
}
