import { describe, expect, it } from 'vitest';
import { ERRNO, type ErrnoCode, errnoCode, errnoNumber, isErrnoCode } from '../../core/errno.ts';
import { fail, isErrno } from '../../core/result.ts';

/** asm-generic/errno-base.h and errno.h as x86-64 Linux defines them. */
const LINUX_X86_64: Record<ErrnoCode, number> = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENOTTY: 25,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EPIPE: 32,
  ERANGE: 34,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENOMSG: 42,
  ENODATA: 61,
  EPROTO: 71,
  EBADMSG: 74,
  EOVERFLOW: 75,
  EUSERS: 87,
  EOPNOTSUPP: 95,
  ECANCELED: 125,
};

describe('core/errno: Linux x86-64 numbers', () => {
  it.each(Object.entries(LINUX_X86_64))('%s is %i', (code, number) => {
    expect(errnoNumber(code as ErrnoCode)).toBe(number);
    expect(errnoCode(number)).toBe(code);
  });

  it('the table holds exactly the codes checked above (a new code needs its number checked)', () => {
    expect(Object.keys(ERRNO).sort()).toEqual(Object.keys(LINUX_X86_64).sort());
  });

  it('numbers are unique, so errnoCode is a bijection', () => {
    const numbers = Object.values(ERRNO).map((e) => e.errno);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('errnoCode accepts the negative form a store() returns (-EINVAL) and rejects unknown numbers', () => {
    expect(errnoCode(-22)).toBe('EINVAL');
    expect(errnoCode(-87)).toBe('EUSERS');
    expect(errnoCode(0)).toBeUndefined();
    expect(errnoCode(4095)).toBeUndefined();
  });

  it('descriptions read like Node/libuv fs errors', () => {
    expect(ERRNO.EINVAL.description).toBe('invalid argument');
    expect(ERRNO.ENOENT.description).toBe('no such file or directory');
    expect(ERRNO.EACCES.description).toBe('permission denied');
    expect(ERRNO.EISDIR.description).toBe('illegal operation on a directory');
    expect(ERRNO.EEXIST.description).toBe('file already exists');
  });

  it('isErrnoCode is true only for own table keys', () => {
    expect(isErrnoCode('EINVAL')).toBe(true);
    expect(isErrnoCode('einval')).toBe(false);
    expect(isErrnoCode('toString')).toBe(false);
    expect(isErrnoCode('__proto__')).toBe(false);
    expect(isErrnoCode(22)).toBe(false);
  });
});

describe('core/result: errno as data', () => {
  it('fail() carries the code and an optional reason, without an undefined key', () => {
    expect(fail('ENOSPC')).toEqual({ errno: 'ENOSPC' });
    expect(Object.keys(fail('ENOSPC'))).toEqual(['errno']);
    expect(fail('EINVAL', 'why')).toEqual({ errno: 'EINVAL', reason: 'why' });
  });

  it('isErrno tells an Errno from a count and from other objects', () => {
    expect(isErrno(fail('EIO'))).toBe(true);
    expect(isErrno(36)).toBe(false);
    expect(isErrno(null)).toBe(false);
    expect(isErrno({ errno: 22 })).toBe(false);
  });
});
