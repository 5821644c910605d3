import { VFIO_SECTION_VERSION } from './constants.ts';
import type { DeviceDescriptor } from './frame.ts';
import { vfioIdstr } from './frame.ts';
import type { StreamWriter } from './writer.ts';

/**
 * Writers for whole section blocks, shaped like QEMU's VFIO save handlers (qemu.md §2.2) so the
 * orchestrator reads like `qemu_savevm_state_*`. Each writes the section header and its marker run.
 */

/** The live section of one device, as registered (`register_savevm_live`, qemu.md §2.1). */
export interface VfioSection {
  readonly sectionId: number;
  readonly host: string;
  readonly instanceId: number;
  readonly device: DeviceDescriptor;
}

function header(section: VfioSection) {
  return {
    sectionId: section.sectionId,
    idstr: vfioIdstr(section.host, section.device.uuid),
    instanceId: section.instanceId,
    versionId: VFIO_SECTION_VERSION,
  };
}

/** `save_setup`: START, DEV_SETUP_STATE, END_OF_STATE. */
export function writeSetup(writer: StreamWriter, section: VfioSection): void {
  writer.write({ kind: 'section-start', ...header(section), device: section.device });
  writer.write({ kind: 'dev-setup-state', sectionId: section.sectionId });
  writer.write({ kind: 'end-of-state', sectionId: section.sectionId });
}

/**
 * `save_live_iterate`: PART, DEV_DATA_STATE per chunk, then DEV_INIT_DATA_SENT when
 * `initDataSent` (switchover-ack, the first time the initial bytes are all sent) else END_OF_STATE.
 */
export function writeIterate(
  writer: StreamWriter,
  sectionId: number,
  chunks: Iterable<Uint8Array>,
  initDataSent = false,
): void {
  writer.write({ kind: 'section-part', sectionId });
  for (const data of chunks) writer.write({ kind: 'dev-data-state', sectionId, data });
  writer.write({ kind: initDataSent ? 'dev-init-data-sent' : 'end-of-state', sectionId });
}

/** `save_live_complete_precopy`: END, DEV_DATA_STATE per chunk (drained until empty), END_OF_STATE. */
export function writeComplete(writer: StreamWriter, sectionId: number, chunks: Iterable<Uint8Array>): void {
  writer.write({ kind: 'section-end', sectionId });
  for (const data of chunks) writer.write({ kind: 'dev-data-state', sectionId, data });
  writer.write({ kind: 'end-of-state', sectionId });
}

/** `save_state`, sent as a FULL section: DEV_CONFIG_STATE with the config blob, END_OF_STATE. */
export function writeConfigState(writer: StreamWriter, section: VfioSection, config: Uint8Array): void {
  writer.write({ kind: 'section-full', ...header(section) });
  writer.write({ kind: 'dev-config-state', sectionId: section.sectionId, data: config });
  writer.write({ kind: 'end-of-state', sectionId: section.sectionId });
}
