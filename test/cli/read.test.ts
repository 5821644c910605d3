/**
 * The mdevctl reader runs unchanged on a simulated host's `host.fs` and on `node:fs` over a real
 * directory tree: the tree here is a copy of a simulated host's /sys (files and the kernel's
 * relative symlinks), and both readings must print the same.
 */
import * as nodeFs from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatListText, formatTypesText, listJson, typesJson } from '../../cli/format/mdevctl.ts';
import {
  readActiveDevices,
  readSupportedTypes,
  type SysfsReadFs,
  sysRootsUnder,
} from '../../cli/mdevctl/read.ts';
import { loadScenario } from '../../scenarios/load.ts';
import type { Host } from '../../sysfs/host.ts';
import { TWO_HOSTS, U_GPU, U_SERIAL1, U_SERIAL2 } from './fixtures.ts';

const realFs: SysfsReadFs = nodeFs;

/** Copies what mdevctl reads of `host`'s /sys into `<root>/sys`, links as the kernel makes them. */
async function copySys(host: Host, root: string): Promise<void> {
  const fs = host.fs;
  const put = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  const link = async (path: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await symlink(fs.readlinkSync(path), join(root, path));
  };
  await mkdir(join(root, 'sys/bus/mdev/devices'), { recursive: true });
  for (const parent of fs.readdirSync('/sys/class/mdev_bus')) {
    await link(`/sys/class/mdev_bus/${parent}`);
    const parentDir = fs.realpathSync(`/sys/class/mdev_bus/${parent}`);
    for (const type of fs.readdirSync(`${parentDir}/mdev_supported_types`)) {
      for (const attr of ['available_instances', 'device_api', 'name', 'description']) {
        const path = `${parentDir}/mdev_supported_types/${type}/${attr}`;
        if (fs.existsSync(path)) await put(path, fs.readFileSync(path, 'utf8'));
      }
    }
  }
  for (const uuid of fs.readdirSync('/sys/bus/mdev/devices')) {
    await link(`/sys/bus/mdev/devices/${uuid}`);
    await link(`${fs.realpathSync(`/sys/bus/mdev/devices/${uuid}`)}/mdev_type`);
  }
}

let host: Host;
let root = '';

beforeAll(async () => {
  host = (await loadScenario(TWO_HOSTS)).host('a');
  root = await mkdtemp(join(tmpdir(), 'mdevsim-sys-'));
  await copySys(host, root);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('reading like mdevctl', () => {
  it('types on the simulated host: trimmed values, description newlines as ", "', () => {
    const types = readSupportedTypes(host.fs);
    const gvt = types
      .find((p) => p.parent === '0000:00:02.0')
      ?.types.find((t) => t.typeName === 'i915-GVTg_V5_4');
    expect(gvt).toEqual({
      typeName: 'i915-GVTg_V5_4',
      availableInstances: 4,
      deviceApi: 'vfio-pci',
      name: 'GVTg_V5_4',
      description: 'low_gm_size: 128MB, high_gm_size: 512MB, fence: 4, resolution: 1920x1200, weight: 4',
    });
    const mtty = types.find((p) => p.parent === 'mtty')?.types.find((t) => t.typeName === 'mtty-1');
    expect(mtty?.description).toBe('');
  });

  it('devices: parent from the canonical path, type from the canonical mdev_type link', () => {
    const devices = readActiveDevices(host.fs);
    expect(devices.map((d) => [d.uuid, d.parent, d.mdevType]).sort()).toEqual(
      [
        [U_GPU, '0000:00:03.0', 'nvidia-155'],
        [U_SERIAL1, 'mtty', 'mtty-1'],
        [U_SERIAL2, 'mtty', 'mtty-2'],
      ].sort(),
    );
    expect(readActiveDevices(host.fs, { parent: 'mtty', uuid: U_SERIAL2 }).map((d) => d.uuid)).toEqual([
      U_SERIAL2,
    ]);
    expect(readActiveDevices(host.fs, { parent: '0000:00:03.0', uuid: U_SERIAL2 })).toEqual([]);
  });

  it('the same code over node:fs on a real directory tree gives the same output', () => {
    const roots = sysRootsUnder(join(root, 'sys'));
    expect(formatTypesText(readSupportedTypes(realFs, undefined, roots))).toBe(
      formatTypesText(readSupportedTypes(host.fs)),
    );
    expect(typesJson(readSupportedTypes(realFs, 'mtty', roots))).toEqual(
      typesJson(readSupportedTypes(host.fs, 'mtty')),
    );
    expect(formatListText(readActiveDevices(realFs, {}, roots))).toBe(
      formatListText(readActiveDevices(host.fs)),
    );
    expect(listJson(readActiveDevices(realFs, { uuid: U_GPU }, roots), { byUuid: true })).toEqual(
      listJson(readActiveDevices(host.fs, { uuid: U_GPU }), { byUuid: true }),
    );
  });

  it('a missing base directory lists nothing; a bad available_instances fails like mdevctl', async () => {
    const empty = sysRootsUnder(join(root, 'nowhere'));
    expect(readSupportedTypes(realFs, undefined, empty)).toEqual([]);
    expect(readActiveDevices(realFs, {}, empty)).toEqual([]);
    const bad = await mkdtemp(join(tmpdir(), 'mdevsim-sys-bad-'));
    try {
      const tdir = join(bad, 'sys/class/mdev_bus/p/mdev_supported_types/t');
      await mkdir(tdir, { recursive: true });
      await writeFile(join(tdir, 'available_instances'), 'many\n');
      await writeFile(join(tdir, 'device_api'), 'vfio-pci\n');
      expect(() => readSupportedTypes(realFs, undefined, sysRootsUnder(join(bad, 'sys')))).toThrow(
        /^invalid digit found in string/,
      );
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});
