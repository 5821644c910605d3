import { beforeEach, describe, expect, it } from 'vitest';
import type { Host } from '../../sysfs/host.ts';
import { expectSys } from '../helpers/errors.ts';
import { GVT_PARENT, loadMixedWorld, MIXED, typeDir, uuidN } from '../helpers/scenarios.ts';

const U = uuidN(1);
const GVT4 = typeDir(MIXED.gvtg, 'i915-GVTg_V5_4');

describe('path walk like the VFS (api.ts: `//`, `.`, `..`, trailing `/`)', () => {
  let host: Host;
  beforeEach(async () => {
    host = (await loadMixedWorld()).host('h');
    host.sysfs.write(`${GVT4}/create`, U);
  });

  it('`//` and `.` vanish', () => {
    expect(host.sysfs.readdir('//sys///bus//mdev/./devices/')).toEqual([U]);
    expect(
      host.sysfs.read(`/sys/./class//mdev_bus/${MIXED.gvtg}/./mdev_supported_types/i915-GVTg_V5_4//name`),
    ).toBe('GVTg_V5_4\n');
    expect(host.sysfs.realpath('/./sys//devices/.')).toBe('/sys/devices');
  });

  it('`..` above / stays at /', () => {
    expect(host.sysfs.readdir('/..')).toEqual(['sys']);
    expect(host.sysfs.readdir('/../../sys/..')).toEqual(['sys']);
    expect(host.sysfs.realpath('/sys/..')).toBe('/');
    expect(host.sysfs.realpath('/../sys/bus/../bus/mdev')).toBe('/sys/bus/mdev');
  });

  it('`..` is physical after a link: /sys/bus/mdev/devices/<uuid>/.. is the parent device dir', () => {
    const viaLink = `/sys/bus/mdev/devices/${U}/..`;
    expect(host.sysfs.realpath(viaLink)).toBe(GVT_PARENT);
    expect(host.sysfs.realpath(`${viaLink}/`)).toBe(GVT_PARENT);
    expect(host.sysfs.readdir(`${viaLink}/`)).toEqual(host.sysfs.readdir(GVT_PARENT));
    expect(host.sysfs.readdir(viaLink)).toEqual(['mdev_supported_types', 'vendor', 'device', U]);
    expect(host.sysfs.read(`${viaLink}/vendor`)).toBe('0x8086\n');
    // Lexically this would be /sys/bus/mdev/devices, which has no `vendor`.
    expect(host.sysfs.exists('/sys/bus/mdev/vendor')).toBe(false);
  });

  it('`..` after the class link is the PCI root bus directory', () => {
    expect(host.sysfs.realpath(`/sys/class/mdev_bus/${MIXED.gvtg}/..`)).toBe('/sys/devices/pci0000:00');
    expect(host.sysfs.readdir(`/sys/class/mdev_bus/${MIXED.gvtg}/..`)).toEqual([
      MIXED.gvtg,
      MIXED.aggr,
      MIXED.counted,
    ]);
  });

  it('`..` after mdev_type and type devices/ links resolves physically too', () => {
    expect(host.sysfs.realpath(`/sys/bus/mdev/devices/${U}/mdev_type/../..`)).toBe(GVT_PARENT);
    expect(host.sysfs.realpath(`${GVT4}/devices/${U}/mdev_type/devices/${U}`)).toBe(`${GVT_PARENT}/${U}`);
    expect(host.sysfs.read(`${GVT4}/devices/${U}/mdev_type/devices/${U}/mdev_type/name`)).toBe('GVTg_V5_4\n');
  });

  it('trailing `/` on a file → ENOTDIR; on a directory or a link to one it is fine', () => {
    expectSys(() => host.sysfs.read(`${GVT4}/name/`), 'ENOTDIR', 'open');
    expectSys(() => host.sysfs.write(`${GVT4}/create/`, uuidN(2)), 'ENOTDIR', 'open');
    expectSys(() => host.sysfs.stat(`${GVT4}/name/`), 'ENOTDIR', 'stat');
    expect(host.sysfs.exists(`${GVT4}/name/`)).toBe(false);
    expect(host.sysfs.stat(`${GVT4}/`).kind).toBe('dir');
    expect(host.sysfs.readdir(`/sys/bus/mdev/devices/${U}/`)).toEqual(['mdev_type', 'remove']);
  });

  it('a trailing `/` makes lstat and readlink follow the final link (POSIX)', () => {
    expect(host.sysfs.lstat(`/sys/bus/mdev/devices/${U}`).kind).toBe('link');
    expect(host.sysfs.lstat(`/sys/bus/mdev/devices/${U}/`).kind).toBe('dir');
    expectSys(() => host.sysfs.readlink(`/sys/bus/mdev/devices/${U}/`), 'EINVAL', 'readlink');
  });

  it('`.` or `..` after a file → ENOTDIR (the VFS needs a directory to look them up in)', () => {
    expectSys(() => host.sysfs.stat(`${GVT4}/name/.`), 'ENOTDIR', 'stat');
    expectSys(() => host.sysfs.stat(`${GVT4}/name/..`), 'ENOTDIR', 'stat');
    expectSys(() => host.sysfs.readdir(`${GVT4}/name/..`), 'ENOTDIR', 'scandir');
    expectSys(() => host.sysfs.write(`${GVT4}/create/.`, uuidN(2)), 'ENOTDIR', 'open');
    expect(host.sysfs.exists(`${GVT4}/create/..`)).toBe(false);
  });

  it('relative paths and the empty path → ENOENT (the API takes absolute paths)', () => {
    expectSys(() => host.sysfs.stat(''), 'ENOENT', 'stat');
    expectSys(() => host.sysfs.stat('sys/devices'), 'ENOENT', 'stat');
  });

  it('stat follows links, lstat does not; inodes are stable and shared by every path to a node', () => {
    const canonical = host.sysfs.stat(`${GVT_PARENT}/${U}`);
    expect(host.sysfs.stat(`/sys/bus/mdev/devices/${U}`).ino).toBe(canonical.ino);
    expect(host.sysfs.stat(`${GVT4}/devices/${U}`).ino).toBe(canonical.ino);
    expect(host.sysfs.stat(`/sys/bus/mdev/devices/${U}/../${U}`).ino).toBe(canonical.ino);
    expect(host.sysfs.lstat(`/sys/bus/mdev/devices/${U}`).ino).not.toBe(canonical.ino);
    expect(host.sysfs.stat(`${GVT4}/name`).ino).not.toBe(host.sysfs.stat(`${GVT4}/create`).ino);
    expect(host.sysfs.stat(`${GVT_PARENT}/${U}`).ino).toBe(canonical.ino);
  });

  it('resolved paths never outlive the device: a cached path answers ENOENT after remove and works again after re-create', () => {
    const remove = `/sys/bus/mdev/devices/${U}/remove`;
    expect(host.sysfs.stat(remove).kind).toBe('file');
    expect(host.sysfs.exists(`${GVT4}/devices/${U}/mdev_type`)).toBe(true);
    host.sysfs.write(remove, '1');
    expectSys(() => host.sysfs.stat(remove), 'ENOENT', 'stat');
    expect(host.sysfs.exists(`${GVT4}/devices/${U}/mdev_type`)).toBe(false);
    host.sysfs.write(`${typeDir(MIXED.mtty, 'mtty-1')}/create`, U);
    expect(host.sysfs.realpath(`/sys/bus/mdev/devices/${U}`)).toBe(`/sys/devices/virtual/mtty/mtty/${U}`);
    expect(host.sysfs.readlink(`/sys/bus/mdev/devices/${U}/mdev_type`)).toBe(
      '../mdev_supported_types/mtty-1',
    );
  });

  it('a removal through the kernel API (not sysfs) also invalidates cached paths', () => {
    const name = `/sys/bus/mdev/devices/${U}/mdev_type/name`;
    expect(host.sysfs.read(name)).toBe('GVTg_V5_4\n');
    host.kernel.remove(U);
    expectSys(() => host.sysfs.read(name), 'ENOENT', 'open');
  });

  it('realpath resolves every link in the path', () => {
    expect(host.sysfs.realpath(`/sys/bus/mdev/devices/${U}/mdev_type`)).toBe(
      `${GVT_PARENT}/mdev_supported_types/i915-GVTg_V5_4`,
    );
    expect(host.sysfs.realpath(`/sys/bus/pci/devices/${MIXED.gvtg}/${U}`)).toBe(`${GVT_PARENT}/${U}`);
    expect(host.sysfs.realpath(`/sys/class/mdev_bus/mtty`)).toBe('/sys/devices/virtual/mtty/mtty');
  });

  it('ELOOP after 40 symlinks in one walk (MAXSYMLINKS counts every link followed, not only nested ones)', () => {
    // bus link (1) + 19 × (mdev_type + devices/<uuid>) (38) + mdev_type (1) = 40 links: allowed.
    const forty = `/sys/bus/mdev/devices/${U}${`/mdev_type/devices/${U}`.repeat(19)}/mdev_type`;
    expect(host.sysfs.realpath(forty)).toBe(`${GVT_PARENT}/mdev_supported_types/i915-GVTg_V5_4`);
    // One more (devices/<uuid>) is the 41st → ELOOP.
    expectSys(() => host.sysfs.stat(`${forty}/devices/${U}`), 'ELOOP', 'stat');
    expectSys(() => host.sysfs.read(`${forty}/devices/${U}/remove`), 'ELOOP', 'open');
    expect(host.sysfs.exists(`${forty}/devices/${U}`)).toBe(false);
    // lstat does not follow the final link, so the same path has 40 and is fine.
    expect(host.sysfs.lstat(`${forty}/devices/${U}`).kind).toBe('link');
  });

  it('PCI parents on another root bus sit under /sys/devices/pci<domain>:<bus>', () => {
    expect(host.sysfs.readlink(`/sys/class/mdev_bus/${MIXED.vgpu}`)).toBe(
      '../../devices/pci0000:01/0000:01:00.0',
    );
    expect(host.sysfs.readdir('/sys/devices')).toEqual(['virtual', 'pci0000:00', 'pci0000:01']);
    expect(host.sysfs.readdir('/sys/bus/pci/devices')).toEqual([
      MIXED.gvtg,
      MIXED.aggr,
      MIXED.vgpu,
      MIXED.counted,
    ]);
  });
});
