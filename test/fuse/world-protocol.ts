/**
 * The control channel of test/fuse/world-child.ts: one JSON object per line on its stdin, one
 * reply per line on its stdout (after the `READY <dir>` line). Requests go to the library API of
 * the served world (`world.host(h).sysfs`), never to the mount, so a test can change the world
 * one way and look at it the other ("a change through one is seen by the other").
 */

export type WorldRequest =
  | {
      readonly id: number;
      readonly op: 'read' | 'readdir' | 'exists';
      readonly host: string;
      readonly path: string;
    }
  | {
      readonly id: number;
      readonly op: 'write';
      readonly host: string;
      readonly path: string;
      readonly data: string;
    }
  /** unmountAll(); the child keeps running until SIGTERM/SIGINT or end of stdin. */
  | { readonly id: number; readonly op: 'unmount' };

export type WorldReplyValue = string | number | boolean | readonly string[] | null;

export type WorldReply =
  | { readonly id: number; readonly ok: true; readonly value: WorldReplyValue }
  /** `code` is the errno name of a SysError (e.g. EINVAL), else the error's name. */
  | { readonly id: number; readonly ok: false; readonly code: string; readonly message: string };

/** What the child prints once every host is mounted. */
export const READY_PREFIX = 'READY ';
