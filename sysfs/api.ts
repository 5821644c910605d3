/**
 * The synchronous sysfs path API of one simulated host (`host.sysfs`). Every failure throws a
 * `SysError` (core/sys-error.ts) carrying the errno the kernel would return for that syscall.
 * Paths are absolute; `//`, `.`, `..` and a trailing `/` are normalized the way the VFS does.
 */
export type NodeKind = 'dir' | 'file' | 'link';

export interface SysfsStat {
  readonly kind: NodeKind;
  /** Permission bits only: 0o755 directories, 0o777 links, 0o444 / 0o200 / 0o644 attributes. */
  readonly mode: number;
  /** Directories 0, attributes 4096 (sysfs reports PAGE_SIZE), links the target's length. */
  readonly size: number;
  /** Stable inode number for this node (unique within the host, survives re-reads). */
  readonly ino: number;
  readonly nlink: number;
  /** Virtual time (ns) of the node: 0, the host's boot: nodes are views of kernel objects, not files. */
  readonly ctimeNs: number;
}

export type OpenMode = 'r' | 'w' | 'rw';

export interface SysfsApi {
  /** Whole attribute text (show() output, newline-terminated). EACCES when it has no show(). */
  read(path: string): string;
  /** Bytes written, like write(2), or throws; a string is taken as UTF-8. */
  write(path: string, data: string | Uint8Array): number;
  readlink(path: string): string;
  readdir(path: string): string[];
  /** Follows links. */
  stat(path: string): SysfsStat;
  /** Does not follow a final link. */
  lstat(path: string): SysfsStat;
  exists(path: string): boolean;
  /** Canonical path with every link resolved (realpath(3)). */
  realpath(path: string): string;
  /** kernfs open check: EACCES for write on a show-only attribute or read on a store-only one. */
  access(path: string, mode: OpenMode): void;
}
