import type { FrameKind, SectionKind } from './frame.ts';

/**
 * The legal frame order, as data (DESIGN principle 5). Two tables:
 *
 * STREAM_ORDER is the stream as a whole (qemu.md §3.2, emission order of `qemu_savevm_state_*`):
 *   header → configuration → { START | PART | END section }* → FULL* → EOF
 * where each section body is the VFIO marker run of its save handler (qemu.md §2.2):
 *   START: DEV_SETUP_STATE, END_OF_STATE            ("SETUP STATE: EOS not found" otherwise)
 *   PART:  DEV_DATA_STATE*, END_OF_STATE | DEV_INIT_DATA_SENT
 *   END:   DEV_DATA_STATE*, END_OF_STATE
 *   FULL:  DEV_CONFIG_STATE, END_OF_STATE            ("end flag incorrect" otherwise)
 * Once the first FULL section is seen the stream is in its non-iterable phase: QEMU sends all
 * live sections' END before any FULL, so no START/PART/END may follow.
 *
 * SECTION_ORDER is one section id's life: START opens it, PART* and one END follow (PART/END
 * match by section id, "Unknown savevm section %d" for an unknown one, qemu.md §3.3), then one
 * FULL carries its config state. At EOF every section must have reached `complete`.
 */

export type StreamPhase =
  | 'expect-header'
  | 'expect-configuration'
  | 'iterable'
  | 'setup-body'
  | 'setup-end'
  | 'iterate-body'
  | 'complete-body'
  | 'config-body'
  | 'config-end'
  | 'non-iterable'
  | 'done';

type Table<S extends string, E extends string> = Readonly<Record<S, Readonly<Partial<Record<E, S>>>>>;

export const STREAM_ORDER: Table<StreamPhase, FrameKind> = {
  'expect-header': { header: 'expect-configuration' },
  'expect-configuration': { configuration: 'iterable' },
  iterable: {
    'section-start': 'setup-body',
    'section-part': 'iterate-body',
    'section-end': 'complete-body',
    'section-full': 'config-body',
    eof: 'done',
  },
  'setup-body': { 'dev-setup-state': 'setup-end' },
  'setup-end': { 'end-of-state': 'iterable' },
  'iterate-body': {
    'dev-data-state': 'iterate-body',
    'end-of-state': 'iterable',
    'dev-init-data-sent': 'iterable',
  },
  'complete-body': { 'dev-data-state': 'complete-body', 'end-of-state': 'iterable' },
  'config-body': { 'dev-config-state': 'config-end' },
  'config-end': { 'end-of-state': 'non-iterable' },
  'non-iterable': { 'section-full': 'config-body', eof: 'done' },
  done: {},
};

export type SectionStage = 'absent' | 'live' | 'ended' | 'complete';

export const SECTION_ORDER: Table<SectionStage, SectionKind> = {
  absent: { 'section-start': 'live' },
  live: { 'section-part': 'live', 'section-end': 'ended' },
  ended: { 'section-full': 'complete' },
  complete: {},
};

/** What each phase is waiting for, for messages. */
export function expectedIn(phase: StreamPhase): string {
  const kinds = Object.keys(STREAM_ORDER[phase]);
  return kinds.length === 0 ? 'nothing' : kinds.join(' | ');
}
