/**
 * A real FUSE mount of one simulated host's sysfs, so bash, coreutils and mdevctl run against it.
 *
 * THE ONE RULE: the process that serves a mount must never touch it synchronously. fuse-native
 * runs every FUSE request on the Node main thread (libuv async from libfuse's threads), so
 * `fs.readFileSync('<mnt>/...')`, `execFileSync('cat', ['<mnt>/...'])` or `spawnSync(mdevctl)`
 * from the serving process deadlock for good (the request waits for the event loop, the event
 * loop waits for the request). Use `fs.promises`, `execFile`/`spawn`, or another process.
 *
 * Mount options (see `buildFuseOptions`), and why:
 *  - `direct_io`: no page cache. Every read(2) and write(2) reaches the API, so `cat` prints the
 *    real show() text although getattr reports size 4096 (as sysfs does), and a store() that returns
 *    a short count makes write(2) short.
 *  - `big_writes,max_write=131072`: a write(2) of up to 128 KiB reaches us as ONE request, so the
 *    kernfs cut (store() sees the first 4096 bytes; the return value is store()'s) shows up exactly
 *    as on a real host: `dd bs=5000` gets 4096 back and writes the rest in a second write(2).
 *    With max_write=4096 the kernel would instead split inside one write(2) and report 5000.
 *  - `entry_timeout=0,negative_timeout=0,attr_timeout=0`: no dentry/attribute caching, so a device
 *    created or removed through the library API is seen through the mount at once.
 *  - `use_ino`: inode numbers come from the API (stable, as on sysfs).
 *  - `default_permissions`: the kernel does the ordinary DAC check on our modes (uid/gid 0), so a
 *    non-root user sees sysfs's permission picture; root passes DAC as on a real host, and open()
 *    then adds kernfs's own check (EACCES for a wrong-direction open, root included).
 *  - `allow_other` (default when running as root): lets users other than the mounter in. Tried:
 *    root in a new mount namespace (`unshare -m` + `mount --bind <mnt>/sys /sys`, the mdevctl
 *    harness) and root of a new user namespace (`unshare -U -r`) get in WITHOUT it, because FUSE
 *    compares the caller's kernel uid/gid with the mounter's and both map to uid 0; an ordinary
 *    user (uid 65534) gets EACCES on everything without it. With it plus default_permissions, that
 *    user reads 0444/0644 attributes and gets EACCES writing them, as on a real /sys.
 *  - `fsname=mdevsim,subtype=mdevsim`: mountinfo shows `fuse.mdevsim mdevsim`, which is how
 *    `cleanStaleMounts` recognises our mounts.
 */
import { mkdir, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SysfsApi } from '../api.ts';
import { FUSE_FSTYPE, FUSE_MAX_WRITE, FUSE_SUBTYPE } from './constants.ts';
import { FuseMountError } from './errors.ts';
import { type MountEntry, mountsAt, readMountinfo } from './mountinfo.ts';
import { type FuseClass, type FuseInstance, loadFuse } from './native.ts';
import { createSysfsFuseOps, type InternalErrorReport } from './ops.ts';
import { live, type MountHandle, pending } from './registry.ts';
import { errnoCode, unmountPath } from './unmount.ts';

// The FUSE layer's public API, by name (mount.ts is its front door).
export { FUSE_FSTYPE, FUSE_MAX_WRITE, FUSE_SUBTYPE } from './constants.ts';
export { FuseMountError, type FuseMountErrorCode, isFuseMountError } from './errors.ts';
export { checkFuseAvailable, type FuseAvailability } from './native.ts';
export type { InternalErrorReport } from './ops.ts';
export { liveMounts, type MountHandle } from './registry.ts';
export { installSignalCleanup, type SignalCleanupOptions, type SignalSource } from './signals.ts';
export { type CleanStaleOptions, cleanStaleMounts } from './stale.ts';
export { type UnmountOutcome, unmountPath } from './unmount.ts';

export interface MountOptions {
  /** API path shown at the mount root (default `/`: the host's whole tree, sysfs under `sys/`). */
  readonly root?: string;
  /** Let other users use the mount. Default: true when running as root, else whether /etc/fuse.conf has user_allow_other. */
  readonly allowOther?: boolean;
  /** Mount over a non-empty directory (libfuse2 `nonempty`). Default false: that is refused. */
  readonly allowNonEmpty?: boolean;
  /** The mount's source column in mountinfo. Default `mdevsim`. No commas. */
  readonly fsname?: string;
  /** libfuse's request trace on stderr. */
  readonly debug?: boolean;
  /** How long to wait for FUSE_INIT. Default 10 s. */
  readonly mountTimeoutMs?: number;
  /** Times every node reports. Default: the mount time. */
  readonly time?: Date;
  /** Exceptions from the API that are not SysError (answered EIO). Default: logged once to stderr. */
  readonly onInternalError?: (report: InternalErrorReport) => void;
}

export function buildFuseOptions(
  options: Pick<MountOptions, 'allowOther' | 'allowNonEmpty' | 'fsname' | 'debug'>,
): string[] {
  const fsname = options.fsname ?? 'mdevsim';
  if (/[,\s\\]/.test(fsname) || fsname === '') {
    throw new FuseMountError(
      'MOUNT_FAILED',
      `fsname must be non-empty without commas, spaces or backslashes: '${fsname}'`,
    );
  }
  const out = [`fsname=${fsname}`, `subtype=${FUSE_SUBTYPE}`, 'default_permissions'];
  if (options.allowOther ?? defaultAllowOther()) out.push('allow_other');
  if (options.allowNonEmpty === true) out.push('nonempty');
  out.push(
    'direct_io',
    'entry_timeout=0',
    'negative_timeout=0',
    'attr_timeout=0',
    'use_ino',
    'big_writes',
    `max_write=${FUSE_MAX_WRITE}`,
  );
  if (options.debug === true) out.push('debug');
  return out;
}

let fuseConfAllowsOther: boolean | undefined;

function defaultAllowOther(): boolean {
  if (process.geteuid?.() === 0) return true;
  return fuseConfAllowsOther ?? false;
}

async function readFuseConf(): Promise<void> {
  if (fuseConfAllowsOther !== undefined) return;
  try {
    const text = await readFile('/etc/fuse.conf', 'utf8');
    fuseConfAllowsOther = text.split('\n').some((l) => l.trim() === 'user_allow_other');
  } catch {
    fuseConfAllowsOther = false;
  }
}

let unmountPatched = false;

/**
 * fuse-native's `_close` detaches with the static `Fuse.unmount` (`fusermount -uz` only, which
 * fails when fusermount is not installed and errors if the mount is already gone) and only then
 * frees its libuv handle. Route it through `unmountPath`, which tolerates both.
 */
function patchStaticUnmount(Fuse: FuseClass): void {
  if (unmountPatched) return;
  unmountPatched = true;
  Fuse.unmount = (mnt, cb) => {
    unmountPath(mnt).then(
      () => cb(null),
      (error: unknown) => cb(error instanceof Error ? error : new Error(String(error))),
    );
  };
}

async function prepareMountpoint(mp: string, allowNonEmpty: boolean): Promise<string> {
  const already = mountsAt(mp);
  const top = already.at(-1);
  if (top !== undefined) {
    throw new FuseMountError(
      'MOUNTPOINT_MOUNTED',
      `${mp} is already a mount point (${describeMount(top)}). Unmount it first` +
        (top.fsType === FUSE_FSTYPE ? ', or call cleanStaleMounts() if a crashed process left it.' : '.'),
      mp,
    );
  }
  try {
    await mkdir(mp, { recursive: true });
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new FuseMountError('MOUNTPOINT_NOT_DIR', `${mp} exists and is not a directory`, mp, {
        cause: error,
      });
    }
    if (code === 'ENOTCONN' || code === 'ECONNABORTED') {
      throw new FuseMountError(
        'MOUNTPOINT_MOUNTED',
        `${mp} is inside a dead FUSE mount (${code}); call cleanStaleMounts()`,
        mp,
        { cause: error },
      );
    }
    throw new FuseMountError('MOUNT_FAILED', `cannot create mountpoint ${mp}: ${String(error)}`, mp, {
      cause: error,
    });
  }
  const real = await realpath(mp);
  if (real !== mp && mountsAt(real).length > 0) {
    throw new FuseMountError('MOUNTPOINT_MOUNTED', `${mp} (${real}) is already a mount point`, real);
  }
  const st = await stat(real);
  if (!st.isDirectory()) {
    throw new FuseMountError('MOUNTPOINT_NOT_DIR', `${real} is not a directory`, real);
  }
  if (!allowNonEmpty && (await readdir(real)).length > 0) {
    throw new FuseMountError(
      'MOUNTPOINT_BUSY',
      `${real} is not empty; refusing to hide its contents (pass allowNonEmpty to mount over it)`,
      real,
    );
  }
  return real;
}

function startFuse(fuse: FuseInstance, timeoutMs: number, mp: string): Promise<void> {
  return new Promise((done, fail) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      fail(
        new FuseMountError('MOUNT_FAILED', `FUSE_INIT did not arrive within ${timeoutMs} ms for ${mp}`, mp),
      );
    }, timeoutMs);
    fuse.mount((error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error === null) done();
      else
        fail(
          new FuseMountError(
            'MOUNT_FAILED',
            `mounting ${mp} failed: ${error.message} (libfuse prints the cause on stderr, e.g. ` +
              '"fuse: mountpoint is not empty" or "fuse: device not found")' +
              (process.geteuid?.() === 0
                ? ''
                : '; as non-root, mounting needs the setuid fusermount (`apt-get install fuse`)'),
            mp,
            { cause: error },
          ),
        );
    });
  });
}

/**
 * Mounts `api` at `mountpoint` (created if missing). Refuses a mountpoint that is already a mount
 * or a non-empty directory. Resolves once the kernel has sent FUSE_INIT, i.e. when the mount can
 * be used by other processes.
 */
export async function mountSysfs(
  api: SysfsApi,
  mountpoint: string,
  options: MountOptions = {},
): Promise<MountHandle> {
  const loaded = loadFuse();
  if (!loaded.ok) throw new FuseMountError('FUSE_UNAVAILABLE', loaded.message, resolve(mountpoint));
  const Fuse = loaded.Fuse;
  patchStaticUnmount(Fuse);
  await readFuseConf();

  const requested = resolve(mountpoint);
  if (pending.has(requested) || live.has(requested)) {
    throw new FuseMountError(
      'MOUNTPOINT_MOUNTED',
      `${requested} is already mounted by this process`,
      requested,
    );
  }
  pending.add(requested);
  try {
    const mp = await prepareMountpoint(requested, options.allowNonEmpty === true);
    if (mp !== requested && (pending.has(mp) || live.has(mp))) {
      throw new FuseMountError('MOUNTPOINT_MOUNTED', `${mp} is already mounted by this process`, mp);
    }
    const fuseOptions = buildFuseOptions(options);
    const { ops, openFileCount } = createSysfsFuseOps(api, {
      root: options.root ?? '/',
      time: options.time ?? new Date(),
      ...(options.onInternalError === undefined ? {} : { onInternalError: options.onInternalError }),
    });
    const fuse = new Fuse(mp, ops, { timeout: false, mkdir: false, force: false });
    fuse._fuseOptions = () => `-o${fuseOptions.join(',')}`;
    try {
      await startFuse(fuse, options.mountTimeoutMs ?? 10_000, mp);
    } catch (error) {
      // fuse_mount() may have succeeded before INIT timed out: do not leave a dead mount behind.
      await unmountPath(mp).catch(() => undefined);
      throw error;
    }

    const mine = mountsAt(mp).filter((m) => m.fsType === FUSE_FSTYPE);
    const mountId = mine.at(-1)?.mountId;
    let unmounting: Promise<void> | undefined;

    const handle: MountHandle = {
      mountpoint: mp,
      fuseOptions,
      get mounted() {
        return readMountinfo().some((m) => m.mountId === mountId);
      },
      openFileCount,
      unmount() {
        unmounting ??= new Promise<void>((done, fail) => {
          fuse.unmount((error) => {
            if (error === null) {
              live.delete(mp);
              done();
            } else {
              unmounting = undefined; // let a later call retry
              fail(error);
            }
          });
        });
        return unmounting;
      },
    };
    live.set(mp, handle);
    return handle;
  } finally {
    pending.delete(requested);
  }
}

function describeMount(m: MountEntry): string {
  return `${m.fsType} from '${m.source}'`;
}
