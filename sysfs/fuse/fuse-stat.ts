import type { SysfsStat } from '../api.ts';
import { fileMode } from '../file-mode.ts';
import type { FuseStat } from './native.ts';

/** A sysfs node's stat as FUSE wants it: root-owned, sysfs's page-sized attributes, one time. */
export function toFuseStat(st: SysfsStat, time: Date): FuseStat {
  return {
    mode: fileMode(st),
    uid: 0,
    gid: 0,
    size: st.size,
    nlink: st.nlink,
    ino: st.ino,
    blksize: 4096,
    blocks: 0,
    atime: time,
    mtime: time,
    ctime: time,
  };
}
