/**
 * Linux errno names and numbers (x86-64, include/uapi/asm-generic/errno-base.h and errno.h)
 * with the short descriptions Node prints in SystemError messages. Where libuv has a message
 * for the code (deps/uv/include/uv.h UV_ERRNO_MAP) that text is used, so our messages read like
 * Node's own `fs` errors; codes libuv lacks use the lower-cased glibc strerror text.
 */
export const ERRNO = {
  EPERM: { errno: 1, description: 'operation not permitted' },
  ENOENT: { errno: 2, description: 'no such file or directory' },
  EIO: { errno: 5, description: 'i/o error' },
  E2BIG: { errno: 7, description: 'argument list too long' },
  EBADF: { errno: 9, description: 'bad file descriptor' },
  EAGAIN: { errno: 11, description: 'resource temporarily unavailable' },
  ENOMEM: { errno: 12, description: 'not enough memory' },
  EACCES: { errno: 13, description: 'permission denied' },
  EFAULT: { errno: 14, description: 'bad address in system call argument' },
  EBUSY: { errno: 16, description: 'resource busy or locked' },
  EEXIST: { errno: 17, description: 'file already exists' },
  EXDEV: { errno: 18, description: 'cross-device link not permitted' },
  ENODEV: { errno: 19, description: 'no such device' },
  ENOTDIR: { errno: 20, description: 'not a directory' },
  EISDIR: { errno: 21, description: 'illegal operation on a directory' },
  EINVAL: { errno: 22, description: 'invalid argument' },
  ENOTTY: { errno: 25, description: 'inappropriate ioctl for device' },
  EFBIG: { errno: 27, description: 'file too large' },
  ENOSPC: { errno: 28, description: 'no space left on device' },
  ESPIPE: { errno: 29, description: 'invalid seek' },
  EROFS: { errno: 30, description: 'read-only file system' },
  EPIPE: { errno: 32, description: 'broken pipe' },
  ERANGE: { errno: 34, description: 'result too large' },
  ENAMETOOLONG: { errno: 36, description: 'name too long' },
  ENOSYS: { errno: 38, description: 'function not implemented' },
  ENOTEMPTY: { errno: 39, description: 'directory not empty' },
  ELOOP: { errno: 40, description: 'too many symbolic links encountered' },
  ENOMSG: { errno: 42, description: 'no message of desired type' },
  ENODATA: { errno: 61, description: 'no data available' },
  EPROTO: { errno: 71, description: 'protocol error' },
  EBADMSG: { errno: 74, description: 'bad message' },
  EOVERFLOW: { errno: 75, description: 'value too large for defined data type' },
  EUSERS: { errno: 87, description: 'too many users' },
  EOPNOTSUPP: { errno: 95, description: 'operation not supported on socket' },
  ECANCELED: { errno: 125, description: 'operation canceled' },
} as const satisfies Record<string, { errno: number; description: string }>;

export type ErrnoCode = keyof typeof ERRNO;

const BY_NUMBER: ReadonlyMap<number, ErrnoCode> = new Map(
  (Object.keys(ERRNO) as ErrnoCode[]).map((code) => [ERRNO[code].errno, code]),
);

export function errnoNumber(code: ErrnoCode): number {
  return ERRNO[code].errno;
}

export function errnoCode(errno: number): ErrnoCode | undefined {
  return BY_NUMBER.get(Math.abs(errno));
}

export function isErrnoCode(value: unknown): value is ErrnoCode {
  return typeof value === 'string' && Object.hasOwn(ERRNO, value);
}
