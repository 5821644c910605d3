/**
 * mountWorld (sysfs/fuse/mount-world.ts): layout, refusals, all-or-nothing mounting and
 * unmountAll. This process serves the mounts, so everything that touches them is asynchronous
 * (test/fuse/sh.ts); mountinfo is procfs and safe to read synchronously.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../index.ts';
import {
  checkFuseAvailable,
  cleanStaleMounts,
  FuseMountError,
  liveMounts,
  type MountHandle,
  mountSysfs,
} from '../../sysfs/fuse/mount.ts';
import { type MountFunction, mountWorld, WorldUnmountError } from '../../sysfs/fuse/mount-world.ts';
import { World } from '../../sysfs/world.ts';
import { q, sh } from './sh.ts';
import { mdevsimMountsUnder, REPO } from './world-server.ts';

const fuse = checkFuseAvailable();
const isRoot = process.geteuid?.() === 0;
const skipReason = !fuse.ok ? fuse.message : !isRoot ? 'FUSE mount tests run as root' : '';
if (skipReason !== '') console.warn(`skipping mountWorld tests: ${skipReason}`);

const defaultWorld = async () => loadScenario(await readFile(join(REPO, 'scenarios/default.yaml'), 'utf8'));

/** A mount function whose handles for `failing` hosts refuse to unmount `times` times. */
function flakyUnmount(
  failing: ReadonlySet<string>,
  times: number,
): { mount: MountFunction; real: MountHandle[] } {
  const real: MountHandle[] = [];
  const mount: MountFunction = async (api, mountpoint, options) => {
    const h = await mountSysfs(api, mountpoint, options);
    real.push(h);
    if (![...failing].some((host) => mountpoint.endsWith(`/${host}`))) return h;
    let refusals = times;
    return {
      mountpoint: h.mountpoint,
      fuseOptions: h.fuseOptions,
      get mounted() {
        return h.mounted;
      },
      openFileCount: () => h.openFileCount(),
      unmount: () => (refusals-- > 0 ? Promise.reject(new Error('simulated: target is busy')) : h.unmount()),
    };
  };
  return { mount, real };
}

describe.skipIf(skipReason !== '')('mountWorld', () => {
  let base = '';
  let n = 0;
  const fresh = () => join(base, `w${++n}`, 'nested');

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mdevsim-wmount-'));
    await chmod(base, 0o755);
  });

  afterEach(async () => {
    for (const h of liveMounts()) await h.unmount();
    await cleanStaleMounts({ under: base });
    expect(mdevsimMountsUnder(base)).toEqual([]);
  });

  afterAll(async () => {
    expect(mdevsimMountsUnder(base)).toEqual([]);
    await rm(base, { recursive: true, force: true });
  });

  it('mounts each host at <dir>/<host> (dir created), with the sysfs at <dir>/<host>/sys', async () => {
    const dir = fresh();
    const wm = await mountWorld(await defaultWorld(), dir, { hosts: ['src', 'lab1'] });
    expect(wm.dir).toBe(dir);
    expect(wm.mounts.map((m) => [m.host, m.mountpoint])).toEqual([
      ['src', join(dir, 'src')],
      ['lab1', join(dir, 'lab1')],
    ]);
    expect(wm.handles.map((h) => h.mountpoint)).toEqual([join(dir, 'src'), join(dir, 'lab1')]);
    expect(wm.mountpoint('lab1')).toBe(join(dir, 'lab1'));
    expect(() => wm.mountpoint('dst')).toThrow(/host 'dst' is not mounted/);
    expect(mdevsimMountsUnder(dir)).toEqual([join(dir, 'src'), join(dir, 'lab1')]);

    const r = await sh(
      `ls ${q(join(dir, 'src'))} ${q(join(dir, 'src/sys'))}; cat ${q(join(dir, 'src/sys/class/mdev_bus/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_4/version'))} ${q(join(dir, 'lab1/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/available_instances'))}`,
    );
    expect(r.stdout).toBe(
      `${join(dir, 'src')}:\nsys\n\n${join(dir, 'src/sys')}:\nbus\nclass\ndevices\n8086-193b-i915-GVTg_V5_4\n11\n`,
    );

    // Idempotent: concurrent calls share one promise; a later call resolves at once.
    const first = wm.unmountAll();
    expect(wm.unmountAll()).toBe(first);
    await first;
    expect(mdevsimMountsUnder(dir)).toEqual([]);
    expect(wm.handles.map((h) => h.mounted)).toEqual([false, false]);
    await expect(wm.unmountAll()).resolves.toBeUndefined();
  });

  it('every host by default, in world order', async () => {
    const world = await defaultWorld();
    const dir = fresh();
    const wm = await mountWorld(world, dir);
    expect(wm.mounts.map((m) => m.host)).toEqual(world.hosts.map((h) => h.name));
    expect(mdevsimMountsUnder(dir)).toHaveLength(world.hosts.length);
    await wm.unmountAll();
  });

  it('refuses a <dir>/<host> that is already a mount, before mounting anything', async () => {
    const dir = fresh();
    const first = await mountWorld(await defaultWorld(), dir, { hosts: ['src', 'dst'] });
    const err = await mountWorld(await defaultWorld(), dir, { hosts: ['lab1', 'dst'] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FuseMountError);
    expect(err).toMatchObject({ code: 'MOUNTPOINT_MOUNTED', mountpoint: join(dir, 'dst') });
    expect((err as Error).message).toMatch(/already a mount point \(fuse\.mdevsim from 'mdevsim'\)/);
    // lab1 comes first in the list but was not mounted: the check runs before any mount.
    expect(mdevsimMountsUnder(dir)).toEqual([join(dir, 'src'), join(dir, 'dst')]);
    await first.unmountAll();
  });

  it('when one host fails to mount, the hosts mounted before it are unmounted and the error propagates', async () => {
    const dir = fresh();
    await mkdir(join(dir, 'lab1'), { recursive: true });
    await writeFile(join(dir, 'lab1', 'keep'), 'x');
    const mounted: string[] = [];
    const mountFunction: MountFunction = async (api, mountpoint, options) => {
      const h = await mountSysfs(api, mountpoint, options);
      mounted.push(h.mountpoint);
      return h;
    };
    const err = await mountWorld(await defaultWorld(), dir, {
      hosts: ['src', 'dst', 'lab1', 'old'],
      mountFunction,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'FuseMountError',
      code: 'MOUNTPOINT_BUSY',
      mountpoint: join(dir, 'lab1'),
    });
    expect(mounted).toEqual([join(dir, 'src'), join(dir, 'dst')]);
    expect(mdevsimMountsUnder(dir)).toEqual([]);
    expect(liveMounts()).toEqual([]);
    await expect(stat(join(dir, 'old'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(join(dir, 'lab1', 'keep'), 'utf8')).toBe('x');
  });

  it('unmountAll unmounts every host although one fails, reports the failure, and a retry finishes', async () => {
    const dir = fresh();
    const { mount } = flakyUnmount(new Set(['dst']), 1);
    const wm = await mountWorld(await defaultWorld(), dir, {
      hosts: ['src', 'dst', 'lab1'],
      mountFunction: mount,
    });
    const err = await wm.unmountAll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorldUnmountError);
    expect(err).toBeInstanceOf(FuseMountError);
    const failure = err as WorldUnmountError;
    expect(failure.code).toBe('UNMOUNT_FAILED');
    expect(failure.failures.map((f) => [f.host, f.mountpoint, String(f.error)])).toEqual([
      ['dst', join(dir, 'dst'), 'Error: simulated: target is busy'],
    ]);
    expect(failure.message).toContain(`dst (${join(dir, 'dst')}): simulated: target is busy`);
    expect(mdevsimMountsUnder(dir)).toEqual([join(dir, 'dst')]);
    await wm.unmountAll();
    expect(mdevsimMountsUnder(dir)).toEqual([]);
  });

  it('a failed mount whose undo also fails says both, keeping the mount error as the cause', async () => {
    const dir = fresh();
    const { mount, real } = flakyUnmount(new Set(['src']), 1);
    await mkdir(join(dir, 'dst'), { recursive: true });
    await writeFile(join(dir, 'dst', 'keep'), 'x');
    const err = await mountWorld(await defaultWorld(), dir, {
      hosts: ['src', 'dst'],
      mountFunction: mount,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'FuseMountError', code: 'MOUNT_FAILED', mountpoint: join(dir, 'dst') });
    expect((err as Error).cause).toMatchObject({ code: 'MOUNTPOINT_BUSY' });
    expect((err as Error).message).toMatch(
      /mounting host 'dst' failed .*undoing the mounts before it failed too/s,
    );
    expect(mdevsimMountsUnder(dir)).toEqual([join(dir, 'src')]);
    for (const h of real) await h.unmount();
  });

  it('refuses unknown, repeated and path-like host names and an empty selection, creating nothing', async () => {
    const dir = fresh();
    const world = await defaultWorld();
    await expect(mountWorld(world, dir, { hosts: ['src', 'nope'] })).rejects.toMatchObject({
      code: 'MOUNT_FAILED',
      message: expect.stringMatching(/^no host named 'nope' \(hosts: src, dst, old, /),
    });
    await expect(mountWorld(world, dir, { hosts: ['src', 'src'] })).rejects.toThrow(
      "host 'src' is listed twice",
    );
    await expect(mountWorld(world, dir, { hosts: [] })).rejects.toThrow('no hosts to mount');
    await expect(mountWorld(new World(1), dir)).rejects.toMatchObject({ code: 'MOUNT_FAILED' });
    const odd = new World(1);
    odd.addHost('ok');
    odd.addHost('..');
    await expect(mountWorld(odd, dir)).rejects.toMatchObject({
      code: 'MOUNT_FAILED',
      message: `host name '..' cannot be a directory name under ${dir}`,
    });
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
