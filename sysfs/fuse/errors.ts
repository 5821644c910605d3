/** What can go wrong around a FUSE mount (as opposed to inside it, where errno is the answer). */
export type FuseMountErrorCode =
  /** /dev/fuse or libfuse2 is missing, or fuse-native did not load; the message says what to install. */
  | 'FUSE_UNAVAILABLE'
  /** The mountpoint is already a mount (possibly a stale one from a crashed process). */
  | 'MOUNTPOINT_MOUNTED'
  /** The mountpoint is a non-empty directory (libfuse2 refuses those; pass allowNonEmpty to override). */
  | 'MOUNTPOINT_BUSY'
  /** The mountpoint exists and is not a directory. */
  | 'MOUNTPOINT_NOT_DIR'
  /** fuse_mount() / fuse_new() failed, or the kernel never sent FUSE_INIT. */
  | 'MOUNT_FAILED'
  /** Neither umount nor fusermount (plain or lazy) could detach the mountpoint. */
  | 'UNMOUNT_FAILED';

export class FuseMountError extends Error {
  override readonly name = 'FuseMountError';
  readonly code: FuseMountErrorCode;
  readonly mountpoint: string | undefined;

  constructor(code: FuseMountErrorCode, message: string, mountpoint?: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.mountpoint = mountpoint;
  }
}

export function isFuseMountError(value: unknown): value is FuseMountError {
  return value instanceof FuseMountError;
}
