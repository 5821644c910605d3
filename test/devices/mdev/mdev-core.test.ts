import { beforeEach, describe, expect, it } from 'vitest';
import { isErrno } from '../../../core/result.ts';
import type { MdevType } from '../../../devices/mdev-type.ts';
import type { Host } from '../../../sysfs/host.ts';
import { loadMixedWorld, MIXED, uuidN } from '../../helpers/scenarios.ts';

describe('devices/mdev-core: the kernel API behind sysfs', () => {
  let host: Host;
  let mtty1: MdevType;
  beforeEach(async () => {
    host = (await loadMixedWorld()).host('h');
    const type = host.kernel.parents.get(MIXED.mtty)?.types.get('mtty-1');
    if (type === undefined) throw new Error('mtty-1 missing');
    mtty1 = type;
  });

  it('create() takes a canonical UUID and returns the device; sysfs shows it at once', () => {
    const device = host.kernel.create(mtty1, uuidN(1), { aggregate: 1 });
    expect(isErrno(device)).toBe(false);
    if (isErrno(device)) return;
    expect(device.uuid).toBe(uuidN(1));
    expect(device.type).toBe(mtty1);
    expect(device.parent.name).toBe('mtty');
    expect(device.units).toBe(1);
    expect(host.kernel.devices.get(uuidN(1))).toBe(device);
    expect(host.sysfs.readdir('/sys/bus/mdev/devices')).toEqual([uuidN(1)]);
    expect(mtty1.availableInstances).toBe(23);
  });

  it('create() applies the same EEXIST / capacity checks as the sysfs path', () => {
    host.kernel.create(mtty1, uuidN(1), { aggregate: 1 });
    const dup = host.kernel.create(mtty1, uuidN(1), { aggregate: 1 });
    expect(isErrno(dup) && dup.errno).toBe('EEXIST');
  });

  it('hooks run after create and before release; events carry host, parent, type, uuid', () => {
    const log: string[] = [];
    host.kernel.onDeviceCreated((d) => log.push(`hook+ ${d.uuid} ${host.kernel.devices.has(d.uuid)}`));
    host.kernel.onDeviceRemoved((d) => log.push(`hook- ${d.uuid} ${host.kernel.devices.has(d.uuid)}`));
    host.kernel.bus.on('mdev:created', (e) => log.push(`created ${e.host}/${e.parent}/${e.type}/${e.uuid}`));
    host.kernel.bus.on('mdev:removed', (e) => log.push(`removed ${e.host}/${e.parent}/${e.type}/${e.uuid}`));
    host.sysfs.write('/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create', uuidN(1));
    host.sysfs.write(`/sys/bus/mdev/devices/${uuidN(1)}/remove`, '1');
    expect(log).toEqual([
      `hook+ ${uuidN(1)} true`,
      `created h/mtty/mtty-1/${uuidN(1)}`,
      `hook- ${uuidN(1)} true`,
      `removed h/mtty/mtty-1/${uuidN(1)}`,
    ]);
  });

  it('registering a parent name twice throws (a setup bug, not an errno)', () => {
    const parent = host.kernel.parents.get(MIXED.mtty);
    if (parent === undefined) throw new Error('no mtty');
    expect(() => host.kernel.registerParent(parent.driver, parent.config)).toThrow(/already registered/);
  });

  it('unregisterParent of an unknown name is a no-op', () => {
    expect(() => host.kernel.unregisterParent('nope')).not.toThrow();
    expect(host.kernel.parents.size).toBe(5);
  });

  it('type ids are `<driver string>-<sysfs name>` (kernel.md §1.2)', () => {
    const ids = [...host.kernel.parents.values()].map((p) => [...p.types.keys()]);
    expect(ids).toEqual([
      ['mtty-1', 'mtty-2'],
      ['i915-GVTg_V5_1', 'i915-GVTg_V5_2', 'i915-GVTg_V5_4', 'i915-GVTg_V5_8'],
      ['i915-GVTg_V5_1', 'i915-GVTg_V5_2', 'i915-GVTg_V5_4', 'i915-GVTg_V5_8'],
      ['nvidia-35', 'nvidia-36', 'nvidia-37', 'nvidia-155', 'nvidia-41'],
      ['i915-GVTg_V5_1', 'i915-GVTg_V5_2', 'i915-GVTg_V5_4', 'i915-GVTg_V5_8'],
    ]);
  });
});
