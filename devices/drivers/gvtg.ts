import type { VendorDriver } from '../driver.ts';
import { gpuMigration, validateGpuOptions } from './gpu-options.ts';
import { GVT_POOL_UNITS, gvtTypeSpecs } from './gvt-types.ts';

/**
 * Intel GVT-g (i915 `kvmgt`): a PCI GPU parent (00:02.0 on client platforms) whose four vGPU types
 * share the GPU's graphics memory (a pool; GVT refuses with ENOSPC when resources run out).
 */
export const gvtgDriver: VendorDriver = {
  name: 'gvtg',
  driverString: 'i915',
  deviceApi: 'vfio-pci',
  bus: 'pci',
  defaultSoftwareVersion: '1.0.0',
  defaultPolicy: 'exact',
  validateOptions: validateGpuOptions,
  modeledPayload: true,
  migration: gpuMigration,
  acceptsCreateParams: false,
  types: () => gvtTypeSpecs(false),
  capacity: () => ({ kind: 'pool', total: GVT_POOL_UNITS, exhaustedErrno: 'ENOSPC' }),
};
