import type { ErrnoCode } from '../core/errno.ts';
import type { VfioMigrationEvent } from './vfio/events.ts';

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
  /** A VFIO migration step on one device (arcs, data-fd reads and writes, resets). */
  'vfio:event': { host: string; uuid: string; event: VfioMigrationEvent; at: number };
  'mdev:removed': { host: string; parent: string; type: string; uuid: string; at: number };
};
