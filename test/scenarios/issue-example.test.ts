import { beforeEach, describe, expect, it } from 'vitest';
import type { World } from '../../sysfs/world.ts';
import { expectSys } from '../helpers/errors.ts';
import {
  GVT_PARENT,
  GVT_TYPES,
  ISSUE_UUID,
  loadIssueWorld,
  MTTY_PARENT,
  typeDir,
  uuidN,
} from '../helpers/scenarios.ts';

describe("the issue's example scenario", () => {
  let world: World;
  beforeEach(async () => {
    world = await loadIssueWorld();
  });

  it('loads as written: seed 7, hosts src/dst/lab in order', () => {
    expect(world.seed).toBe(7);
    expect(world.hosts.map((h) => h.name)).toEqual(['src', 'dst', 'lab']);
  });

  it("kernel.md §1.1/§1.2: src's 0000:00:02.0 lists exactly the four GVT-g types", () => {
    const sysfs = world.host('src').sysfs;
    expect(sysfs.readdir(`${GVT_PARENT}/mdev_supported_types`)).toEqual([...GVT_TYPES]);
    expect(sysfs.readdir('/sys/class/mdev_bus/0000:00:02.0/mdev_supported_types')).toEqual([...GVT_TYPES]);
    expect(world.host('dst').sysfs.readdir(`${GVT_PARENT}/mdev_supported_types`)).toEqual([...GVT_TYPES]);
  });

  it('kernel.md §1.1: each GVT-g type directory has the core attributes, description, the default (v4) migration_version and devices/', () => {
    const sysfs = world.host('src').sysfs;
    const dir = typeDir('0000:00:02.0', 'i915-GVTg_V5_4');
    expect(sysfs.readdir(dir)).toEqual([
      'create',
      'name',
      'device_api',
      'available_instances',
      'description',
      'migration_version',
      'devices',
    ]);
    expect(sysfs.read(`${dir}/name`)).toBe('GVTg_V5_4\n');
    expect(sysfs.read(`${dir}/device_api`)).toBe('vfio-pci\n');
    expect(sysfs.read(`${dir}/description`)).toBe(
      'low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\nweight: 4\n',
    );
  });

  it('the instance appears under /sys/bus/mdev/devices/<uuid> with the kernel relative link target', () => {
    const sysfs = world.host('src').sysfs;
    expect(sysfs.readdir('/sys/bus/mdev/devices')).toEqual([ISSUE_UUID]);
    expect(sysfs.readlink(`/sys/bus/mdev/devices/${ISSUE_UUID}`)).toBe(
      `../../../devices/pci0000:00/0000:00:02.0/${ISSUE_UUID}`,
    );
    expect(sysfs.realpath(`/sys/bus/mdev/devices/${ISSUE_UUID}`)).toBe(`${GVT_PARENT}/${ISSUE_UUID}`);
    expect(sysfs.lstat(`/sys/bus/mdev/devices/${ISSUE_UUID}`).kind).toBe('link');
    expect(sysfs.stat(`/sys/bus/mdev/devices/${ISSUE_UUID}`).kind).toBe('dir');
  });

  it('kernel.md §1.1: mdev_type, the type devices/ link and the class/bus links have the kernel targets', () => {
    const sysfs = world.host('src').sysfs;
    expect(sysfs.readlink(`${GVT_PARENT}/${ISSUE_UUID}/mdev_type`)).toBe(
      '../mdev_supported_types/i915-GVTg_V5_4',
    );
    expect(sysfs.readdir(`${GVT_PARENT}/mdev_supported_types/i915-GVTg_V5_4/devices`)).toEqual([ISSUE_UUID]);
    expect(sysfs.readlink(`${GVT_PARENT}/mdev_supported_types/i915-GVTg_V5_4/devices/${ISSUE_UUID}`)).toBe(
      `../../../${ISSUE_UUID}`,
    );
    expect(sysfs.readlink('/sys/class/mdev_bus/0000:00:02.0')).toBe('../../devices/pci0000:00/0000:00:02.0');
    expect(sysfs.readlink('/sys/bus/pci/devices/0000:00:02.0')).toBe(
      '../../../devices/pci0000:00/0000:00:02.0',
    );
    expect(sysfs.readdir(`${GVT_PARENT}/${ISSUE_UUID}`)).toEqual(['mdev_type', 'remove']);
    for (const other of GVT_TYPES.filter((t) => t !== 'i915-GVTg_V5_4')) {
      expect(sysfs.readdir(`${GVT_PARENT}/mdev_supported_types/${other}/devices`)).toEqual([]);
    }
  });

  it('the parent shows its PCI ids as the scenario gave them (src 8086:193b, dst 8086:191b)', () => {
    expect(world.host('src').sysfs.read(`${GVT_PARENT}/vendor`)).toBe('0x8086\n');
    expect(world.host('src').sysfs.read(`${GVT_PARENT}/device`)).toBe('0x193b\n');
    expect(world.host('dst').sysfs.read(`${GVT_PARENT}/device`)).toBe('0x191b\n');
  });

  it('GVT-g pool: one V5_4 (2 of 8 units) leaves V5_1 0, V5_2 1, V5_4 3, V5_8 6 on src; dst is untouched', () => {
    const read = (host: string, t: string) =>
      world.host(host).sysfs.read(`${typeDir('0000:00:02.0', t)}/available_instances`);
    expect(GVT_TYPES.map((t) => read('src', t))).toEqual(['0\n', '1\n', '3\n', '6\n']);
    expect(GVT_TYPES.map((t) => read('dst', t))).toEqual(['1\n', '2\n', '4\n', '8\n']);
    expect(world.host('dst').sysfs.readdir('/sys/bus/mdev/devices')).toEqual([]);
  });

  it('UUIDs are unique per host (mdev_list is per kernel): dst may create the src UUID', () => {
    const dst = world.host('dst').sysfs;
    expect(dst.write(`${typeDir('0000:00:02.0', 'i915-GVTg_V5_4')}/create`, `${ISSUE_UUID}\n`)).toBe(37);
    expect(dst.readdir('/sys/bus/mdev/devices')).toEqual([ISSUE_UUID]);
  });

  it('lab: mtty parent at /sys/devices/virtual/mtty/mtty with mtty-1 "Single port serial" and mtty-2 "Dual port serial" (§5.1)', () => {
    const sysfs = world.host('lab').sysfs;
    expect(sysfs.readlink('/sys/class/mdev_bus/mtty')).toBe('../../devices/virtual/mtty/mtty');
    expect(sysfs.readdir(`${MTTY_PARENT}/mdev_supported_types`)).toEqual(['mtty-1', 'mtty-2']);
    expect(sysfs.read(`${MTTY_PARENT}/mdev_supported_types/mtty-1/name`)).toBe('Single port serial\n');
    expect(sysfs.read(`${MTTY_PARENT}/mdev_supported_types/mtty-2/name`)).toBe('Dual port serial\n');
    expect(sysfs.readdir(`${MTTY_PARENT}/mdev_supported_types/mtty-1`)).toEqual([
      'create',
      'name',
      'device_api',
      'available_instances',
      'migration_version',
      'devices',
    ]);
    // Parent attributes are gone since "vfio/mdev: Remove mdev_parent_ops dev_attr_groups" (2022),
    // which dropped mtty's `mtty_dev/sample_mtty_dev`; the device keeps `vendor/sample_mdev_dev`.
    expect(sysfs.exists(`${MTTY_PARENT}/mtty_dev`)).toBe(false);
  });

  it('kernel.md §5.1: creating an mtty-2 moves both types 24/12 → 22/11, removal restores 24/12', () => {
    const sysfs = world.host('lab').sysfs;
    const avail = () =>
      ['mtty-1', 'mtty-2'].map((t) =>
        sysfs.read(`/sys/class/mdev_bus/mtty/mdev_supported_types/${t}/available_instances`),
      );
    expect(avail()).toEqual(['24\n', '12\n']);
    const u = '83b8f4f2-509f-382f-3c1e-e6bfe0fa1001';
    expect(sysfs.write('/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create', u)).toBe(36);
    expect(avail()).toEqual(['22\n', '11\n']);
    expect(sysfs.readlink(`/sys/bus/mdev/devices/${u}`)).toBe(`../../../devices/virtual/mtty/mtty/${u}`);
    expect(sysfs.readlink(`${MTTY_PARENT}/${u}/mdev_type`)).toBe('../mdev_supported_types/mtty-2');
    expect(sysfs.write(`/sys/bus/mdev/devices/${u}/remove`, '1\n')).toBe(2);
    expect(avail()).toEqual(['24\n', '12\n']);
    expect(sysfs.readdir('/sys/bus/mdev/devices')).toEqual([]);
    expect(sysfs.exists(`${MTTY_PARENT}/${u}`)).toBe(false);
  });

  it('kernel.md §5.1: pool exhaustion → ENOSPC from the driver; an odd port left serves mtty-1 only', () => {
    const sysfs = world.host('lab').sysfs;
    const t1 = '/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1';
    const t2 = '/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2';
    for (let i = 0; i < 11; i++) expect(sysfs.write(`${t2}/create`, uuidN(i))).toBe(36);
    expect(sysfs.write(`${t1}/create`, uuidN(100))).toBe(36);
    expect(sysfs.read(`${t1}/available_instances`)).toBe('1\n');
    expect(sysfs.read(`${t2}/available_instances`)).toBe('0\n');
    expectSys(() => sysfs.write(`${t2}/create`, uuidN(200)), 'ENOSPC', 'write', `${t2}/create`);
    expect(sysfs.write(`${t1}/create`, uuidN(101))).toBe(36);
    expect(sysfs.read(`${t1}/available_instances`)).toBe('0\n');
    expectSys(() => sysfs.write(`${t1}/create`, uuidN(201)), 'ENOSPC', 'write');
    expect(sysfs.readdir('/sys/bus/mdev/devices')).toHaveLength(13);
    expect(sysfs.exists(`/sys/bus/mdev/devices/${uuidN(200)}`)).toBe(false);
  });

  it('kernel.md §5.1: vendor/sample_mdev_dev reads "This is MDEV <uuid>\\n"', () => {
    const sysfs = world.host('lab').sysfs;
    const u = uuidN(7);
    sysfs.write('/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create', `${u}\n`);
    expect(sysfs.readdir(`/sys/bus/mdev/devices/${u}`)).toEqual(['mdev_type', 'remove', 'vendor']);
    expect(sysfs.read(`/sys/bus/mdev/devices/${u}/vendor/sample_mdev_dev`)).toBe(`This is MDEV ${u}\n`);
    expect(sysfs.stat(`/sys/bus/mdev/devices/${u}/vendor/sample_mdev_dev`).mode).toBe(0o444);
  });

  it('is deterministic: loading twice gives the same trees', async () => {
    const again = await loadIssueWorld();
    for (const host of ['src', 'dst', 'lab']) {
      expect(again.host(host).sysfs.readdir('/sys/class/mdev_bus')).toEqual(
        world.host(host).sysfs.readdir('/sys/class/mdev_bus'),
      );
    }
  });
});
