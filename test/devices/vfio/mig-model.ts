import type { ErrnoCode } from '../../../core/errno.ts';
import { referencePath } from './kernel-tables.ts';

/*
 * The reference model for the fc.commands test: the transcribed kernel table (kernel-tables.ts)
 * plus the uAPI's data-fd rules (kernel.md §3.3, §7.7), written here independently of
 * devices/vfio. It predicts what each SET does to the state and the data files.
 */

export type FileKind = 'save' | 'resume';

export interface FileModel {
  readonly kind: FileKind;
  enabled: boolean;
  closed: boolean;
  /** Resuming: donor bytes written so far; stream poisoned by a bad write. */
  written: number;
  broken: boolean;
  /** Saving, exact drivers only: bytes readable now. */
  available: number;
}

export interface ArcFaultModel {
  readonly from: number;
  readonly to: number;
  readonly intoError: boolean;
}

export interface MigModel {
  state: number;
  readonly files: FileModel[];
  active: number | undefined;
  fault: ArcFaultModel | undefined;
  /** Full stream size of the driver (mtty: 24 + 36n) for exact-read tracking. */
  readonly streamBytes: number;
  readonly headerBytes: number;
  readonly donorBytes: number;
}

const OPENS: Readonly<Record<string, FileKind>> = {
  '2>6': 'save',
  '5>7': 'save',
  '1>3': 'save',
  '1>4': 'resume',
};
const SAVING = new Set([3, 6, 7]);

function ends(from: number, to: number): boolean {
  if (from === 4) return to !== 4;
  return SAVING.has(from) && !SAVING.has(to);
}

export interface SetPrediction {
  readonly errno?: ErrnoCode;
  readonly opened?: FileKind;
  /** A RES->STOP arc succeeded: the device now holds the donor's state. */
  readonly loaded: boolean;
}

function disableActive(m: MigModel): void {
  const active = m.active === undefined ? undefined : m.files[m.active];
  if (active !== undefined) active.enabled = false;
  m.active = undefined;
}

/** Applies a SET of `req` to the model and returns what the device must answer. */
export function predictSet(m: MigModel, req: number): SetPrediction {
  if (m.state === req) return { loaded: false };
  const path = referencePath(7, m.state, req);
  if (path === 'EINVAL') return { errno: 'EINVAL', loaded: false };
  let loaded = false;
  for (let i = 1; i < path.length; i++) {
    const from = path[i - 1] as number;
    const to = path[i] as number;
    const fault = m.fault;
    if (fault !== undefined && fault.from === from && fault.to === to) {
      m.fault = undefined;
      if (fault.intoError) {
        m.state = 0;
        disableActive(m);
      }
      return { errno: 'EIO', loaded };
    }
    const active = m.active === undefined ? undefined : m.files[m.active];
    if (from === 4 && to === 1) {
      if (active === undefined || active.broken || active.written !== m.donorBytes)
        return { errno: 'EINVAL', loaded };
      loaded = true;
    }
    m.state = to;
    if (ends(from, to)) disableActive(m);
    if (to === 3 && active !== undefined && active.enabled && active.kind === 'save') {
      active.available += m.streamBytes - m.headerBytes;
    }
    const opened = OPENS[`${from}>${to}`];
    if (opened !== undefined) {
      const available = to === 3 ? m.streamBytes : m.headerBytes;
      m.files.push({ kind: opened, enabled: true, closed: false, written: 0, broken: false, available });
      m.active = m.files.length - 1;
      return { opened, loaded };
    }
  }
  return { loaded };
}

export function reset(m: MigModel): void {
  disableActive(m);
  m.state = 2;
}

/** The errno every fd operation gets before the driver is consulted, if any. */
export function fdGate(f: FileModel, op: 'read' | 'write' | 'info'): ErrnoCode | undefined {
  if (f.closed) return 'EBADF';
  if (op === 'read' && f.kind === 'resume') return 'EBADF';
  if (op === 'write' && f.kind === 'save') return 'EBADF';
  if (op === 'info' && f.kind === 'resume') return 'ENOTTY';
  return undefined;
}
