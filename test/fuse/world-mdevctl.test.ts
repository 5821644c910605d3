/**
 * The real Debian mdevctl 1.2.0 on a mounted World (served by a child process): every command
 * and error path the mdevctl conformance needs, with exact outputs (reference/ecosystem.md §1.2
 * commands, §1.4 JSON, §1.5 text; text output ends with one extra blank line, errors go to stderr
 * as `Error: …` with exit status 1). What mdevctl changes through the mount is checked through
 * the library API of the same World, and the reverse.
 */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFuseAvailable } from '../../sysfs/fuse/mount.ts';
import { makeMdevctlEtc, mdevctlHarnessAvailable, runMdevctl } from './mdevctl-harness.ts';
import { GVT_PARENT, writeWorldScenario } from './world-scenario.ts';
import {
  childPids,
  mdevsimMountsUnder,
  processExists,
  startWorldChild,
  type WorldChild,
} from './world-server.ts';

const harness = mdevctlHarnessAvailable();
const fuse = checkFuseAvailable();
const skipReason = !harness.ok ? harness.reason : !fuse.ok ? fuse.message : '';
if (skipReason !== '') console.warn(`skipping mdevctl on a mounted World: ${skipReason}`);

const U1 = 'a1a1a1a1-0000-4000-8000-000000000001';
const U3 = 'a3a3a3a3-0000-4000-8000-000000000003';
const U4 = 'a4a4a4a4-0000-4000-8000-000000000004';
const UUID_LINE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n$/;
const MTTY_TYPES = '/sys/class/mdev_bus/mtty/mdev_supported_types';

function mttyTypesText(one: number, two: number): string {
  return [
    'mtty',
    '  mtty-1',
    `    Available instances: ${one}`,
    '    Device API: vfio-pci',
    '    Name: Single port serial',
    '  mtty-2',
    `    Available instances: ${two}`,
    '    Device API: vfio-pci',
    '    Name: Dual port serial',
    '',
    '',
  ].join('\n');
}

/** mdevctl pretty-prints JSON with 2-space indent (serde_json) and println!s it. */
function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

describe.skipIf(skipReason !== '')('mdevctl 1.2.0 on a mounted World', () => {
  let base = '';
  let etc = '';
  let child: WorldChild | undefined;
  let generated = '';
  const world = () => child as WorldChild;
  const host = (name: string) => world().mountpoints.get(name) ?? join(world().dir, name);
  const mdevctl = (name: string, args: readonly string[], withEtc = false) =>
    runMdevctl(host(name), args, withEtc ? { etcDir: etc } : {});
  const lib = (path: string) => world().call({ op: 'read', host: 'lab', path });
  const libExists = (uuid: string) =>
    world().call({ op: 'exists', host: 'lab', path: `/sys/bus/mdev/devices/${uuid}` });

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mdevsim-wmdevctl-'));
    await chmod(base, 0o755);
    etc = await makeMdevctlEtc(join(base, 'etc'));
    child = await startWorldChild(await writeWorldScenario(base), join(base, 'mnt'), ['src', 'dst', 'lab']);
  });

  afterAll(async () => {
    if (child !== undefined) {
      expect(await child.stop('SIGTERM')).toEqual({ code: 143, signal: null });
      expect(processExists(child.pid)).toBe(false);
    }
    expect(mdevsimMountsUnder(base)).toEqual([]);
    expect(childPids()).toEqual([]);
    await rm(base, { recursive: true, force: true });
  });

  it('types: text and --dumpjson of the mtty parent (§1.4, §1.5)', async () => {
    expect(await mdevctl('lab', ['types'])).toEqual({
      status: 0,
      signal: null,
      stdout: mttyTypesText(24, 12),
      stderr: '',
    });
    expect(await mdevctl('lab', ['types', '--dumpjson'])).toEqual({
      status: 0,
      signal: null,
      stdout: json([
        {
          mtty: [
            { 'mtty-1': { available_instances: 24, device_api: 'vfio-pci', name: 'Single port serial' } },
            { 'mtty-2': { available_instances: 12, device_api: 'vfio-pci', name: 'Dual port serial' } },
          ],
        },
      ]),
      stderr: '',
    });
  });

  it('types on GVT-g: the multi-line description joined with ", " (§1.1)', async () => {
    const r = await mdevctl('dst', ['types', '-p', GVT_PARENT]);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').slice(0, 6)).toEqual([
      GVT_PARENT,
      '  i915-GVTg_V5_1',
      '    Available instances: 1',
      '    Device API: vfio-pci',
      '    Name: GVTg_V5_1',
      '    Description: low_gm_size: 512MB, high_gm_size: 2048MB, fence: 4, resolution: 1920x1200, weight: 16',
    ]);
    expect(r.stdout.endsWith('weight: 2\n\n')).toBe(true);
  });

  it('start -p -t -u creates the device; the library sees it and the shared 24-port pool shrink', async () => {
    expect(await mdevctl('lab', ['start', '-p', 'mtty', '-t', 'mtty-1', '-u', U1])).toEqual({
      status: 0,
      signal: null,
      stdout: '',
      stderr: '',
    });
    expect(await libExists(U1)).toBe(true);
    expect(await lib(`${MTTY_TYPES}/mtty-1/available_instances`)).toBe('23\n');
    expect(await lib(`${MTTY_TYPES}/mtty-2/available_instances`)).toBe('11\n');
    expect((await mdevctl('lab', ['types'])).stdout).toBe(mttyTypesText(23, 11));
  });

  it('start -p -t without -u prints the UUID it generated', async () => {
    const r = await mdevctl('lab', ['start', '-p', 'mtty', '-t', 'mtty-2']);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(UUID_LINE);
    generated = r.stdout.trim();
    expect(await libExists(generated)).toBe(true);
    expect(await lib(`/sys/bus/mdev/devices/${generated}/mdev_type/name`)).toBe('Dual port serial\n');
  });

  it('list and list --dumpjson: parents and devices sorted, parent and type from canonical paths', async () => {
    const devices = [
      [U1, 'mtty-1'],
      [generated, 'mtty-2'],
    ].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)); // byte order, as Rust sorts Strings
    expect(await mdevctl('lab', ['list'])).toEqual({
      status: 0,
      signal: null,
      stdout: `${devices.map(([u, t]) => `${u} mtty ${t} manual\n`).join('')}\n`,
      stderr: '',
    });
    expect(await mdevctl('lab', ['list', '--dumpjson'])).toEqual({
      status: 0,
      signal: null,
      stdout: json([
        { mtty: devices.map(([u, t]) => ({ [String(u)]: { mdev_type: t, start: 'manual', attrs: [] } })) },
      ]),
      stderr: '',
    });
  });

  it('define, then start -u: the definition is used; list marks it (defined) / (active)', async () => {
    expect(await mdevctl('lab', ['define', '-u', U3, '-p', 'mtty', '-t', 'mtty-2'], true)).toEqual({
      status: 0,
      signal: null,
      stdout: '',
      stderr: '',
    });
    expect(await readFile(join(etc, 'mtty', U3), 'utf8')).toBe(
      '{\n  "mdev_type": "mtty-2",\n  "start": "manual",\n  "attrs": []\n}',
    );
    expect(await libExists(U3)).toBe(false);
    expect((await mdevctl('lab', ['list', '-d'], true)).stdout).toBe(`${U3} mtty mtty-2 manual\n\n`);

    expect(await mdevctl('lab', ['start', '-u', U3], true)).toEqual({
      status: 0,
      signal: null,
      stdout: '',
      stderr: '',
    });
    expect(await libExists(U3)).toBe(true);
    expect((await mdevctl('lab', ['list', '-u', U3], true)).stdout).toBe(
      `${U3} mtty mtty-2 manual (defined)\n\n`,
    );
    expect((await mdevctl('lab', ['list', '-d'], true)).stdout).toBe(`${U3} mtty mtty-2 manual (active)\n\n`);
  });

  it('stop -u removes the device through remove; the library sees it gone and the ports back', async () => {
    expect(await mdevctl('lab', ['stop', '-u', U3])).toEqual({
      status: 0,
      signal: null,
      stdout: '',
      stderr: '',
    });
    expect(await mdevctl('lab', ['stop', '-u', generated])).toMatchObject({ status: 0, stderr: '' });
    expect(await libExists(U3)).toBe(false);
    expect(await libExists(generated)).toBe(false);
    expect(await lib(`${MTTY_TYPES}/mtty-1/available_instances`)).toBe('23\n');
    expect((await mdevctl('lab', ['list'])).stdout).toBe(`${U1} mtty mtty-1 manual\n\n`);
  });

  it('a device created through the library API is listed and stopped by mdevctl', async () => {
    expect(
      await world().call({ op: 'write', host: 'lab', path: `${MTTY_TYPES}/mtty-2/create`, data: U4 }),
    ).toBe(36);
    expect((await mdevctl('lab', ['list', '-u', U4])).stdout).toBe(`${U4} mtty mtty-2 manual\n\n`);
    expect(await mdevctl('lab', ['stop', '-u', U4])).toMatchObject({ status: 0, stderr: '' });
    expect(await libExists(U4)).toBe(false);
  });

  it('errors: unknown parent, unknown type, existing device, stop of an unknown device (exit 1, stderr)', async () => {
    const U = 'eeeeeeee-0000-4000-8000-00000000000e';
    expect(await mdevctl('lab', ['start', '-p', 'nope', '-t', 'mtty-1', '-u', U])).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: "Error: Unable to find parent device 'nope'\n",
    });
    expect(await mdevctl('lab', ['start', '-p', 'mtty', '-t', 'mtty-9', '-u', U])).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: 'Error: Parent mtty does not support mdev type mtty-9\n',
    });
    expect(await mdevctl('lab', ['start', '-p', 'mtty', '-t', 'mtty-1', '-u', U1])).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: 'Error: Device already exists\n',
    });
    expect(await mdevctl('lab', ['stop', '-u', U])).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: `Error: Error removing device ${U}\n\nCaused by:\n    No such file or directory (os error 2)\n`,
    });
    expect(await libExists(U)).toBe(false);
  });

  it('no available instances: GVT-g V5_1 on a GPU that already holds a V5_4 (kernel.md §1.3)', async () => {
    expect(await mdevctl('src', ['start', '-p', GVT_PARENT, '-t', 'i915-GVTg_V5_1'])).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: `Error: No available instances of i915-GVTg_V5_1 on ${GVT_PARENT}\n`,
    });
    // On dst the one V5_1 takes the whole GPU; after it, nothing else fits.
    expect(await mdevctl('dst', ['start', '-p', GVT_PARENT, '-t', 'i915-GVTg_V5_1'])).toMatchObject({
      status: 0,
      stderr: '',
    });
    expect(await mdevctl('dst', ['start', '-p', GVT_PARENT, '-t', 'i915-GVTg_V5_8'])).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: `Error: No available instances of i915-GVTg_V5_8 on ${GVT_PARENT}\n`,
    });
  });

  it("no available instances: mtty's 24-port pool exhausted (kernel.md §5.1)", async () => {
    // U1 holds one port; fill the other 23 with mtty-1 devices through mdevctl.
    const made: string[] = [];
    for (let i = 0; i < 23; i++) {
      const r = await mdevctl('lab', ['start', '-p', 'mtty', '-t', 'mtty-1']);
      expect(r).toMatchObject({ status: 0, stderr: '' });
      made.push(r.stdout.trim());
    }
    expect((await mdevctl('lab', ['types'])).stdout).toBe(mttyTypesText(0, 0));
    for (const t of ['mtty-1', 'mtty-2']) {
      expect(await mdevctl('lab', ['start', '-p', 'mtty', '-t', t])).toEqual({
        status: 1,
        signal: null,
        stdout: '',
        stderr: `Error: No available instances of ${t} on mtty\n`,
      });
    }
    expect(await world().call({ op: 'readdir', host: 'lab', path: '/sys/bus/mdev/devices' })).toHaveLength(
      24,
    );
    for (const u of made) expect((await mdevctl('lab', ['stop', '-u', u])).status).toBe(0);
    expect(await lib(`${MTTY_TYPES}/mtty-2/available_instances`)).toBe('11\n');
  });
});
