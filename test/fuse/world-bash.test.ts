/**
 * bash and coreutils on a mounted World (reference/kernel.md §1.1 layout, §1.3 create, §1.4
 * remove, §8 kernfs rules), with the World served by a child process. A change made through the
 * mount is seen by the library API of the same World in the serving process, and the reverse.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFuseAvailable } from '../../sysfs/fuse/mount.ts';
import { mdevctlHarnessAvailable } from './mdevctl-harness.ts';
import { GVT_PARENT, SRC_UUID, writeWorldScenario } from './world-scenario.ts';
import {
  childPids,
  mdevsimMountsUnder,
  processExists,
  startWorldChild,
  type WorldChild,
} from './world-server.ts';
import { bashOnSys } from './world-shell.ts';

const fuse = checkFuseAvailable();
const ns = mdevctlHarnessAvailable();
const skipReason = !fuse.ok ? fuse.message : !ns.ok && !ns.reason.startsWith('mdevctl') ? ns.reason : '';
if (skipReason !== '') console.warn(`skipping bash-on-a-mounted-World tests: ${skipReason}`);

const DEV = `/sys/devices/pci0000:00/${GVT_PARENT}`;
const V5_4 = `${DEV}/mdev_supported_types/i915-GVTg_V5_4`;
const MTTY2 = '/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2';
const U1 = 'c0ffee00-1111-4222-8333-444455556666';
const U2 = 'c0ffee00-2222-4222-8333-444455556666';

describe.skipIf(skipReason !== '')('bash on a mounted World', () => {
  let base = '';
  let child: WorldChild | undefined;
  const world = () => child as WorldChild;
  const bash = (host: string, script: string) => bashOnSys(world().sys(host), script);
  const lib = (host: string, path: string) => world().call({ op: 'read', host, path });

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mdevsim-wbash-'));
    await chmod(base, 0o755);
    child = await startWorldChild(await writeWorldScenario(base), join(base, 'mnt'), ['src', 'src4', 'lab']);
  });

  afterAll(async () => {
    if (child !== undefined) {
      expect(await child.stop('SIGINT')).toEqual({ code: 130, signal: null });
      expect(processExists(child.pid)).toBe(false);
    }
    expect(mdevsimMountsUnder(base)).toEqual([]);
    expect(childPids()).toEqual([]);
    await rm(base, { recursive: true, force: true });
  });

  it('readlink of a bus link is relative; readlink -f and realpath resolve it (§1.1)', async () => {
    const r = await bash(
      'src',
      [
        `readlink /sys/bus/mdev/devices/${SRC_UUID}`,
        `readlink -f /sys/bus/mdev/devices/${SRC_UUID}`,
        `realpath /sys/bus/mdev/devices/${SRC_UUID}/mdev_type`,
        `readlink /sys/class/mdev_bus/${GVT_PARENT}`,
        `basename "$(realpath /sys/bus/mdev/devices/${SRC_UUID}/mdev_type)"`,
        `cat /sys/bus/mdev/devices/${SRC_UUID}/mdev_type/name`,
      ].join('; '),
    );
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout.split('\n')).toEqual([
      `../../../devices/pci0000:00/${GVT_PARENT}/${SRC_UUID}`,
      `${DEV}/${SRC_UUID}`,
      V5_4,
      `../../devices/pci0000:00/${GVT_PARENT}`,
      'i915-GVTg_V5_4',
      'GVTg_V5_4',
      '',
    ]);
  });

  it('ls -l shows 0200 create, 0444 name, 0644 migration_version; stat says 4096 bytes (§8)', async () => {
    const ls = await bash('src4', `ls -l ${V5_4}`);
    expect(ls.status).toBe(0);
    const modes = Object.fromEntries(
      ls.stdout
        .split('\n')
        .filter((l) => /^[-dl]/.test(l))
        .map((l) => {
          const f = l.split(/\s+/);
          return [f[8] ?? '', `${f[0]} ${f[4]}`];
        }),
    );
    expect(modes).toEqual({
      available_instances: '-r--r--r-- 4096',
      create: '--w------- 4096',
      description: '-r--r--r-- 4096',
      device_api: '-r--r--r-- 4096',
      devices: 'drwxr-xr-x 0',
      migration_version: '-rw-r--r-- 4096',
      name: '-r--r--r-- 4096',
    });
    const st = await bash('src4', `cd ${V5_4} && stat -c '%n %a %s' create name migration_version`);
    expect(st.stdout).toBe('create 200 4096\nname 444 4096\nmigration_version 644 4096\n');
    // The size is sysfs's PAGE_SIZE, not the text: cat still prints the show() output.
    expect((await bash('src4', `cat ${V5_4}/name | wc -c`)).stdout).toBe('10\n');
  });

  it('cat of a write-only attribute is EACCES (Permission denied), root included (§8)', async () => {
    expect(await bash('src', `cat ${V5_4}/create`)).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: `cat: '${V5_4}/create': Permission denied\n`,
    });
    expect(await bash('src', `cat /sys/bus/mdev/devices/${SRC_UUID}/remove`)).toMatchObject({
      status: 1,
      stderr: `cat: /sys/bus/mdev/devices/${SRC_UUID}/remove: Permission denied\n`, // no `:`, no quotes
    });
  });

  it('echo <uuid> > create and echo 1 > remove through the mount are seen by the library API (§1.3, §1.4)', async () => {
    const avail = `${MTTY2}/available_instances`;
    expect((await bash('lab', `cat ${avail}`)).stdout).toBe('12\n');
    expect(await lib('lab', avail)).toBe('12\n');

    expect(await bash('lab', `echo ${U1} > ${MTTY2}/create`)).toMatchObject({ status: 0, stderr: '' });
    expect((await bash('lab', `cat ${avail}; ls /sys/bus/mdev/devices; ls ${MTTY2}/devices`)).stdout).toBe(
      `11\n${U1}\n${U1}\n`,
    );
    expect(await lib('lab', avail)).toBe('11\n');
    expect(await world().call({ op: 'exists', host: 'lab', path: `/sys/bus/mdev/devices/${U1}` })).toBe(true);
    expect(await world().call({ op: 'readdir', host: 'lab', path: '/sys/bus/mdev/devices' })).toEqual([U1]);

    // The same UUID again: the kernel's duplicate check (EEXIST) as bash reports it.
    expect(await bash('lab', `echo ${U1} > ${MTTY2}/create`)).toMatchObject({
      status: 1,
      stderr: 'bash: line 1: echo: write error: File exists\n',
    });

    expect(await bash('lab', `echo 1 > /sys/bus/mdev/devices/${U1}/remove`)).toMatchObject({
      status: 0,
      stderr: '',
    });
    expect((await bash('lab', `cat ${avail}; ls /sys/bus/mdev/devices | wc -l`)).stdout).toBe('12\n0\n');
    expect(await lib('lab', avail)).toBe('12\n');
    expect(await world().call({ op: 'exists', host: 'lab', path: `/sys/bus/mdev/devices/${U1}` })).toBe(
      false,
    );
  });

  it('a device created and removed through the library API appears and disappears in the mount', async () => {
    const avail = `${MTTY2}/available_instances`;
    expect(await world().call({ op: 'write', host: 'lab', path: `${MTTY2}/create`, data: U2 })).toBe(36);
    const seen = await bash(
      'lab',
      `cat ${avail}; readlink /sys/bus/mdev/devices/${U2}; basename "$(readlink /sys/bus/mdev/devices/${U2}/mdev_type)"`,
    );
    expect(seen.stdout).toBe(`11\n../../../devices/virtual/mtty/mtty/${U2}\nmtty-2\n`);

    expect(
      await world().call({ op: 'write', host: 'lab', path: `/sys/bus/mdev/devices/${U2}/remove`, data: '1' }),
    ).toBe(1);
    expect(await bash('lab', `cat ${avail}; test -e /sys/bus/mdev/devices/${U2}; echo $?`)).toMatchObject({
      stdout: '12\n1\n',
    });
  });

  it('a library error reply carries the errno: EINVAL for a malformed UUID written to create', async () => {
    expect(
      await world().request({ op: 'write', host: 'lab', path: `${MTTY2}/create`, data: 'not-a-uuid' }),
    ).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(await bash('lab', `echo not-a-uuid > ${MTTY2}/create`)).toMatchObject({
      status: 1,
      stderr: 'bash: line 1: echo: write error: Invalid argument\n',
    });
  });
});
