import { isErrno } from '../../core/result.ts';
import { kstrtoull } from '../kstrto.ts';

const SUFFIX = ',aggregate=';

export interface SplitVersion {
  /** The version string without the create parameters (one trailing newline removed). */
  readonly base: string;
  /** N from `,aggregate=N`; 1 when the string carries no parameters. */
  readonly aggregate: number;
}

/**
 * Splits `<version>,aggregate=N` — the shape both aggregation designs write (README "Aggregation"):
 * design A reads it whole from the source instance, design B concatenates the type's version and
 * the instance's `create_parameters`. Only the kernel side parses it; userspace never does.
 * Returns undefined when the parameter is present but malformed.
 */
export function splitAggregate(text: string): SplitVersion | undefined {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const at = body.lastIndexOf(SUFFIX);
  if (at < 0) return { base: body, aggregate: 1 };
  const n = kstrtoull(body.slice(at + SUFFIX.length), 10, 32);
  if (isErrno(n) || n === 0n) return undefined;
  return { base: body.slice(0, at), aggregate: Number(n) };
}
