import type { ErrnoCode } from './errno.ts';

/**
 * glibc's strerror() text for the codes the simulator returns: what bash, cat and mdevctl print
 * ("-bash: echo: write error: Invalid argument"), as opposed to the lower-case libuv text of
 * Node's error messages (errno.ts).
 */
const GLIBC: Partial<Record<ErrnoCode, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EIO: 'Input/output error',
  E2BIG: 'Argument list too long',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EFAULT: 'Bad address',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENOTTY: 'Inappropriate ioctl for device',
  ENOSPC: 'No space left on device',
  ESPIPE: 'Illegal seek',
  ERANGE: 'Numerical result out of range',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
  ENOMSG: 'No message of desired type',
  EUSERS: 'Too many users',
  EOPNOTSUPP: 'Operation not supported',
  ECANCELED: 'Operation canceled',
};

export function strerror(code: string): string {
  return GLIBC[code as ErrnoCode] ?? code;
}
