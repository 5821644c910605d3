import type { SysfsStat } from './api.ts';

/** File-type bits of `st_mode` (include/uapi/linux/stat.h). */
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

/** A node's full `st_mode`, as stat(2) reports it: type bits plus permission bits. */
export function fileMode(stat: SysfsStat): number {
  const type = stat.kind === 'dir' ? S_IFDIR : stat.kind === 'link' ? S_IFLNK : S_IFREG;
  return type | (stat.mode & 0o7777);
}
