import { describe, expect, it } from 'vitest';
import { isMdevsimError, MdevsimError } from '../../core/errors.ts';
import { isSysError, SysError } from '../../core/sys-error.ts';

describe('core/sys-error: shaped like Node SystemError on fs calls', () => {
  const path = '/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create';

  it("message is `CODE: description, syscall 'path'` with a positive errno", () => {
    const e = new SysError('EINVAL', 'write', path);
    expect(e.message).toBe(`EINVAL: invalid argument, write '${path}'`);
    expect(e.code).toBe('EINVAL');
    expect(e.errno).toBe(22);
    expect(e.syscall).toBe('write');
    expect(e.path).toBe(path);
    expect(e.name).toBe('SysError');
    expect(e).toBeInstanceOf(Error);
  });

  it('without a path the message ends at the syscall; a detail goes in parentheses', () => {
    expect(new SysError('EUSERS', 'write').message).toBe('EUSERS: too many users, write');
    expect(new SysError('EUSERS', 'write').path).toBeUndefined();
    expect(new SysError('ENOSPC', 'write', '/sys/x', 'pool empty').message).toBe(
      "ENOSPC: no space left on device, write '/sys/x' (pool empty)",
    );
  });

  it('every errno is positive (Node uses negative numbers; we use the Linux ones)', () => {
    for (const code of ['EACCES', 'EEXIST', 'ENODEV', 'ENOMSG', 'E2BIG', 'ERANGE'] as const) {
      expect(new SysError(code, 'write').errno).toBeGreaterThan(0);
    }
    expect(new SysError('ENOMSG', 'read').errno).toBe(42);
  });

  it('isSysError recognizes our class and Node-shaped errors, not plain errors', () => {
    expect(isSysError(new SysError('EIO', 'read'))).toBe(true);
    const nodeLike = Object.assign(new Error('x'), { code: 'ENOENT', syscall: 'open' });
    expect(isSysError(nodeLike)).toBe(true);
    expect(isSysError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
    expect(isSysError(Object.assign(new Error('x'), { code: 'EWHAT', syscall: 'open' }))).toBe(false);
    expect(isSysError({ code: 'EIO', syscall: 'read' })).toBe(false);
  });
});

describe('core/errors: MdevsimError', () => {
  it('keeps code and cause; isMdevsimError narrows', () => {
    const cause = new Error('inner');
    const e = new MdevsimError('unknown-host', 'no host', { cause });
    expect(e.code).toBe('unknown-host');
    expect(e.message).toBe('no host');
    expect(e.cause).toBe(cause);
    expect(e.name).toBe('MdevsimError');
    expect(isMdevsimError(e)).toBe(true);
    expect(isMdevsimError(new Error('x'))).toBe(false);
  });
});
