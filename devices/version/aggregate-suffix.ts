import { isErrno } from '../../core/result.ts';
import { kstrtoull } from '../kstrto.ts';

const SUFFIX = ',aggregate=';

export interface SplitVersion {
  /**
   * The version string without the create parameters, for the policy's store(). Without
   * parameters it is the written text unchanged, so the policy's sysfs_streq applies the one
   * trailing newline rule itself (kernel.md §8); with them, the newline (if any) followed N.
   */
  readonly base: string;
  /** N from `,aggregate=N`; 1 when the string carries no parameters. */
  readonly aggregate: number;
}

/**
 * Splits `<version>,aggregate=N` — the shape both aggregation designs write (README "Aggregation"):
 * design A reads it whole from the source instance, design B concatenates the type's version and
 * the instance's `create_parameters`. Only the kernel side parses it; userspace never does.
 * Like sysfs_streq, one trailing newline is tolerated, once: after N, never also before the comma
 * or after a second newline. Returns undefined when the parameter is present but malformed.
 */
export function splitAggregate(text: string): SplitVersion | undefined {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const at = body.lastIndexOf(SUFFIX);
  if (at < 0) return { base: text, aggregate: 1 };
  const base = body.slice(0, at);
  const digits = body.slice(at + SUFFIX.length);
  // kstrtoull would forgive a newline of its own after the digits; the one allowed is gone already.
  if (base.endsWith('\n') || digits.endsWith('\n')) return undefined;
  const n = kstrtoull(digits, 10, 32);
  if (isErrno(n) || n === 0n) return undefined;
  return { base, aggregate: Number(n) };
}
