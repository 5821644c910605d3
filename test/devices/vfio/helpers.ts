import { expect } from 'vitest';
import { type Errno, fail, isErrno } from '../../../core/result.ts';
import type { MigrationDataFile } from '../../../devices/vfio/data-file.ts';
import type {
  PrecopyInfo,
  ResumeSession,
  SaveSession,
  StepResult,
  VfioMigrationDriver,
} from '../../../devices/vfio/driver.ts';
import type { MigState } from '../../../devices/vfio/states.ts';
import type {
  SetStateReply,
  SetStateSuccess,
  VfioMigrationDevice,
} from '../../../devices/vfio/vfio-device.ts';

/** Asserts a SET succeeded and returns the reply. */
export function ok(reply: SetStateReply): SetStateSuccess {
  if (isErrno(reply)) throw new Error(`SET failed: ${reply.errno} ${reply.reason ?? ''}`);
  return reply;
}

export function value<T>(result: T | Errno): T {
  if (isErrno(result)) throw new Error(`unexpected ${result.errno}: ${result.reason ?? ''}`);
  return result;
}

/** Reads a saving file to its end (an empty read), concatenating copies of the chunks. */
export function drain(file: MigrationDataFile, max = 1 << 20): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = file.read(max);
    if (isErrno(chunk)) {
      if (chunk.errno === 'ENOMSG') break;
      throw new Error(`read failed: ${chunk.errno}`);
    }
    if (chunk.length === 0) break;
    expect(chunk.length).toBeLessThanOrEqual(max);
    parts.push(chunk.slice());
    total += chunk.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function writeAll(file: MigrationDataFile, bytes: Uint8Array, piece = 1 << 20): void {
  for (let at = 0; at < bytes.length; at += piece) {
    const n = value(file.write(bytes.subarray(at, at + piece)));
    expect(n).toBe(Math.min(piece, bytes.length - at));
  }
}

export function state(device: VfioMigrationDevice): MigState {
  return value(device.getState());
}

/** A trivially correct save session: a fixed payload, then end of data. */
export class StubSave implements SaveSession {
  readonly kind = 'save';
  disabled = false;
  #left: number;
  constructor(bytes = 8) {
    this.#left = bytes;
  }
  read(max: number): Uint8Array | Errno {
    if (this.disabled) return fail('ENODEV');
    const n = Math.min(max, this.#left);
    this.#left -= n;
    return new Uint8Array(n);
  }
  precopyInfo(): PrecopyInfo | Errno {
    if (this.disabled) return fail('ENODEV');
    return { initialBytes: this.#left, dirtyBytes: 0 };
  }
  disable(): void {
    this.disabled = true;
  }
}

export class StubResume implements ResumeSession {
  readonly kind = 'resume';
  disabled = false;
  write(bytes: Uint8Array): number | Errno {
    return this.disabled ? fail('ENODEV') : bytes.length;
  }
  disable(): void {
    this.disabled = true;
  }
}

/**
 * A driver whose arcs are scripted: by default it opens a session exactly on the uAPI's fd arcs
 * (listed here independently of devices/vfio/arcs.ts) and does nothing otherwise.
 */
export class StubDriver implements VfioMigrationDriver {
  readonly model = 'stub';
  readonly migrationFlags: number;
  readonly arcs: string[] = [];
  script: ((from: MigState, to: MigState) => StepResult | 'default') | undefined;
  resets = 0;

  constructor(flags = 7) {
    this.migrationFlags = flags;
  }

  step(from: MigState, to: MigState): StepResult {
    this.arcs.push(`${from}>${to}`);
    const scripted = this.script === undefined ? 'default' : this.script(from, to);
    if (scripted !== 'default') return scripted;
    const arc = `${from}>${to}`;
    if (arc === '2>6' || arc === '5>7' || arc === '1>3') return new StubSave();
    if (arc === '1>4') return new StubResume();
    return undefined;
  }

  stopCopyLength(): number {
    return 1234;
  }

  reset(): void {
    this.resets++;
  }

  stateDigest(): string {
    return 'stub';
  }
}
