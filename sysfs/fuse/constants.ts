/** Names of our mounts in /proc/self/mountinfo and the FUSE write limit. */
/** FUSE subtype of our mounts: mountinfo shows the filesystem type `fuse.mdevsim`. */
export const FUSE_SUBTYPE = 'mdevsim';
export const FUSE_FSTYPE = `fuse.${FUSE_SUBTYPE}`;
/** libfuse2's largest max_write (its receive buffer is 128 KiB + one page of header). */
export const FUSE_MAX_WRITE = 131072;
