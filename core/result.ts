import type { ErrnoCode } from './errno.ts';

/**
 * What a kernel-side callback returns instead of throwing: a value, or a negative errno the way
 * `show()`/`store()` return `-EINVAL`. Keeping errno as data lets the boundary (sysfs, ioctl)
 * decide how to surface it and keeps the kernel model free of exceptions on bad input.
 */
export interface Errno {
  readonly errno: ErrnoCode;
  /** Why, for logs and traces (the kernel would pr_err it); never parsed. */
  readonly reason?: string;
}

export function fail(errno: ErrnoCode, reason?: string): Errno {
  return reason === undefined ? { errno } : { errno, reason };
}

export function isErrno(value: unknown): value is Errno {
  return (
    typeof value === 'object' &&
    value !== null &&
    'errno' in value &&
    typeof (value as Errno).errno === 'string'
  );
}
