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
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SysfsApi } from '../api.ts';
import { FuseMountError } from './errors.ts';
import { type MountEntry, mountsAt, readMountinfo } from './mountinfo.ts';
import { type FuseClass, type FuseInstance, loadFuse } from './native.ts';
import { createSysfsFuseOps, type InternalErrorReport } from './ops.ts';

export { FuseMountError, type FuseMountErrorCode, isFuseMountError } from './errors.ts';
export { checkFuseAvailable, type FuseAvailability } from './native.ts';
export type { InternalErrorReport } from './ops.ts';

/** FUSE subtype of our mounts: mountinfo shows the filesystem type `fuse.mdevsim`. */
export const FUSE_SUBTYPE = 'mdevsim';
export const FUSE_FSTYPE = `fuse.${FUSE_SUBTYPE}`;
/** libfuse2's largest max_write (its receive buffer is 128 KiB + one page of header). */
export const FUSE_MAX_WRITE = 131072;

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
const live = new Map<string, MountHandle>();
/** Mountpoints between the start of mountSysfs and its end. */
const pending = new Set<string>();

/** Mounts this process serves (for signal cleanup and diagnostics). */
export function liveMounts(): MountHandle[] {
  return [...live.values()];
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

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describeMount(m: MountEntry): string {
  return `${m.fsType} from '${m.source}'`;
}

interface RunResult {
  readonly ok: boolean;
  /** The program is not installed. */
  readonly missing: boolean;
  readonly stderr: string;
}

function run(cmd: string, args: readonly string[], timeoutMs = 10_000): Promise<RunResult> {
  return new Promise((done) => {
    execFile(cmd, [...args], { timeout: timeoutMs, encoding: 'utf8' }, (error, _stdout, stderr) => {
      if (error === null) done({ ok: true, missing: false, stderr });
      else done({ ok: false, missing: errnoCode(error) === 'ENOENT', stderr: stderr || error.message });
    });
  });
}

export type UnmountOutcome = 'not-mounted' | 'unmounted' | 'lazy';

/**
 * Detaches the top mount at `mountpoint` (and, if it is stacked, every mount there). Tries a plain
 * unmount first, then a lazy one, so it works while a process still has a file open or the serving
 * process is gone (ENOTCONN). Throws FuseMountError('UNMOUNT_FAILED') if all fail.
 */
export async function unmountPath(mountpoint: string): Promise<UnmountOutcome> {
  const mp = resolve(mountpoint);
  if (mountsAt(mp).length === 0) return 'not-mounted';
  const steps: ReadonlyArray<readonly [string, readonly string[], UnmountOutcome]> = [
    ['umount', [mp], 'unmounted'],
    ['fusermount', ['-u', mp], 'unmounted'],
    ['fusermount', ['-uz', mp], 'lazy'],
    ['umount', ['-l', mp], 'lazy'],
  ];
  const errors: string[] = [];
  for (const [cmd, args, outcome] of steps) {
    const before = mountsAt(mp).length;
    if (before === 0) return outcome;
    const r = await run(cmd, args);
    const after = mountsAt(mp).length;
    if (after === 0) return outcome;
    if (after < before) continue; // peeled one layer of a stack; go on
    errors.push(`${cmd} ${args.join(' ')}: ${r.missing ? 'not installed' : r.stderr.trim()}`);
  }
  throw new FuseMountError(
    'UNMOUNT_FAILED',
    `could not unmount ${mp}:\n  ${errors.join('\n  ')}\n` +
      'Install util-linux `umount` (or `apt-get install fuse` for fusermount) and run as root.',
    mp,
  );
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

export interface CleanStaleOptions {
  /** Only mounts at or below this directory. */
  readonly under?: string;
  /** Also detach mounts that still answer (another live process serves them). Default false. */
  readonly includeLive?: boolean;
  /** How long a stat of the mount root may take before the mount counts as hung (stale). Default 2 s. */
  readonly probeTimeoutMs?: number;
}

/**
 * Lazily detaches `fuse.mdevsim` mounts whose serving process is gone (stat gives ENOTCONN) or
 * hung. Mounts this process serves are never touched. Returns the mountpoints it detached.
 */
export async function cleanStaleMounts(options: CleanStaleOptions = {}): Promise<string[]> {
  const under = options.under === undefined ? undefined : resolve(options.under);
  const candidates = readMountinfo().filter(
    (m) =>
      m.fsType === FUSE_FSTYPE &&
      !live.has(m.mountPoint) &&
      (under === undefined || m.mountPoint === under || m.mountPoint.startsWith(`${under}/`)),
  );
  const cleaned: string[] = [];
  // Deepest first, so a stale mount inside another one goes before its parent.
  candidates.sort((a, b) => b.mountPoint.length - a.mountPoint.length);
  for (const m of candidates) {
    const stale =
      options.includeLive === true || (await probeStale(m.mountPoint, options.probeTimeoutMs ?? 2000));
    if (!stale) continue;
    await unmountPath(m.mountPoint);
    cleaned.push(m.mountPoint);
  }
  return cleaned;
}

async function probeStale(mp: string, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((done) => {
    timer = setTimeout(() => done(true), timeoutMs);
  });
  const probe = stat(mp).then(
    () => false,
    (error: unknown) => {
      const code = errnoCode(error);
      return code === 'ENOTCONN' || code === 'ECONNABORTED' || code === 'EIO';
    },
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Where signals come from (default `process`); tests pass an EventEmitter. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface SignalCleanupOptions {
  readonly source?: SignalSource;
  /** Default `process.exit`. */
  readonly exit?: (code: number) => void;
  /** Where unmount failures are reported. Default stderr. */
  readonly log?: (message: string) => void;
}

const SIGNAL_EXIT: ReadonlyArray<readonly [NodeJS.Signals, number]> = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
];

/**
 * On the first SIGINT/SIGTERM, unmounts `handles` (default: every live mount of this process,
 * read at signal time) once and exits 130/143. A second signal during cleanup exits at once with
 * its code. Returns a function that removes the listeners.
 */
export function installSignalCleanup(
  handles?: Iterable<MountHandle>,
  options: SignalCleanupOptions = {},
): () => void {
  const source: SignalSource = options.source ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  let cleaning = false;
  const listeners = SIGNAL_EXIT.map(([signal, code]) => {
    const listener = (): void => {
      if (cleaning) {
        exit(code);
        return;
      }
      cleaning = true;
      const targets = [...(handles ?? live.values())];
      void Promise.allSettled(targets.map((h) => h.unmount())).then((results) => {
        results.forEach((r, i) => {
          if (r.status === 'rejected') {
            const reason: unknown = r.reason;
            log(
              `mdevsim: could not unmount ${targets[i]?.mountpoint ?? '?'}: ${reason instanceof Error ? reason.message : String(reason)}`,
            );
          }
        });
        exit(code);
      });
    };
    source.on(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) source.off(signal, listener);
  };
}
