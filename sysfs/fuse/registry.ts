/** The handle of one mount, and the mounts this process serves (shared by mount, stale and signal code). */
export interface MountHandle {
  /** Canonical absolute mountpoint. */
  readonly mountpoint: string;
  /** The `-o` options the mount was made with. */
  readonly fuseOptions: readonly string[];
  /** Whether the mount is still in this namespace's mount table. */
  readonly mounted: boolean;
  /** Files the kernel still has open on the mount. */
  openFileCount(): number;
  /**
   * Detaches the mount: `umount`, then `fusermount -u`; if busy (a process has a file open),
   * lazily (`fusermount -uz`, `umount -l`). Idempotent; concurrent calls share one promise.
   */
  unmount(): Promise<void>;
}

/** Live mounts of this process, by mountpoint. */
export const live = new Map<string, MountHandle>();
/** Mountpoints between the start of mountSysfs and its end. */
export const pending = new Set<string>();

/** Mounts this process serves (for signal cleanup and diagnostics). */
export function liveMounts(): MountHandle[] {
  return [...live.values()];
}
