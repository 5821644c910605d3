import { describe, expect, test } from 'vitest';
import { GpuMigrationDriver } from '../../../devices/state/gpu-driver.ts';
import { guestThrottle } from '../../../migration/orchestrator/guest.ts';
import { gpuPair, mttyPair } from './helpers.ts';

describe('auto-converge reaches the guest through the device model (guest.ts)', () => {
  test("a GPU device's setThrottle() is what the throttle calls; mtty has no guest to slow", async () => {
    const gpu = await gpuPair('vgpu', { dirtyRateMiBps: 8 });
    const device = gpu.src.vfio.open(gpu.uuid);
    const driver = device.driver;
    if (!(driver instanceof GpuMigrationDriver)) throw new Error('not a GPU device');
    const calls: number[] = [];
    const original = driver.setThrottle.bind(driver);
    driver.setThrottle = (fraction: number) => {
      calls.push(fraction);
      original(fraction);
    };
    guestThrottle(device)?.(0.3);
    expect(calls).toEqual([0.3]);
    expect(driver.dirtyProcess.throttle).toBeCloseTo(0.3, 12);

    const mtty = await mttyPair('mtty-1');
    expect(guestThrottle(mtty.src.vfio.open(mtty.uuid))).toBeUndefined();
  });
});
