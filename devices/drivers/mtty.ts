import type { VendorDriver } from '../driver.ts';
import { createMttyMigration } from '../state/mtty-driver.ts';

/** MAX_MTTYS in samples/vfio-mdev/mtty.c: ports shared by both types (kernel.md §5.1). */
export const MTTY_MAX_PORTS = 24;

/**
 * The kernel's mtty sample: a virtual parent `/sys/devices/virtual/mtty/mtty`, types `mtty-1`
 * (1 port) and `mtty-2` (2 ports) drawing on one 24-port pool, `available_instances` =
 * free ports / ports per device, ENOSPC from probe when short, no `description` file.
 */
export const mttyDriver: VendorDriver = {
  name: 'mtty',
  driverString: 'mtty',
  deviceApi: 'vfio-pci',
  bus: 'virtual',
  defaultLocation: { bus: 'virtual', className: 'mtty', name: 'mtty' },
  defaultSoftwareVersion: '1.0.0',
  // samples/vfio-mdev/mtty.c presents PCI 4348:3253 to the guest (kernel.md §5.1).
  virtualPciId: { vendorId: '4348', deviceId: '3253' },
  defaultPolicy: 'software-version',
  migration: (device, env) =>
    createMttyMigration({ nrPorts: device.type.spec.units === 2 ? 2 : 1, rng: env.rng }),
  validateOptions: (options) => (Object.keys(options).length > 0 ? 'mtty takes no options' : undefined),
  acceptsCreateParams: false,
  types: () => [
    { sysfsName: '1', prettyName: 'Single port serial', units: 1 },
    { sysfsName: '2', prettyName: 'Dual port serial', units: 2 },
  ],
  capacity: () => ({ kind: 'pool', total: MTTY_MAX_PORTS, exhaustedErrno: 'ENOSPC' }),
  deviceAttributes: (device) => [
    { name: 'sample_mdev_dev', group: 'vendor', show: () => `This is MDEV ${device.uuid}\n` },
  ],
};
