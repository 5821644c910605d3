import { beforeEach, describe, expect, it } from 'vitest';
import type { Host } from '../../../sysfs/host.ts';
import { expectSys } from '../../helpers/errors.ts';
import { loadMixedWorld, MIXED, typeDir, uuidN } from '../../helpers/scenarios.ts';

const VGPU_TYPES = ['nvidia-35', 'nvidia-36', 'nvidia-37', 'nvidia-155', 'nvidia-41'] as const;
/** Board framebuffer 8192 MiB split by each profile's framebuffer (512, 512, 1024, 2048, 8192). */
const VGPU_MAX = ['16\n', '16\n', '8\n', '4\n', '1\n'];

describe('capacity models (driver.ts CapacityModel; kernel.md §1.1, §1.3, §5.1)', () => {
  let host: Host;
  const avail = (dir: string) => host.sysfs.read(`${dir}/available_instances`);
  const vgpu = (t: string) => typeDir(MIXED.vgpu, t);

  beforeEach(async () => {
    host = (await loadMixedWorld()).host('h');
  });

  describe('vgpu: homogeneous per-type counts', () => {
    it('each type starts at its own max_instance; names and descriptions come from the profile', () => {
      expect(host.sysfs.readdir(`/sys/class/mdev_bus/${MIXED.vgpu}/mdev_supported_types`)).toEqual([
        ...VGPU_TYPES,
      ]);
      expect(VGPU_TYPES.map((t) => avail(vgpu(t)))).toEqual(VGPU_MAX);
      expect(host.sysfs.read(`${vgpu('nvidia-41')}/name`)).toBe('GRID M10-8Q\n');
      expect(host.sysfs.read(`${vgpu('nvidia-41')}/description`)).toBe(
        'num_heads=4, frl_config=60, framebuffer=8192M, max_resolution=7680x4320, max_instance=1\n',
      );
    });

    it('one instance of a type sets every other type to 0 and its own to max-1', () => {
      host.sysfs.write(`${vgpu('nvidia-37')}/create`, uuidN(1));
      expect(VGPU_TYPES.map((t) => avail(vgpu(t)))).toEqual(['0\n', '0\n', '7\n', '0\n', '0\n']);
    });

    it('creating another type while one is in use → the driver errno (EINVAL)', () => {
      host.sysfs.write(`${vgpu('nvidia-37')}/create`, uuidN(1));
      expectSys(() => host.sysfs.write(`${vgpu('nvidia-35')}/create`, uuidN(2)), 'EINVAL', 'write');
      expect(host.sysfs.readdir(`${vgpu('nvidia-35')}/devices`)).toEqual([]);
    });

    it('removing the last instance restores every type', () => {
      host.sysfs.write(`${vgpu('nvidia-37')}/create`, uuidN(1));
      host.sysfs.write(`${vgpu('nvidia-37')}/create`, uuidN(2));
      host.sysfs.write(`/sys/bus/mdev/devices/${uuidN(1)}/remove`, '1');
      expect(avail(vgpu('nvidia-35'))).toBe('0\n');
      host.sysfs.write(`/sys/bus/mdev/devices/${uuidN(2)}/remove`, '1');
      expect(VGPU_TYPES.map((t) => avail(vgpu(t)))).toEqual(VGPU_MAX);
      expect(host.sysfs.write(`${vgpu('nvidia-41')}/create`, uuidN(3))).toBe(36);
    });

    it('a type is full at its max_instance: nvidia-41 takes one, the second → EINVAL', () => {
      host.sysfs.write(`${vgpu('nvidia-41')}/create`, uuidN(1));
      expect(avail(vgpu('nvidia-41'))).toBe('0\n');
      expectSys(() => host.sysfs.write(`${vgpu('nvidia-41')}/create`, uuidN(2)), 'EINVAL');
    });

    it('fills nvidia-155 to 4 exactly', async () => {
      host = (await loadMixedWorld()).host('h');
      for (let i = 0; i < 4; i++)
        expect(host.sysfs.write(`${vgpu('nvidia-155')}/create`, uuidN(10 + i))).toBe(36);
      expect(avail(vgpu('nvidia-155'))).toBe('0\n');
      expectSys(() => host.sysfs.write(`${vgpu('nvidia-155')}/create`, uuidN(20)), 'EINVAL');
    });
  });

  describe('gvtg: one pool of 8 low-GM units shared by all types', () => {
    const gvt = (t: string) => typeDir(MIXED.gvtg, t);

    it('V5_n takes 8/n units; available = floor(free / units)', () => {
      host.sysfs.write(`${gvt('i915-GVTg_V5_2')}/create`, uuidN(1));
      host.sysfs.write(`${gvt('i915-GVTg_V5_8')}/create`, uuidN(2));
      expect(['1', '2', '4', '8'].map((n) => avail(gvt(`i915-GVTg_V5_${n}`)))).toEqual([
        '0\n',
        '0\n',
        '1\n',
        '3\n',
      ]);
      host.sysfs.write(`${gvt('i915-GVTg_V5_4')}/create`, uuidN(3));
      expectSys(() => host.sysfs.write(`${gvt('i915-GVTg_V5_4')}/create`, uuidN(4)), 'ENOSPC');
      expect(host.sysfs.write(`${gvt('i915-GVTg_V5_8')}/create`, uuidN(4))).toBe(36);
      expect(avail(gvt('i915-GVTg_V5_8'))).toBe('0\n');
    });
  });

  describe('core counter (`maxInstances` in the scenario): no get_available, per parent', () => {
    it('available_instances is the parent counter for every type', () => {
      expect(['1', '2', '4', '8'].map((n) => avail(typeDir(MIXED.counted, `i915-GVTg_V5_${n}`)))).toEqual([
        '2\n',
        '2\n',
        '2\n',
        '2\n',
      ]);
    });
  });

  describe('parents are independent', () => {
    it('filling mtty leaves gvtg, aggr, vgpu and the counted parent untouched', () => {
      for (let i = 0; i < 24; i++) host.sysfs.write(`${typeDir(MIXED.mtty, 'mtty-1')}/create`, uuidN(i));
      expect(avail(typeDir(MIXED.gvtg, 'i915-GVTg_V5_8'))).toBe('8\n');
      expect(avail(typeDir(MIXED.aggr, 'i915-GVTg_V5_8'))).toBe('8\n');
      expect(avail(vgpu('nvidia-35'))).toBe('16\n');
      expect(avail(typeDir(MIXED.counted, 'i915-GVTg_V5_8'))).toBe('2\n');
    });
  });
});
