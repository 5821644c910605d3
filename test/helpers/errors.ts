import { expect } from 'vitest';
import type { ErrnoCode } from '../../core/errno.ts';
import { ERRNO } from '../../core/errno.ts';
import { type Syscall, SysError } from '../../core/sys-error.ts';

/** Runs `fn` and returns the SysError it threw; fails the test if it returned or threw anything else. */
export function catchSys(fn: () => unknown): SysError {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    if (error instanceof SysError) return error;
    throw new Error(`expected a SysError, got ${String(error)}`, { cause: error });
  }
  throw new Error(`expected a SysError, but the call returned ${JSON.stringify(result)}`);
}

/** Asserts `fn` throws SysError `code` with the Linux number, and the syscall/path when given. */
export function expectSys(fn: () => unknown, code: ErrnoCode, syscall?: Syscall, path?: string): SysError {
  const error = catchSys(fn);
  expect(error.code).toBe(code);
  expect(error.errno).toBe(ERRNO[code].errno);
  if (syscall !== undefined) expect(error.syscall).toBe(syscall);
  if (path !== undefined) expect(error.path).toBe(path);
  return error;
}

/** The same for promise-returning calls (`fs.promises`). */
export async function expectSysAsync(
  promise: Promise<unknown>,
  code: ErrnoCode,
  syscall?: Syscall,
): Promise<void> {
  let thrown: unknown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SysError);
  expect((thrown as SysError).code).toBe(code);
  expect((thrown as SysError).errno).toBe(ERRNO[code].errno);
  if (syscall !== undefined) expect((thrown as SysError).syscall).toBe(syscall);
}
