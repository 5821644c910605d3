/**
 * Every host of a World as real FUSE mounts, one per host: `<dir>/<host>/sys` is that host's
 * /sys (reference/kernel.md §1.1 layout), so `mount --bind <dir>/<host>/sys /sys` in a private
 * mount namespace gives bash and mdevctl (reference/ecosystem.md §1.1) the host's view.
 *
 * Same rule as mount.ts: the process that serves the mounts must never touch them synchronously.
 * The CLI's `mount` command and test/fuse/world-child.ts serve from their own process and let
 * other processes (bash, mdevctl) do the I/O.
 *
 * All or nothing: the mountpoints are checked before anything is mounted (no `<dir>/<host>` may
 * already be a mount), hosts are mounted one by one, and if one fails the ones already mounted
 * are unmounted before the error propagates, so a failed call leaves no mount behind.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SysfsApi } from '../api.ts';
import type { World } from '../world.ts';
import { FuseMountError } from './errors.ts';
import { FUSE_FSTYPE, type MountHandle, type MountOptions, mountSysfs } from './mount.ts';
import { mountsAt } from './mountinfo.ts';

/** How one host is mounted; `mountSysfs` by default (a seam for tests of the failure paths). */
export type MountFunction = (
  api: SysfsApi,
  mountpoint: string,
  options: MountOptions,
) => Promise<MountHandle>;

export interface WorldMountOptions extends MountOptions {
  /** Only these hosts, in this order (default: every host of the world, in world order). */
  readonly hosts?: readonly string[];
  /** Replaces `mountSysfs` (tests). */
  readonly mountFunction?: MountFunction;
}

export interface HostMount {
  readonly host: string;
  /** `<dir>/<host>`, canonical. With the default root `/` the host's sysfs is `<mountpoint>/sys`. */
  readonly mountpoint: string;
  readonly handle: MountHandle;
}

export interface UnmountFailure {
  readonly host: string;
  readonly mountpoint: string;
  readonly error: unknown;
}

/** unmountAll() tried every mount and some could not be detached; `failures` says which and why. */
export class WorldUnmountError extends FuseMountError {
  readonly failures: readonly UnmountFailure[];

  constructor(failures: readonly UnmountFailure[]) {
    super(
      'UNMOUNT_FAILED',
      `could not unmount ${failures.length} host mount(s):\n  ${failures
        .map((f) => `${f.host} (${f.mountpoint}): ${describe(f.error)}`)
        .join('\n  ')}`,
      failures[0]?.mountpoint,
    );
    this.failures = failures;
  }
}

export interface WorldMount {
  /** The directory holding one mountpoint per host, absolute. */
  readonly dir: string;
  /** Mounted hosts, in mount order. */
  readonly mounts: readonly HostMount[];
  /** Handles, e.g. for installSignalCleanup(worldMount.handles). */
  readonly handles: readonly MountHandle[];
  /** `<dir>/<host>`; throws for a host that is not mounted here. */
  mountpoint(host: string): string;
  /**
   * Unmounts every host, all of them even if some fail, then rejects with WorldUnmountError
   * listing the failures. Idempotent: concurrent calls share one promise, a call after success
   * resolves at once, a call after a failure retries the mounts still up.
   */
  unmountAll(): Promise<void>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A host name is one path component under `dir` (the scenario schema allows `.` and `..`). */
function checkHostName(name: string, dir: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new FuseMountError(
      'MOUNT_FAILED',
      `host name '${name}' cannot be a directory name under ${dir}`,
      join(dir, name),
    );
  }
}

function selectHosts(world: World, names: readonly string[] | undefined): string[] {
  const all = world.hosts.map((h) => h.name);
  if (names?.length === 0 || all.length === 0) {
    throw new FuseMountError('MOUNT_FAILED', 'no hosts to mount (the world has none, or none were selected)');
  }
  if (names === undefined) return all;
  const seen = new Set<string>();
  for (const name of names) {
    if (!world.hasHost(name)) {
      throw new FuseMountError('MOUNT_FAILED', `no host named '${name}' (hosts: ${all.join(', ')})`);
    }
    if (seen.has(name)) throw new FuseMountError('MOUNT_FAILED', `host '${name}' is listed twice`);
    seen.add(name);
  }
  return [...names];
}

/** Refuses before mounting anything: `<dir>/<host>` already a mount (e.g. a stale one). */
function checkNotMounted(mountpoint: string): void {
  const top = mountsAt(mountpoint).at(-1);
  if (top !== undefined) {
    throw new FuseMountError(
      'MOUNTPOINT_MOUNTED',
      `${mountpoint} is already a mount point (${top.fsType} from '${top.source}'); unmount it first` +
        (top.fsType === FUSE_FSTYPE ? ' or call cleanStaleMounts()' : ''),
      mountpoint,
    );
  }
}

async function unmountEach(mounts: readonly HostMount[]): Promise<UnmountFailure[]> {
  const results = await Promise.allSettled(mounts.map((m) => m.handle.unmount()));
  const failures: UnmountFailure[] = [];
  results.forEach((r, i) => {
    const m = mounts[i];
    if (r.status === 'rejected' && m !== undefined) {
      failures.push({ host: m.host, mountpoint: m.mountpoint, error: r.reason });
    }
  });
  return failures;
}

/**
 * Mounts each host's sysfs at `<dir>/<host>` (created if missing; `dir` too). Resolves once every
 * mount has answered FUSE_INIT. Errors are FuseMountError: MOUNTPOINT_MOUNTED when a
 * `<dir>/<host>` is already a mount (nothing is mounted then), or the first host's mount error
 * after the hosts mounted before it have been unmounted again.
 */
export async function mountWorld(
  world: World,
  dir: string,
  options: WorldMountOptions = {},
): Promise<WorldMount> {
  const { hosts: only, mountFunction, ...mountOptions } = options;
  const base = resolve(dir);
  const names = selectHosts(world, only);
  const targets = names.map((name) => {
    checkHostName(name, base);
    return { name, mountpoint: join(base, name) };
  });
  for (const t of targets) checkNotMounted(t.mountpoint);
  try {
    await mkdir(base, { recursive: true });
  } catch (error) {
    throw new FuseMountError('MOUNT_FAILED', `cannot create ${base}: ${describe(error)}`, base, {
      cause: error,
    });
  }

  const mount = mountFunction ?? mountSysfs;
  const mounted: HostMount[] = [];
  for (const t of targets) {
    try {
      const handle = await mount(world.host(t.name).sysfs, t.mountpoint, mountOptions);
      mounted.push({ host: t.name, mountpoint: handle.mountpoint, handle });
    } catch (error) {
      const failures = await unmountEach(mounted);
      if (failures.length === 0) throw error;
      throw new FuseMountError(
        'MOUNT_FAILED',
        `mounting host '${t.name}' failed (${describe(error)}), and undoing the mounts before it failed too: ${new WorldUnmountError(failures).message}`,
        t.mountpoint,
        { cause: error },
      );
    }
  }
  return worldMount(base, mounted);
}

function worldMount(dir: string, mounts: readonly HostMount[]): WorldMount {
  let pending: Promise<void> | undefined;
  let done = false;
  return {
    dir,
    mounts,
    handles: mounts.map((m) => m.handle),
    mountpoint(host) {
      const m = mounts.find((x) => x.host === host);
      if (m === undefined) {
        throw new FuseMountError(
          'MOUNT_FAILED',
          `host '${host}' is not mounted under ${dir} (mounted: ${mounts.map((x) => x.host).join(', ') || 'none'})`,
        );
      }
      return m.mountpoint;
    },
    unmountAll() {
      if (done) return Promise.resolve();
      pending ??= unmountEach(mounts).then((failures) => {
        pending = undefined;
        if (failures.length > 0) throw new WorldUnmountError(failures);
        done = true;
      });
      return pending;
    },
  };
}
