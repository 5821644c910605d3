/**
 * FUSE operations over a `SysfsApi`: what the kernel's kernfs/sysfs would answer, as far as FUSE
 * lets us say it. Pure over the API (no native code), so it is unit-tested without a mount.
 *
 * Behaviour (reference/kernel.md §8, fs/kernfs/file.c):
 *  - getattr is lstat: directories 040755, attributes 0100444 / 0100200 / 0100644 with size 4096,
 *    links 0120777; uid/gid 0; inode numbers from the API (mounted with `use_ino`).
 *  - open checks the access mode (`flags & 3`) against the attribute: EACCES for a write open of an
 *    attribute without store or a read open of one without show, for root too (kernfs checks the
 *    ops, not only the mode bits; the mount uses default_permissions for the ordinary DAC check).
 *  - read serves show() text; a read at offset 0 calls show() again (seq_file restarts), later
 *    offsets are served from the text taken at the last offset-0 read of that open file.
 *  - write: one FUSE WRITE is one write(2) (the mount has direct_io and a 128 KiB max_write), cut to
 *    4096 bytes like kernfs; the API's byte count comes back, so a short count is a short write(2).
 *    A zero-length write returns 0 without reaching the API.
 *  - truncate/ftruncate on attributes are no-ops (bash `>` opens with O_TRUNC), utimens too.
 *  - creating or removing names fails like sysfs: create EACCES (no ->create), mknod/mkdir/rmdir/
 *    unlink/symlink/link/rename EPERM. chmod/chown/xattrs are left unimplemented (ENOSYS).
 *  - errno from SysError goes back as -errno; any other exception becomes EIO and is reported once.
 */
import { ERRNO, type ErrnoCode } from '../../core/errno.ts';
import { isSysError } from '../../core/sys-error.ts';
import type { OpenMode, SysfsApi, SysfsStat } from '../api.ts';
import { toFuseStat } from './fuse-stat.ts';
import type { DoneCallback, FuseOps, FuseStat, FuseStatfs } from './native.ts';

/** kernfs cuts every write(2) on a regular sysfs attribute to PAGE_SIZE (reference/kernel.md §8). */
export const KERNFS_WRITE_MAX = 4096;

const O_ACCMODE = 3;
const S_IWUGO = 0o222;
const S_IRUGO = 0o444;

export type FuseOpName = keyof FuseOps;

export interface InternalErrorReport {
  readonly op: FuseOpName;
  /** The path as FUSE gave it (relative to the mount root). */
  readonly path: string;
  readonly error: unknown;
}

export interface SysfsFuseOpsOptions {
  /**
   * The API path the mount root shows. `/` (default) mounts the host's whole tree, so sysfs is at
   * `<mountpoint>/sys` if the API's paths start with `/sys`; `/sys` puts sysfs at the mountpoint.
   */
  readonly root?: string;
  /** Times every node reports (sysfs has no meaningful times). Default: when the ops were made. */
  readonly time?: Date;
  /** Called once per distinct (op, message) for exceptions that are not SysError; they return EIO. */
  readonly onInternalError?: (report: InternalErrorReport) => void;
}

interface OpenFile {
  readonly apiPath: string;
  readonly readable: boolean;
  readonly writable: boolean;
  /** show() text from the last read at offset 0. */
  snapshot: Buffer | undefined;
}

export interface SysfsFuseOps {
  readonly ops: FuseOps;
  /** Open file handles the kernel has not released yet. */
  openFileCount(): number;
}

function neg(code: ErrnoCode): number {
  return -ERRNO[code].errno;
}

function defaultInternalError(report: InternalErrorReport): void {
  const { error } = report;
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(
    `mdevsim fuse: unexpected exception in ${report.op} ${report.path} (answered EIO; ` +
      `identical errors are not reported again):\n${text}`,
  );
}

function joinRoot(root: string, fusePath: string): string {
  if (root === '/' || root === '') return fusePath;
  const base = root.endsWith('/') ? root.slice(0, -1) : root;
  return fusePath === '/' ? base : base + fusePath;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function createSysfsFuseOps(api: SysfsApi, options: SysfsFuseOpsOptions = {}): SysfsFuseOps {
  const root = options.root ?? '/';
  const time = options.time ?? new Date();
  const report = options.onInternalError ?? defaultInternalError;
  const reported = new Set<string>();
  const files = new Map<number, OpenFile>();
  let nextFd = 1;

  /** Runs `body`; a thrown SysError becomes its negative errno, anything else EIO (reported once). */
  function guard(op: FuseOpName, path: string, body: () => number): number {
    try {
      return body();
    } catch (error) {
      return toErrno(op, path, error);
    }
  }

  function toErrno(op: FuseOpName, path: string, error: unknown): number {
    if (isSysError(error)) {
      const n = Math.abs(error.errno);
      if (Number.isInteger(n) && n > 0) return -n;
    }
    const key = `${op}\0${error instanceof Error ? error.message : String(error)}`;
    // Bounded, so a bug whose message varies per call cannot grow the set without limit.
    if (!reported.has(key) && reported.size < 256) {
      reported.add(key);
      try {
        report({ op, path, error });
      } catch {
        // A failing reporter must not take the mount down.
      }
    }
    return neg('EIO');
  }

  const ops: FuseOps = {
    getattr(path, cb) {
      let stat: FuseStat | undefined;
      const code = guard('getattr', path, () => {
        stat = toFuseStat(api.lstat(joinRoot(root, path)), time);
        return 0;
      });
      if (code === 0 && stat !== undefined) cb(0, stat);
      else cb(code);
    },

    readdir(path, cb) {
      let names: string[] = [];
      let stats: FuseStat[] = [];
      const code = guard('readdir', path, () => {
        const dir = joinRoot(root, path);
        const self = toFuseStat(api.lstat(dir), time);
        const up = path === '/' ? self : toFuseStat(api.lstat(joinRoot(root, parentOf(path))), time);
        names = ['.', '..'];
        stats = [self, up];
        for (const name of api.readdir(dir)) {
          let st: SysfsStat;
          try {
            st = api.lstat(dir === '/' ? `/${name}` : `${dir}/${name}`);
          } catch (error) {
            // Gone between readdir and lstat (a device removed meanwhile): leave it out.
            if (isSysError(error)) continue;
            throw error;
          }
          names.push(name);
          stats.push(toFuseStat(st, time));
        }
        return 0;
      });
      if (code === 0) cb(0, names, stats);
      else cb(code);
    },

    readlink(path, cb) {
      let target = '';
      const code = guard('readlink', path, () => {
        target = api.readlink(joinRoot(root, path));
        return 0;
      });
      if (code === 0) cb(0, target);
      else cb(code);
    },

    open(path, flags, cb) {
      let fd = 0;
      const code = guard('open', path, () => {
        const apiPath = joinRoot(root, path);
        const st = api.lstat(apiPath);
        if (st.kind === 'dir') return neg('EISDIR');
        const acc = flags & O_ACCMODE;
        const writable = acc !== 0;
        const readable = acc !== 1;
        if (acc === O_ACCMODE) return neg('EINVAL');
        // kernfs_fop_open: EACCES when the mode has no write (read) bit for a write (read) open...
        if (writable && (st.mode & S_IWUGO) === 0) return neg('EACCES');
        if (readable && (st.mode & S_IRUGO) === 0) return neg('EACCES');
        // ...or the attribute has no store (show); the API owns that check.
        const mode: OpenMode = readable && writable ? 'rw' : writable ? 'w' : 'r';
        api.access(apiPath, mode);
        fd = nextFd++;
        if (nextFd > 0x7fff_ffff) nextFd = 1;
        files.set(fd, { apiPath, readable, writable, snapshot: undefined });
        return 0;
      });
      if (code === 0) cb(0, fd);
      else cb(code);
    },

    read(path, fd, buf, len, pos, cb) {
      cb(
        guard('read', path, () => {
          const file = files.get(fd);
          if (file === undefined || !file.readable) return neg('EBADF');
          if (pos === 0 || file.snapshot === undefined) {
            file.snapshot = Buffer.from(api.read(file.apiPath), 'utf8');
          }
          const text = file.snapshot;
          if (pos >= text.length || len <= 0) return 0;
          return text.copy(buf, 0, pos, Math.min(text.length, pos + len));
        }),
      );
    },

    write(path, fd, buf, len, _pos, cb) {
      // The offset is ignored: sysfs_kf_write passes every write to store() whatever the position.
      cb(
        guard('write', path, () => {
          const file = files.get(fd);
          if (file === undefined || !file.writable) return neg('EBADF');
          if (len <= 0) return 0;
          // Copy: the buffer is libfuse's memory and is detached once we answer.
          const data = Buffer.from(buf.subarray(0, Math.min(len, KERNFS_WRITE_MAX)));
          const n = api.write(file.apiPath, data);
          if (!Number.isInteger(n) || n < 0) throw new Error(`SysfsApi.write returned ${String(n)}`);
          return Math.min(n, data.length);
        }),
      );
    },

    release(_path, fd, cb) {
      files.delete(fd);
      cb(0);
    },

    flush(_path, _fd, cb) {
      cb(0);
    },

    truncate(path, _size, cb) {
      cb(
        guard('truncate', path, () => {
          const st = api.stat(joinRoot(root, path));
          return st.kind === 'dir' ? neg('EISDIR') : 0;
        }),
      );
    },

    ftruncate(_path, fd, _size, cb) {
      cb(files.has(fd) ? 0 : neg('EBADF'));
    },

    utimens(path, _atime, _mtime, cb) {
      cb(
        guard('utimens', path, () => {
          api.stat(joinRoot(root, path));
          return 0;
        }),
      );
    },

    statfs(_path, cb) {
      const statfs: FuseStatfs = {
        bsize: 4096,
        frsize: 4096,
        blocks: 0,
        bfree: 0,
        bavail: 0,
        files: 0,
        ffree: 0,
        favail: 0,
        fsid: 0,
        flag: 0,
        namemax: 255,
      };
      cb(0, statfs);
    },

    create(_path, _mode, cb) {
      cb(neg('EACCES'));
    },
    mknod(_path, _mode, _dev, cb: DoneCallback) {
      cb(neg('EPERM'));
    },
    mkdir(_path, _mode, cb) {
      cb(neg('EPERM'));
    },
    rmdir(_path, cb) {
      cb(neg('EPERM'));
    },
    unlink(_path, cb) {
      cb(neg('EPERM'));
    },
    symlink(_target, _path, cb) {
      cb(neg('EPERM'));
    },
    link(_src, _dest, cb) {
      cb(neg('EPERM'));
    },
    rename(_src, _dest, cb) {
      cb(neg('EPERM'));
    },
  };

  return { ops, openFileCount: () => files.size };
}
