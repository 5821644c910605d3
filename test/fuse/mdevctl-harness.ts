/**
 * Runs the real Debian `mdevctl` (1.2.0) against a simulated host.
 *
 * mdevctl 1.2.0 reads `/sys/class/mdev_bus`, `/sys/bus/mdev/devices` and `/etc/mdevctl.d` by
 * absolute path (MDEVCTL_ENV_ROOT is ignored by this build), so it runs in a private mount
 * namespace where `<hostRoot>/sys` is bind-mounted over `/sys` and a scratch directory over
 * `/etc/mdevctl.d`:
 *
 *   unshare --mount --propagation private sh -c \
 *     'mount --bind <hostRoot>/sys /sys && mount --bind <etc> /etc/mdevctl.d && exec mdevctl <args>'
 *
 * Nothing leaks to the host namespace: the binds die with the `sh`. `<hostRoot>` may be a plain
 * directory tree or a FUSE mount (`mountSysfs(api, <mnt>)` makes `<mnt>/sys`). Root only
 * (CAP_SYS_ADMIN for unshare and mount). Always asynchronous: with a FUSE mount served by this
 * process a synchronous child would deadlock.
 *
 * What mdevctl 1.2.0 touches (observed with strace, see the FUSE tests and the report):
 *  - every command: stat /etc/mdevctl.d, /etc/mdevctl.d/scripts.d/{callouts,notifiers}
 *    ("Required directory … doesn't exist" otherwise) and lists callouts/ when a callout may run;
 *  - types: readdir /sys/class/mdev_bus; for each parent readdir
 *    /sys/class/mdev_bus/<p>/mdev_supported_types (a parent without it fails the whole command with
 *    "Error: No such file or directory (os error 2)"); per type read available_instances and
 *    device_api, stat-then-read name and description (optional);
 *  - list: readdir /sys/bus/mdev/devices; per entry stat it, canonicalize it (readlink of every
 *    component; parent = name of the canonical dir's parent), canonicalize <dev>/mdev_type
 *    (type = its basename); read /etc/mdevctl.d/<parent>/<uuid> if present;
 *  - start: readdir /etc/mdevctl.d; stat /sys/bus/mdev/devices/<uuid> ("Device already exists");
 *    stat /sys/class/mdev_bus/<p>, …/mdev_supported_types, …/<type>; read available_instances;
 *    open …/<type>/create O_WRONLY|O_CREAT|O_TRUNC and write the 36-byte UUID (no newline);
 *    prints the UUID + "\n" only when it generated it;
 *  - stop: stat + readlink /sys/bus/mdev/devices/<uuid>, readlink <dev>/mdev_type, open
 *    /sys/bus/mdev/devices/<uuid>/remove O_WRONLY|O_CREAT|O_TRUNC and write "1" (1 byte);
 *  - define: stat /sys/bus/mdev/devices/<uuid> only; writes /etc/mdevctl.d/<p>/<uuid> (JSON).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

export interface MdevctlResult {
  /** mdevctl's exit status (0 ok, 1 error, 2 usage error), or null if killed. */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface MdevctlRunOptions {
  /**
   * Directory bound over /etc/mdevctl.d (created with scripts.d/{callouts,notifiers} if needed).
   * Default: a fresh temp dir per call, removed afterwards (so `define` does not persist).
   */
  readonly etcDir?: string;
  readonly timeoutMs?: number;
  /** Extra environment (e.g. MDEVCTL_LOG=debug). LC_ALL=C is set. */
  readonly env?: Readonly<Record<string, string>>;
  /** Write an strace log (file syscalls, reads, writes) of mdevctl to this path. */
  readonly straceTo?: string;
}

/** The harness itself failed (not mdevctl): unshare, the bind mounts, or the program is missing. */
export class MdevctlHarnessError extends Error {
  override readonly name = 'MdevctlHarnessError';
}

/** Status the namespace script exits with when a bind mount fails; mdevctl itself exits 0/1/2. */
const HARNESS_FAILED = 125;

const SCRIPT = [
  'root="$1"; etc="$2"; trace="$3"; shift 3',
  `mount --bind "$root/sys" /sys || { echo "mdevsim-harness: cannot bind $root/sys over /sys" >&2; exit ${HARNESS_FAILED}; }`,
  `mount --bind "$etc" /etc/mdevctl.d || { echo "mdevsim-harness: cannot bind $etc over /etc/mdevctl.d" >&2; exit ${HARNESS_FAILED}; }`,
  'cd /',
  'if [ -n "$trace" ]; then exec strace -f -y -s 256 -o "$trace" -e trace=%file,read,write,getdents64 mdevctl "$@"; fi',
  'exec mdevctl "$@"',
].join('\n');

/** Creates (or completes) an mdevctl config dir: `<dir>/scripts.d/{callouts,notifiers}`. */
export async function makeMdevctlEtc(dir?: string): Promise<string> {
  const etc = dir ?? (await mkdtemp(join(tmpdir(), 'mdevsim-etc-')));
  await mkdir(join(etc, 'scripts.d', 'callouts'), { recursive: true });
  await mkdir(join(etc, 'scripts.d', 'notifiers'), { recursive: true });
  return etc;
}

export type HarnessAvailability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Whether runMdevctl can work here: root, unshare/mount usable, mdevctl installed with /etc/mdevctl.d. */
export function mdevctlHarnessAvailable(): HarnessAvailability {
  if (process.geteuid?.() !== 0) return { ok: false, reason: 'needs root (unshare -m and mount --bind)' };
  if (spawnSync('mdevctl', ['--version'], { encoding: 'utf8' }).status !== 0) {
    return { ok: false, reason: 'mdevctl is not installed (apt-get install mdevctl)' };
  }
  if (!existsSync('/etc/mdevctl.d')) {
    return { ok: false, reason: '/etc/mdevctl.d is missing (reinstall mdevctl): it is the bind target' };
  }
  const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return {
      ok: false,
      reason: `unshare --mount does not work here: ${(probe.stderr || String(probe.error)).trim()}`,
    };
  }
  return { ok: true };
}

/**
 * Runs `mdevctl <args>` with `<hostRoot>/sys` as /sys. Resolves with mdevctl's status and output;
 * rejects with MdevctlHarnessError if the namespace could not be set up.
 */
export async function runMdevctl(
  hostRoot: string,
  args: readonly string[],
  options: MdevctlRunOptions = {},
): Promise<MdevctlResult> {
  const ownEtc = options.etcDir === undefined;
  const etc = await makeMdevctlEtc(options.etcDir);
  try {
    const result = await new Promise<MdevctlResult>((done, fail) => {
      const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', ...options.env };
      delete env['MDEVCTL_ENV_ROOT'];
      const child = spawn(
        'unshare',
        [
          '--mount',
          '--propagation',
          'private',
          'sh',
          '-c',
          SCRIPT,
          'mdevsim-harness',
          hostRoot,
          etc,
          options.straceTo ?? '',
          ...args,
        ],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
      child.on('error', (error) => {
        clearTimeout(timer);
        fail(new MdevctlHarnessError(`cannot run unshare: ${error.message}`, { cause: error }));
      });
      child.on('close', (status, signal) => {
        clearTimeout(timer);
        done({ status, signal, stdout, stderr });
      });
    });
    if (result.status === HARNESS_FAILED || /^unshare: /m.test(result.stderr)) {
      throw new MdevctlHarnessError(`mdevctl harness setup failed: ${result.stderr.trim()}`);
    }
    return result;
  } finally {
    if (ownEtc) await rm(etc, { recursive: true, force: true });
  }
}

// ---- plain-directory host trees (no FUSE): what mdevctl needs, as ordinary files ----------------

export interface PlainType {
  readonly id: string;
  readonly availableInstances: number;
  readonly deviceApi?: string;
  /** Omitted: no `name` file. */
  readonly name?: string;
  /** Omitted: no `description` file. Written as is (give it a trailing newline like sysfs). */
  readonly description?: string;
}

export interface PlainDevice {
  readonly uuid: string;
  readonly type: string;
}

export interface PlainParent {
  /** e.g. `0000:00:02.0`. */
  readonly name: string;
  /** Path under sys/devices, default `pci0000:00/<name>`. */
  readonly devicePath?: string;
  /** Omitted: the parent has no mdev_supported_types directory. */
  readonly types?: readonly PlainType[];
  readonly devices?: readonly PlainDevice[];
}

async function linkRel(linkPath: string, targetPath: string): Promise<void> {
  await mkdir(dirname(linkPath), { recursive: true });
  await symlink(relative(dirname(linkPath), targetPath), linkPath);
}

/**
 * Writes `<hostRoot>/sys` as plain files and relative symlinks in the kernel's layout
 * (reference/kernel.md §1.1). `create` and `remove` are empty regular files, so a write by
 * mdevctl lands in them and can be read back.
 */
export async function writePlainSysTree(hostRoot: string, parents: readonly PlainParent[]): Promise<void> {
  const sys = join(hostRoot, 'sys');
  await mkdir(join(sys, 'class', 'mdev_bus'), { recursive: true });
  await mkdir(join(sys, 'bus', 'mdev', 'devices'), { recursive: true });
  for (const parent of parents) {
    const pdir = join(sys, 'devices', parent.devicePath ?? `pci0000:00/${parent.name}`);
    await mkdir(pdir, { recursive: true });
    await linkRel(join(sys, 'class', 'mdev_bus', parent.name), pdir);
    if (parent.types !== undefined) {
      await mkdir(join(pdir, 'mdev_supported_types'), { recursive: true });
      for (const t of parent.types) {
        const tdir = join(pdir, 'mdev_supported_types', t.id);
        await mkdir(join(tdir, 'devices'), { recursive: true });
        await writeFile(join(tdir, 'available_instances'), `${t.availableInstances}\n`);
        await writeFile(join(tdir, 'device_api'), `${t.deviceApi ?? 'vfio-pci'}\n`);
        if (t.name !== undefined) await writeFile(join(tdir, 'name'), `${t.name}\n`);
        if (t.description !== undefined) await writeFile(join(tdir, 'description'), t.description);
        await writeFile(join(tdir, 'create'), '');
      }
    }
    for (const d of parent.devices ?? []) {
      const ddir = join(pdir, d.uuid);
      await mkdir(ddir, { recursive: true });
      await writeFile(join(ddir, 'remove'), '');
      await linkRel(join(ddir, 'mdev_type'), join(pdir, 'mdev_supported_types', d.type));
      await linkRel(join(sys, 'bus', 'mdev', 'devices', d.uuid), ddir);
      await linkRel(join(pdir, 'mdev_supported_types', d.type, 'devices', d.uuid), ddir);
    }
  }
}
