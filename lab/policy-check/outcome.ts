import { isErrnoCode } from '../../core/errno.ts';
import type { PolicyContext, VersionPolicy } from '../../devices/policies/policy.ts';

/**
 * Calling an untrusted policy: every call is wrapped so a throw or an ill-typed return becomes data
 * the properties can report, never an exception in the checker.
 */
export type ShowOutcome =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'errno'; readonly errno: string }
  | { readonly kind: 'threw'; readonly error: string }
  | { readonly kind: 'garbage'; readonly what: string };

export type StoreOutcome =
  | { readonly kind: 'accept' }
  | { readonly kind: 'errno'; readonly errno: string }
  | { readonly kind: 'threw'; readonly error: string }
  | { readonly kind: 'garbage'; readonly what: string };

/** Told about each call before it is made (the worker records it, so a hang can name its input). */
export type CallObserver = (call: 'show()' | 'store()', ctx: PolicyContext, written?: string) => void;

let observer: CallObserver | undefined;

export function observeCalls(next: CallObserver | undefined): void {
  observer = next;
}

export function callShow(policy: VersionPolicy, ctx: PolicyContext): ShowOutcome {
  observer?.('show()', ctx);
  let value: unknown;
  try {
    value = policy.show(ctx);
  } catch (error) {
    return { kind: 'threw', error: describeThrown(error) };
  }
  if (typeof value === 'string') return { kind: 'string', value };
  const errno = errnoOf(value);
  return errno === undefined ? { kind: 'garbage', what: describeValue(value) } : { kind: 'errno', errno };
}

export function callStore(policy: VersionPolicy, ctx: PolicyContext, written: string): StoreOutcome {
  observer?.('store()', ctx, written);
  let value: unknown;
  try {
    value = policy.store(ctx, written);
  } catch (error) {
    return { kind: 'threw', error: describeThrown(error) };
  }
  if (value === true) return { kind: 'accept' };
  const errno = errnoOf(value);
  return errno === undefined ? { kind: 'garbage', what: describeValue(value) } : { kind: 'errno', errno };
}

/** The errno code of a well-formed `Errno` (known code, `reason` absent or a string), else undefined. */
function errnoOf(value: unknown): string | undefined {
  try {
    return readErrno(value);
  } catch {
    return undefined; // a getter or proxy that throws is not a well-formed Errno
  }
}

function readErrno(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as { readonly errno?: unknown; readonly reason?: unknown };
  if (!isErrnoCode(record.errno)) return undefined;
  if (record.reason !== undefined && typeof record.reason !== 'string') return undefined;
  return record.errno;
}

/** A comparable one-word summary: 'true', 'EINVAL', 'threw RangeError: …', 'garbage: …'. */
export function label(outcome: ShowOutcome | StoreOutcome): string {
  switch (outcome.kind) {
    case 'accept':
      return 'true';
    case 'string':
      return JSON.stringify(outcome.value);
    case 'errno':
      return outcome.errno;
    case 'threw':
      return `threw ${outcome.error}`;
    case 'garbage':
      return `garbage (${outcome.what})`;
  }
}

/** A broken contract (throw or ill-typed return), as a sentence, or undefined when the call was fine. */
export function contractBreach(call: string, outcome: ShowOutcome | StoreOutcome): string | undefined {
  if (outcome.kind === 'threw') return `${call} threw ${outcome.error}`;
  if (outcome.kind === 'garbage') {
    return `${call} returned ${outcome.what}, expected ${call.startsWith('show') ? 'a string' : 'true'} or an Errno`;
  }
  return undefined;
}

function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error) return `${String(error.name)}: ${String(error.message)}`;
    return `a non-Error value (${describeValue(error)})`;
  } catch {
    return 'a value that throws when inspected';
  }
}

/** A short description of an untrusted value; never throws. */
export function describeValue(value: unknown): string {
  try {
    return describeUnsafe(value);
  } catch {
    return 'a value that throws when inspected';
  }
}

function describeUnsafe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    if (typeof (value as { then?: unknown }).then === 'function')
      return 'a Promise (policies are synchronous)';
    const keys = Object.keys(value).slice(0, 4);
    return `an object {${keys.join(', ')}}`;
  }
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return `${typeof value} ${String(value)}`;
}

/**
 * What is wrong with a show() string, or undefined: the value must be printable ASCII (kernel.md
 * §2.2 R5 "only ascii"; no control characters, since a NUL cuts the C string userspace writes back
 * and a newline breaks the one-value read), at most 4095 characters so that it and sysfs's newline
 * fit one page (R5 PATH_MAX 4096, kernel.md §8 "Read").
 */
export function showStringProblem(value: string): string | undefined {
  if (value.length > 4095)
    return `show() returned ${value.length} characters; at most 4095 fit a page with the newline`;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) {
      return `show() returned a non-printable or non-ASCII character 0x${code.toString(16)} at offset ${i}`;
    }
  }
  return undefined;
}
