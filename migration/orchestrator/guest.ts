import type { VfioMigrationDevice } from '../../devices/vfio/vfio-device.ts';

interface Throttleable {
  setThrottle(fraction: number): void;
}

/**
 * QEMU's auto-converge throttles the guest's vCPUs, which slows the rate the guest dirties
 * memory (qemu.md §4 item 5). In the simulator the guest's writes to device memory come from the
 * device model, which offers `setThrottle(fraction)` when it has a guest to slow (the GPU model);
 * devices without it (mtty) return undefined: nothing to throttle.
 */
export function guestThrottle(device: VfioMigrationDevice): ((fraction: number) => void) | undefined {
  const driver = device.driver as Partial<Throttleable>;
  if (typeof driver.setThrottle !== 'function') return undefined;
  return (fraction) => driver.setThrottle?.(fraction);
}

/** QEMU's defaults: first step cpu-throttle-initial 20 %, then +10 %, at most 99 %. */
export const THROTTLE_INITIAL = 0.2;
export const THROTTLE_INCREMENT = 0.1;
export const THROTTLE_MAX = 0.99;
/** throttle-trigger-threshold: dirtied more than 50 % of what was sent in the period. */
export const THROTTLE_TRIGGER = 0.5;
