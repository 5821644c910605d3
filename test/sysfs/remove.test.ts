import { beforeEach, describe, expect, it } from 'vitest';
import { isErrno } from '../../core/result.ts';
import type { Host } from '../../sysfs/host.ts';
import { expectSys } from '../helpers/errors.ts';
import { loadMixedWorld, MIXED, typeDir, uuidN } from '../helpers/scenarios.ts';

const U = uuidN(1);
const MTTY2 = typeDir(MIXED.mtty, 'mtty-2');
const REMOVE = `/sys/bus/mdev/devices/${U}/remove`;

describe('kernel.md §1.4 remove_store: kstrtoul(buf, 0)', () => {
  let host: Host;
  const alive = () => host.sysfs.exists(`/sys/bus/mdev/devices/${U}`);
  const avail = () => host.sysfs.read(`${MTTY2}/available_instances`);

  beforeEach(async () => {
    host = (await loadMixedWorld()).host('h');
    host.sysfs.write(`${MTTY2}/create`, U);
    expect(avail()).toBe('11\n');
  });

  it.each([['0'], ['0\n'], ['00'], ['+0'], ['0x0'], ['0\0junk']])(
    '%j is a successful no-op that returns the count',
    (text) => {
      expect(host.sysfs.write(REMOVE, text)).toBe(text.length);
      expect(alive()).toBe(true);
      expect(avail()).toBe('11\n');
    },
  );

  it.each([['1'], ['1\n'], ['0x1'], ['+1'], ['2'], ['010'], ['18446744073709551615'], ['1\0junk']])(
    '%j destroys the device, returns the whole count and frees its capacity',
    (text) => {
      expect(host.sysfs.write(REMOVE, text)).toBe(text.length);
      expect(alive()).toBe(false);
      expect(host.sysfs.readdir('/sys/bus/mdev/devices')).toEqual([]);
      expect(host.sysfs.readdir(`${MTTY2}/devices`)).toEqual([]);
      expect(host.sysfs.exists(`/sys/devices/virtual/mtty/mtty/${U}`)).toBe(false);
      expect(avail()).toBe('12\n');
    },
  );

  it.each([['yes'], ['-1'], [' 1'], ['1 '], ['1\n\n'], ['0x'], ['08'], ['1.0'], ['\n'], ['\0'], ['\u00001']])(
    'garbage %j → EINVAL, device kept',
    (text) => {
      expectSys(() => host.sysfs.write(REMOVE, text), 'EINVAL', 'write', REMOVE);
      expect(alive()).toBe(true);
    },
  );

  it('overflow of unsigned long (2^64) → EINVAL, not ERANGE: remove_store maps every kstrtoul() < 0 to -EINVAL', () => {
    // drivers/vfio/mdev/mdev_sysfs.c: `if (kstrtoul(buf, 0, &val) < 0) return -EINVAL;`
    const e = expectSys(() => host.sysfs.write(REMOVE, '18446744073709551616'), 'EINVAL', 'write', REMOVE);
    expect(e.errno).toBe(22);
    expectSys(() => host.sysfs.write(REMOVE, '0x10000000000000000\n'), 'EINVAL', 'write');
    expect(alive()).toBe(true);
  });

  it('works through every path to the device: bus link, parent dir, type devices/ link', () => {
    host.sysfs.write(`${MTTY2}/create`, uuidN(2));
    host.sysfs.write(`${MTTY2}/create`, uuidN(3));
    expect(host.sysfs.write(`/sys/devices/virtual/mtty/mtty/${uuidN(2)}/remove`, '1')).toBe(1);
    expect(host.sysfs.write(`${MTTY2}/devices/${uuidN(3)}/remove`, '1')).toBe(1);
    expect(host.sysfs.write(REMOVE, '1')).toBe(1);
    expect(host.sysfs.readdir('/sys/bus/mdev/devices')).toEqual([]);
  });

  it('after removal the file is gone: a second write → ENOENT at open', () => {
    host.sysfs.write(REMOVE, '1');
    expectSys(() => host.sysfs.write(REMOVE, '1'), 'ENOENT', 'open', REMOVE);
  });

  it('ENODEV via the kernel API: removing a device that is already gone', () => {
    expect(host.kernel.remove(U)).toBe(true);
    const again = host.kernel.remove(U);
    expect(isErrno(again) && again.errno).toBe('ENODEV');
    const never = host.kernel.remove(uuidN(404));
    expect(isErrno(never) && never.errno).toBe('ENODEV');
  });

  it('ENODEV while the parent is unregistering: write "1" → ENODEV, device kept; "0" still succeeds', () => {
    const parent = host.kernel.parents.get('mtty');
    if (parent === undefined) throw new Error('no mtty parent');
    parent.unregistering = true;
    expectSys(() => host.sysfs.write(REMOVE, '1'), 'ENODEV', 'write', REMOVE);
    expect(alive()).toBe(true);
    expect(host.sysfs.write(REMOVE, '0')).toBe(1);
  });

  it('kernel.md §1.1: unregisterParent removes every child, then the types; the class link goes too', () => {
    host.sysfs.write(`${typeDir(MIXED.gvtg, 'i915-GVTg_V5_8')}/create`, uuidN(7));
    const events: string[] = [];
    host.kernel.bus.on('mdev:removed', (e) => events.push(`removed ${e.uuid}`));
    host.kernel.bus.on('mdev:parent-unregistered', (e) => events.push(`unregistered ${e.parent}`));
    host.kernel.unregisterParent('mtty');
    expect(events).toEqual([`removed ${U}`, 'unregistered mtty']);
    expect(host.sysfs.readdir('/sys/bus/mdev/devices')).toEqual([uuidN(7)]);
    expect(host.sysfs.exists('/sys/class/mdev_bus/mtty')).toBe(false);
    expect(host.sysfs.exists('/sys/devices/virtual/mtty')).toBe(false);
    expect(host.sysfs.readdir('/sys/class/mdev_bus')).toEqual([
      MIXED.gvtg,
      MIXED.aggr,
      MIXED.vgpu,
      MIXED.counted,
    ]);
  });

  it('remove is write-only (0200) and the device has no other core attribute besides mdev_type', () => {
    expect(host.sysfs.stat(REMOVE).mode).toBe(0o200);
    expect(host.sysfs.readdir(`/sys/bus/mdev/devices/${U}`)).toEqual(['mdev_type', 'remove', 'vendor']);
  });
});
