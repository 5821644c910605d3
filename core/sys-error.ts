import { ERRNO, type ErrnoCode, isErrnoCode } from './errno.ts';

/** The system call an error is attributed to, as Node names them on fs errors. */
export type Syscall =
  | 'open'
  | 'read'
  | 'write'
  | 'readlink'
  | 'scandir'
  | 'stat'
  | 'lstat'
  | 'realpath'
  | 'access'
  | 'ioctl'
  | 'mount'
  | 'close';

/**
 * The one error class for everything that crosses the simulated user/kernel boundary. Shaped like
 * Node's SystemError on fs calls (`code`, `errno`, `syscall`, `path`, message
 * `EINVAL: invalid argument, write '/sys/...'`) so code written for a real `/sys` handles it
 * unchanged. Unlike Node, `errno` is the positive Linux number.
 */
export class SysError extends Error {
  override readonly name = 'SysError';
  readonly code: ErrnoCode;
  readonly errno: number;
  readonly syscall: Syscall;
  readonly path: string | undefined;

  constructor(code: ErrnoCode, syscall: Syscall, path?: string, detail?: string) {
    const where = path === undefined ? '' : ` '${path}'`;
    const why = detail === undefined ? '' : ` (${detail})`;
    super(`${code}: ${ERRNO[code].description}, ${syscall}${where}${why}`);
    this.code = code;
    this.errno = ERRNO[code].errno;
    this.syscall = syscall;
    this.path = path;
  }
}

export function isSysError(value: unknown): value is SysError {
  return (
    value instanceof SysError ||
    (value instanceof Error && isErrnoCode((value as { code?: unknown }).code) && 'syscall' in value)
  );
}
