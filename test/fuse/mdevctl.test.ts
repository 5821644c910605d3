/**
 * The real Debian mdevctl (1.2.0) in a private mount namespace, over (1) a plain directory tree
 * that mimics a host's /sys, and (2) a FUSE mount of a fake SysfsApi with a working `create` and
 * `remove`. The expected outputs below are what mdevctl 1.2.0 printed here; they pin down what
 * the simulated tree must provide and what mdevctl will say about it.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFuseAvailable, type MountHandle, mountSysfs } from '../../sysfs/fuse/mount.ts';
import { readMountinfo } from '../../sysfs/fuse/mountinfo.ts';
import { type FakeSysfs, mdevTree } from './fake-sysfs.ts';
import { makeMdevctlEtc, mdevctlHarnessAvailable, runMdevctl, writePlainSysTree } from './mdevctl-harness.ts';
import { sh } from './sh.ts';

const harness = mdevctlHarnessAvailable();
if (!harness.ok) console.warn(`skipping mdevctl tests: ${harness.reason}`);
const fuse = checkFuseAvailable();
if (harness.ok && !fuse.ok) console.warn(`skipping mdevctl-over-FUSE tests: ${fuse.message}`);
const hasStrace = (await sh('command -v strace')).status === 0;

const P = '0000:00:02.0';
const T = 'i915-GVTg_V5_4';
const U1 = '11111111-2222-3333-4444-555555555555';
const U2 = '22222222-2222-3333-4444-555555555555';
const TYPES_TEXT = [
  P,
  `  ${T}`,
  '    Available instances: 2',
  '    Device API: vfio-pci',
  '    Name: GVTg_V5_4',
  '    Description: low_gm_size: 128MB, high_gm_size: 512MB',
  '',
  '',
].join('\n');

describe.skipIf(!harness.ok)('mdevctl over a plain directory tree', () => {
  let root = '';
  let etc = '';
  const tdir = () => join(root, 'sys/devices/pci0000:00', P, 'mdev_supported_types', T);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mdevsim-plain-'));
    etc = await makeMdevctlEtc(join(root, 'etc'));
    await writePlainSysTree(root, [
      {
        name: P,
        types: [
          {
            id: T,
            availableInstances: 2,
            name: 'GVTg_V5_4',
            description: 'low_gm_size: 128MB\nhigh_gm_size: 512MB\n',
          },
        ],
        devices: [{ uuid: U1, type: T }],
      },
    ]);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('types: the text and JSON forms', async () => {
    expect(await runMdevctl(root, ['types'])).toEqual({
      status: 0,
      signal: null,
      stdout: TYPES_TEXT,
      stderr: '',
    });
    const json = await runMdevctl(root, ['types', '--dumpjson']);
    expect(JSON.parse(json.stdout)).toEqual([
      {
        [P]: [
          {
            [T]: {
              available_instances: 2,
              device_api: 'vfio-pci',
              name: 'GVTg_V5_4',
              description: 'low_gm_size: 128MB, high_gm_size: 512MB',
            },
          },
        ],
      },
    ]);
  });

  it('list: parent and type come from the canonical paths of the bus link and mdev_type', async () => {
    expect(await runMdevctl(root, ['list'])).toMatchObject({
      status: 0,
      stdout: `${U1} ${P} ${T} manual\n\n`,
    });
    const json = await runMdevctl(root, ['list', '--dumpjson']);
    expect(JSON.parse(json.stdout)).toEqual([
      { [P]: [{ [U1]: { mdev_type: T, start: 'manual', attrs: [] } }] },
    ]);
  });

  it('start writes the bare 36-byte UUID to create; prints it only when it generated it', async () => {
    const given = await runMdevctl(root, ['start', '-u', U2, '-p', P, '-t', T]);
    expect(given).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(await readFile(join(tdir(), 'create'), 'utf8')).toBe(U2);
    const generated = await runMdevctl(root, ['start', '-p', P, '-t', T]);
    expect(generated.status).toBe(0);
    expect(generated.stdout).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n$/,
    );
    expect(await readFile(join(tdir(), 'create'), 'utf8')).toBe(generated.stdout.trim());
  });

  it('stop writes "1" (one byte) to the device remove attribute', async () => {
    expect(await runMdevctl(root, ['stop', '-u', U1])).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(await readFile(join(root, 'sys/devices/pci0000:00', P, U1, 'remove'), 'utf8')).toBe('1');
  });

  it('define writes /etc/mdevctl.d/<parent>/<uuid> without checking sysfs beyond the UUID', async () => {
    const U3 = '33333333-2222-3333-4444-555555555555';
    const r = await runMdevctl(root, ['define', '-u', U3, '-p', '0000:99:00.0', '-t', 'no-such-type'], {
      etcDir: etc,
    });
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(await readFile(join(etc, '0000:99:00.0', U3), 'utf8')).toBe(
      '{\n  "mdev_type": "no-such-type",\n  "start": "manual",\n  "attrs": []\n}',
    );
    const listed = await runMdevctl(root, ['list', '-d'], { etcDir: etc });
    expect(listed.stdout).toBe(`${U3} 0000:99:00.0 no-such-type manual\n\n`);
  });

  it('error paths: messages on stderr, exit status 1 (2 for usage errors)', async () => {
    const U = '44444444-2222-3333-4444-555555555555';
    expect(await runMdevctl(root, ['start', '-u', U, '-p', '0000:00:03.0', '-t', T])).toMatchObject({
      status: 1,
      stdout: '',
      stderr: "Error: Unable to find parent device '0000:00:03.0'\n",
    });
    expect(await runMdevctl(root, ['start', '-u', U, '-p', P, '-t', 'i915-nope'])).toMatchObject({
      status: 1,
      stderr: `Error: Parent ${P} does not support mdev type i915-nope\n`,
    });
    await writeFile(join(tdir(), 'available_instances'), '0\n');
    expect(await runMdevctl(root, ['start', '-u', U, '-p', P, '-t', T])).toMatchObject({
      status: 1,
      stderr: `Error: No available instances of ${T} on ${P}\n`,
    });
    await writeFile(join(tdir(), 'available_instances'), '2\n');
    expect(await runMdevctl(root, ['stop', '-u', U])).toMatchObject({
      status: 1,
      stderr: `Error: Error removing device ${U}\n\nCaused by:\n    No such file or directory (os error 2)\n`,
    });
    expect(await runMdevctl(root, ['start', '-u', U, '-p', P])).toMatchObject({
      status: 1,
      stderr: 'Error: Device is insufficiently specified\n',
    });
    const usage = await runMdevctl(root, ['start', '-u', 'not-a-uuid']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^error: Invalid value "not-a-uuid" for '--uuid <UUID>'/);
  });

  it('a parent in class/mdev_bus without mdev_supported_types breaks `types` and is refused by start', async () => {
    const other = await mkdtemp(join(tmpdir(), 'mdevsim-plain2-'));
    try {
      await writePlainSysTree(other, [{ name: '0000:00:05.0' }]);
      expect(await runMdevctl(other, ['types'])).toMatchObject({
        status: 1,
        stderr: 'Error: No such file or directory (os error 2)\n',
      });
      expect(await runMdevctl(other, ['start', '-u', U2, '-p', '0000:00:05.0', '-t', T])).toMatchObject({
        status: 1,
        stderr: 'Error: Parent 0000:00:05.0 is not currently registered for mdev support\n',
      });
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasStrace)('strace: what `types` and `start` open under /sys', async () => {
    const trace = join(root, 'trace.txt');
    await runMdevctl(root, ['types'], { straceTo: trace });
    const opened = (await readFile(trace, 'utf8'))
      .split('\n')
      .map((l) => /openat\(AT_FDCWD[^,]*, "(\/sys\/[^"]*)"/.exec(l)?.[1])
      .filter((p): p is string => p !== undefined);
    const tpath = `/sys/class/mdev_bus/${P}/mdev_supported_types`;
    expect(opened).toEqual([
      '/sys/class/mdev_bus',
      tpath,
      `${tpath}/${T}/available_instances`,
      `${tpath}/${T}/device_api`,
      `${tpath}/${T}/name`,
      `${tpath}/${T}/description`,
    ]);
    await runMdevctl(root, ['start', '-u', '55555555-2222-3333-4444-555555555555', '-p', P, '-t', T], {
      straceTo: trace,
    });
    const text = await readFile(trace, 'utf8');
    expect(text).toMatch(/openat\([^"]*"[^"]*\/create", O_WRONLY\|O_CREAT\|O_TRUNC\|O_CLOEXEC, 0666\) = 3/);
    expect(text).toContain('"55555555-2222-3333-4444-555555555555", 36) = 36');
  });
});

describe.skipIf(!harness.ok || !fuse.ok)('mdevctl over a FUSE mount', () => {
  let base = '';
  const mounts: MountHandle[] = [];

  async function mountTree(fake: FakeSysfs, name: string): Promise<string> {
    const mp = join(base, name);
    mounts.push(await mountSysfs(fake, mp));
    return mp;
  }

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mdevsim-mdevctl-'));
    await chmod(base, 0o755);
  });

  afterAll(async () => {
    for (const m of mounts) await m.unmount();
    expect(readMountinfo().filter((m) => m.mountPoint.startsWith(base))).toEqual([]);
    await rm(base, { recursive: true, force: true });
  });

  it('types, start, list, stop round trip through create and remove', async () => {
    const fake = mdevTree({ description: 'low_gm_size: 128MB\nhigh_gm_size: 512MB\n' });
    const mp = await mountTree(fake, 'host-a');
    expect(await runMdevctl(mp, ['types'])).toMatchObject({ status: 0, stdout: TYPES_TEXT, stderr: '' });

    expect(await runMdevctl(mp, ['start', '-u', U1, '-p', P, '-t', T])).toMatchObject({
      status: 0,
      stderr: '',
    });
    expect(fake.has(`/sys/bus/mdev/devices/${U1}`)).toBe(true);
    const created = fake.calls.filter((c) => c.op === 'write' && c.path.endsWith('/create'));
    expect(created.map((c) => [c.data, c.length])).toEqual([[U1, 36]]);
    expect((await runMdevctl(mp, ['types'])).stdout).toContain('Available instances: 1\n');
    expect(await runMdevctl(mp, ['list'])).toMatchObject({ status: 0, stdout: `${U1} ${P} ${T} manual\n\n` });

    expect(await runMdevctl(mp, ['start', '-u', U1, '-p', P, '-t', T])).toMatchObject({
      status: 1,
      stderr: 'Error: Device already exists\n',
    });

    expect(await runMdevctl(mp, ['stop', '-u', U1])).toMatchObject({ status: 0, stderr: '' });
    expect(fake.calls.filter((c) => c.path.endsWith('/remove')).map((c) => c.data)).toEqual(['1']);
    expect(fake.has(`/sys/bus/mdev/devices/${U1}`)).toBe(false);
    expect(await runMdevctl(mp, ['list'])).toMatchObject({ status: 0, stdout: '\n' });
  });

  it('no available instances: mdevctl refuses before writing create', async () => {
    const fake = mdevTree({ instances: 0 });
    const mp = await mountTree(fake, 'host-b');
    expect(await runMdevctl(mp, ['start', '-u', U2, '-p', P, '-t', T])).toMatchObject({
      status: 1,
      stderr: `Error: No available instances of ${T} on ${P}\n`,
    });
    expect(fake.calls.filter((c) => c.op === 'write')).toEqual([]);
  });

  it.each([
    ['EINVAL', 'Invalid argument (os error 22)'],
    ['EUSERS', 'Too many users (os error 87)'],
    ['ENOSPC', 'No space left on device (os error 28)'],
  ] as const)('a create store() failing with %s is shown as "%s"', async (errno, text) => {
    const fake = mdevTree({ failCreateWith: errno });
    const mp = await mountTree(fake, `host-${errno}`);
    expect(await runMdevctl(mp, ['start', '-u', U2, '-p', P, '-t', T])).toMatchObject({
      status: 1,
      stdout: '',
      stderr: `Error: Failed to create mdev ${U2}, type ${T} on ${P}\n\nCaused by:\n    ${text}\n`,
    });
  });
});
