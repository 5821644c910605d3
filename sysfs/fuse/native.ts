/**
 * The typed face of `fuse-native` 2.2.6 (a CommonJS package without types), loaded lazily so that
 * nothing else in the project ever loads the native binding or needs libfuse2.
 *
 * Only what mount.ts uses is declared. Calling conventions, read from
 * node_modules/fuse-native/index.js and fuse-native.c:
 *  - every callback's first argument is a result code: 0 or a NEGATIVE errno;
 *  - `read`/`write` callbacks take the byte count (or a negative errno) as that first argument;
 *  - `open` must hand back a non-zero handle, which comes back as `fd` in read/write/release;
 *  - handlers run on the Node main thread (libuv async from the FUSE threads), so the process
 *    that serves a mount must never touch the mount synchronously (see mount.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** What a getattr/readdir callback hands back; fuse-native packs it into a `struct stat`. */
export interface FuseStat {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly nlink: number;
  readonly ino: number;
  readonly blksize: number;
  readonly blocks: number;
  readonly atime: Date;
  readonly mtime: Date;
  readonly ctime: Date;
}

export interface FuseStatfs {
  readonly bsize: number;
  readonly frsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
  readonly files: number;
  readonly ffree: number;
  readonly favail: number;
  readonly fsid: number;
  readonly flag: number;
  readonly namemax: number;
}

export type DoneCallback = (code: number) => void;

/** The operations we implement. Absent ones make libfuse answer ENOSYS. */
export interface FuseOps {
  getattr(path: string, cb: (code: number, stat?: FuseStat) => void): void;
  readdir(path: string, cb: (code: number, names?: string[], stats?: FuseStat[]) => void): void;
  readlink(path: string, cb: (code: number, target?: string) => void): void;
  open(path: string, flags: number, cb: (code: number, fd?: number) => void): void;
  read(path: string, fd: number, buf: Buffer, len: number, pos: number, cb: DoneCallback): void;
  write(path: string, fd: number, buf: Buffer, len: number, pos: number, cb: DoneCallback): void;
  release(path: string, fd: number, cb: DoneCallback): void;
  flush(path: string, fd: number, cb: DoneCallback): void;
  truncate(path: string, size: number, cb: DoneCallback): void;
  ftruncate(path: string, fd: number, size: number, cb: DoneCallback): void;
  utimens(path: string, atime: number, mtime: number, cb: DoneCallback): void;
  statfs(path: string, cb: (code: number, statfs?: FuseStatfs) => void): void;
  create(path: string, mode: number, cb: (code: number, fd?: number) => void): void;
  mknod(path: string, mode: number, dev: number, cb: DoneCallback): void;
  mkdir(path: string, mode: number, cb: DoneCallback): void;
  rmdir(path: string, cb: DoneCallback): void;
  unlink(path: string, cb: DoneCallback): void;
  symlink(target: string, path: string, cb: DoneCallback): void;
  link(src: string, dest: string, cb: DoneCallback): void;
  rename(src: string, dest: string, cb: DoneCallback): void;
}

export interface FuseConstructorOptions {
  /** Per-operation watchdog of fuse-native; `false` disables it (our handlers are synchronous). */
  readonly timeout: false | number;
  readonly mkdir: boolean;
  readonly force: boolean;
}

export type NodeCallback = (err: Error | null) => void;

export interface FuseInstance {
  mount(cb: NodeCallback): void;
  unmount(cb: NodeCallback): void;
  /**
   * Builds the single `-o a,b,c` argument passed to fuse_mount()/fuse_new(). fuse-native only
   * knows a fixed list of options (no direct_io, max_write, use_ino, and a zero timeout is
   * dropped as falsy), so mount.ts replaces this method on the instance.
   */
  _fuseOptions: () => string;
}

export interface FuseClass {
  new (mountpoint: string, ops: FuseOps, options: FuseConstructorOptions): FuseInstance;
  /** Detaches a mountpoint (fuse-native runs `fusermount -uz`); `_close` calls it, then frees the thread. */
  unmount: (mountpoint: string, cb: NodeCallback) => void;
}

function isFuseClass(value: unknown): value is FuseClass {
  return (
    typeof value === 'function' &&
    typeof (value as { unmount?: unknown }).unmount === 'function' &&
    typeof (value as { prototype?: { mount?: unknown } }).prototype?.mount === 'function' &&
    typeof (value as { ENOENT?: unknown }).ENOENT === 'number'
  );
}

/** Why FUSE cannot be used here, in words that say what to install. */
export type FuseUnavailableReason = 'no-dev-fuse' | 'no-libfuse2' | 'load-failed';

export type FuseAvailability =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: FuseUnavailableReason; readonly message: string };

type LoadResult = { readonly ok: true; readonly Fuse: FuseClass } | (FuseAvailability & { ok: false });

let cached: LoadResult | undefined;

function load(): LoadResult {
  if (cached !== undefined) return cached;
  if (!existsSync('/dev/fuse')) {
    // Not cached: a device node can appear (modprobe fuse, a container restarted with --device).
    return {
      ok: false,
      reason: 'no-dev-fuse',
      message:
        'FUSE is not available: /dev/fuse does not exist. Load the module (`modprobe fuse`) or, in a ' +
        'container, start it with `--device /dev/fuse --cap-add SYS_ADMIN`.',
    };
  }
  let result: LoadResult;
  try {
    const required: unknown = createRequire(import.meta.url)('fuse-native');
    result = isFuseClass(required)
      ? { ok: true, Fuse: required }
      : {
          ok: false,
          reason: 'load-failed',
          message: 'FUSE is not available: the fuse-native module did not export the expected class.',
        };
  } catch (err) {
    result = classifyLoadError(err);
  }
  cached = result;
  return result;
}

/** Turns the exception of loading fuse-native into an availability verdict that says what to install. */
export function classifyLoadError(err: unknown): FuseAvailability & { ok: false } {
  const text = err instanceof Error ? err.message : String(err);
  if (/libfuse\.so\.2/.test(text)) {
    return {
      ok: false,
      reason: 'no-libfuse2',
      message:
        'FUSE is not available: libfuse.so.2 is missing. Install it with `apt-get install libfuse2` ' +
        '(Debian/Ubuntu; `dnf install fuse-libs` on Fedora).',
    };
  }
  return {
    ok: false,
    reason: 'load-failed',
    message: `FUSE is not available: fuse-native failed to load (${text.split('\n')[0] ?? text}).`,
  };
}

/** Checks /dev/fuse and loads fuse-native (and thus libfuse.so.2) once; never throws. */
export function checkFuseAvailable(): FuseAvailability {
  const r = load();
  return r.ok ? { ok: true } : r;
}

/** The fuse-native class, or the reason it cannot be had. */
export function loadFuse():
  | { readonly ok: true; readonly Fuse: FuseClass }
  | (FuseAvailability & { ok: false }) {
  return load();
}
