import type { PolicyContext } from '../../devices/policies/policy.ts';
import type { CallObserver } from './outcome.ts';
import type { Counterexample } from './types.ts';

/**
 * The last policy call a worker made, kept in shared memory: when the worker hangs inside a call
 * and is terminated, the checker still reads which input it was on. Layout: an Int32 byte count,
 * then that many bytes of JSON.
 */
export const CALL_LOG_BYTES = 128 * 1024;

export function createCallLog(): SharedArrayBuffer {
  return new SharedArrayBuffer(CALL_LOG_BYTES);
}

export function callLogWriter(buffer: SharedArrayBuffer): CallObserver {
  const length = new Int32Array(buffer, 0, 1);
  const bytes = new Uint8Array(buffer, 4);
  const encoder = new TextEncoder();
  return (call: string, ctx: PolicyContext, written?: string) => {
    const entry = {
      call,
      facts: ctx.facts,
      revision: ctx.revision,
      availableInstances: ctx.availableInstances,
    };
    let json = JSON.stringify(written === undefined ? entry : { ...entry, written });
    if (json.length * 3 > bytes.length)
      json = JSON.stringify({ ...entry, written: `${written?.slice(0, 4096)}` });
    const { written: count } = encoder.encodeInto(json, bytes);
    Atomics.store(length, 0, count);
  };
}

/** The last call recorded, or undefined when none was (or the log is unreadable). */
export function readLastCall(buffer: SharedArrayBuffer): Counterexample | undefined {
  const count = Atomics.load(new Int32Array(buffer, 0, 1), 0);
  if (count <= 0 || count > buffer.byteLength - 4) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, count).slice()));
    return typeof value === 'object' && value !== null ? (value as Counterexample) : undefined;
  } catch {
    return undefined;
  }
}
