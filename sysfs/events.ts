import type { ErrnoCode } from '../core/errno.ts';

export type SysfsOp = 'read' | 'write' | 'readlink' | 'readdir' | 'stat' | 'lstat' | 'realpath' | 'access';

/** One access through the sysfs boundary (every API call emits one when someone listens). */
export type SysfsEvents = {
  'sysfs:access': {
    host: string;
    op: SysfsOp;
    path: string;
    /** Bytes written (write) or returned (read), when the call succeeded. */
    bytes?: number;
    errno?: ErrnoCode;
    at: number;
  };
};
