import { type Errno, isErrno } from '../../core/result.ts';

/** A step of the migration failed; the flow rolls back and reports `reason`. */
export class MigrationAbort extends Error {
  constructor(reason: string) {
    super(reason);
  }
}

/** The value, or an abort naming what failed and its errno (ioctl results are errno data). */
export function must<T>(result: T | Errno, what: string): T {
  if (isErrno(result))
    throw new MigrationAbort(`${what}: ${result.errno}${result.reason ? ` (${result.reason})` : ''}`);
  return result;
}
