import type { ErrnoCode } from '../core/errno.ts';

/** Events the kernel side of a host emits (payloads are plain data, safe to log or serialize). */
export type DeviceEvents = {
  'mdev:parent-registered': { host: string; parent: string; driver: string; at: number };
  'mdev:parent-unregistered': { host: string; parent: string; at: number };
  'mdev:created': { host: string; parent: string; type: string; uuid: string; aggregate: number; at: number };
  'mdev:create-failed': {
    host: string;
    parent: string;
    type: string;
    errno: ErrnoCode;
    reason: string;
    at: number;
  };
  'mdev:removed': { host: string; parent: string; type: string; uuid: string; at: number };
};
