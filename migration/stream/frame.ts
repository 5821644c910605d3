import type { Capability } from './constants.ts';

/**
 * The typed frames of a migration stream: what the writer takes and the decoder gives back
 * (the same shapes both ways, so `decode(encode(frames))` equals `frames`).
 *
 * A stream is (qemu.md §3.2): header, configuration, then per device a live section
 * START → PART* → END, then one FULL section per device for its config state, then EOF.
 * Each section body is a run of VFIO markers (qemu.md §2.1–§2.2):
 *   START: DEV_SETUP_STATE, END_OF_STATE                          (`save_setup`)
 *   PART:  DEV_DATA_STATE*, END_OF_STATE | DEV_INIT_DATA_SENT     (`save_live_iterate`)
 *   END:   DEV_DATA_STATE*, END_OF_STATE                          (`save_live_complete_precopy`)
 *   FULL:  DEV_CONFIG_STATE, END_OF_STATE                         (`save_state`)
 * The order is checked by the tables in order.ts.
 */

/** The stream header: QEMU's be32 magic + be32 version (qemu.md §3.2); the magic is implied. */
export interface HeaderFrame {
  readonly kind: 'header';
  readonly version: number;
}

/**
 * What a loader must check before any device state (QEMU's configuration section, qemu.md §3.4,
 * carries the machine type and validatable capabilities).
 */
export interface ConfigurationFrame {
  readonly kind: 'configuration';
  /** Source host name; also the first component of every section idstr. */
  readonly host: string;
  /** Scenario seed of the source (u32), so a target can reproduce the run. */
  readonly seed: number;
  readonly capabilities: readonly Capability[];
}

/** Create parameters after the `create` parser (only `aggregate` exists, kernel.md §2.4). */
export interface StreamCreateParams {
  readonly aggregate: number;
}

/** What the target needs to re-create and re-validate the device before loading its state. */
export interface DeviceDescriptor {
  /** Canonical lower-case mdev UUID. */
  readonly uuid: string;
  /** mdev type id, e.g. `i915-GVTg_V5_4`. */
  readonly mdevType: string;
  /** The source's `migration_version` attribute as read, or null when it has none. Opaque. */
  readonly migrationVersion: string | null;
  readonly createParams: StreamCreateParams;
}

/** Full section header fields (qemu.md §3.2: section_id, idstr, instance_id, version_id). */
interface SectionHeader {
  readonly sectionId: number;
  /** `<host>/<uuid>/vfio`, like QEMU's `"<qdev-path>/vfio"` (qemu.md §2.1). */
  readonly idstr: string;
  readonly instanceId: number;
  readonly versionId: number;
}

export interface SectionStartFrame extends SectionHeader {
  readonly kind: 'section-start';
  readonly device: DeviceDescriptor;
}

export interface SectionPartFrame {
  readonly kind: 'section-part';
  readonly sectionId: number;
}

export interface SectionEndFrame {
  readonly kind: 'section-end';
  readonly sectionId: number;
}

export interface SectionFullFrame extends SectionHeader {
  readonly kind: 'section-full';
}

/**
 * Marker frames. QEMU's markers carry no section id (the byte position implies it); ours repeat
 * the id of the enclosing section so a misrouted marker is caught, not loaded into another device.
 */
export interface DevSetupStateFrame {
  readonly kind: 'dev-setup-state';
  readonly sectionId: number;
}

/** DEV_DATA_STATE + be64 size + bytes in QEMU; here the size is the payload length. */
export interface DevDataStateFrame {
  readonly kind: 'dev-data-state';
  readonly sectionId: number;
  /** Opaque device bytes. From the decoder this is a view into the input, never a copy when avoidable. */
  readonly data: Uint8Array;
}

/** DEV_CONFIG_STATE followed by the config blob (`vfio_save_config`, qemu.md §2.1). */
export interface DevConfigStateFrame {
  readonly kind: 'dev-config-state';
  readonly sectionId: number;
  readonly data: Uint8Array;
}

export interface EndOfStateFrame {
  readonly kind: 'end-of-state';
  readonly sectionId: number;
}

export interface DevInitDataSentFrame {
  readonly kind: 'dev-init-data-sent';
  readonly sectionId: number;
}

export interface EofFrame {
  readonly kind: 'eof';
}

export type SectionFrame = SectionStartFrame | SectionPartFrame | SectionEndFrame | SectionFullFrame;

export type MarkerFrame =
  | DevSetupStateFrame
  | DevDataStateFrame
  | DevConfigStateFrame
  | EndOfStateFrame
  | DevInitDataSentFrame;

export type Frame = HeaderFrame | ConfigurationFrame | SectionFrame | MarkerFrame | EofFrame;

export type FrameKind = Frame['kind'];

export type MarkerKind = MarkerFrame['kind'];

export type SectionKind = SectionFrame['kind'];

const MARKER_KINDS: ReadonlySet<string> = new Set<MarkerKind>([
  'dev-setup-state',
  'dev-data-state',
  'dev-config-state',
  'end-of-state',
  'dev-init-data-sent',
]);

export function isMarkerFrame(frame: Frame): frame is MarkerFrame {
  return MARKER_KINDS.has(frame.kind);
}

/** The idstr of a device's VFIO section: `<host>/<uuid>/vfio`. */
export function vfioIdstr(host: string, uuid: string): string {
  return `${host}/${uuid}/vfio`;
}
