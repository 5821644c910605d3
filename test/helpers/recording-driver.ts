import type { VendorDriver } from '../../devices/driver.ts';
import { loadScenario } from '../../scenarios/load.ts';
import type { World } from '../../sysfs/world.ts';

/** Every store() call the recording driver saw: the buffer exactly as kernfs handed it over. */
export interface StoreCall {
  readonly attr: string;
  readonly buf: string;
}

/**
 * A virtual-parent driver (`rec`, parent `/sys/devices/virtual/rec/rec`, one type `rec-t`) whose
 * type carries probe attributes that record what store() receives, to observe the kernfs rules
 * of kernel.md §8 from the driver's side:
 * - `sink` (rw): store() returns the count it was given (accepts everything);
 * - `half` (w): store() consumes half the buffer (at least 1), forcing short writes;
 * - `echo` (r): show() returns the configured text (to test the one-page read cut).
 */
export function recordingDriver(calls: StoreCall[], echo: () => string = () => 'x\n'): VendorDriver {
  return {
    name: 'rec',
    driverString: 'rec',
    deviceApi: 'vfio-pci',
    bus: 'virtual',
    defaultLocation: { bus: 'virtual', className: 'rec', name: 'rec' },
    defaultSoftwareVersion: '1.0.0',
    defaultPolicy: 'exact',
    acceptsCreateParams: false,
    types: () => [{ sysfsName: 't', units: 1 }],
    capacity: () => ({ kind: 'pool', total: 4, exhaustedErrno: 'ENOSPC' }),
    typeAttributes: () => [
      {
        name: 'sink',
        show: () => `${calls.length}\n`,
        store: (_t, buf) => {
          calls.push({ attr: 'sink', buf });
          return buf.length;
        },
      },
      {
        name: 'half',
        store: (_t, buf) => {
          calls.push({ attr: 'half', buf });
          return Math.max(1, buf.length >> 1);
        },
      },
      { name: 'echo', show: () => echo() },
      {
        name: 'boom',
        show: () => {
          throw new Error('driver bug');
        },
        store: () => {
          throw new Error('driver bug');
        },
      },
    ],
  };
}

export const REC_TYPE = '/sys/class/mdev_bus/rec/mdev_supported_types/rec-t';

/** A world with one host `h` holding only the recording driver's parent. */
export function loadRecordingWorld(calls: StoreCall[], echo?: () => string): Promise<World> {
  return loadScenario(
    { hosts: [{ name: 'h', parents: [{ driver: 'rec', migration: false }] }] },
    { drivers: new Map([['rec', recordingDriver(calls, echo)]]) },
  );
}
