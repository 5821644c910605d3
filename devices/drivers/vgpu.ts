import type { TypeSpec, VendorDriver } from '../driver.ts';
import { gpuMigration, validateGpuOptions } from './gpu-options.ts';

/**
 * An NVIDIA-vGPU-like driver (the real one is out of tree, ecosystem.md §4.3): numbered types
 * `nvidia-<n>` named after GRID profiles, one profile per physical GPU at a time (time-sliced
 * vGPUs are homogeneous), per-type counts from the framebuffer split, and the board, ECC mode and
 * host driver branch as parent properties a version policy may compare. The type numbers and the
 * profile table are modelled on a Tesla M10 GPU, not copied from the vendor's driver.
 */
interface Profile {
  readonly id: number;
  readonly name: string;
  readonly heads: number;
  readonly frl: number;
  readonly framebufferMiB: number;
  readonly maxResolution: string;
}

const BOARD_FRAMEBUFFER_MIB = 8192;

const PROFILES: readonly Profile[] = [
  { id: 35, name: 'GRID M10-0B', heads: 2, frl: 45, framebufferMiB: 512, maxResolution: '2560x1600' },
  { id: 36, name: 'GRID M10-0Q', heads: 2, frl: 60, framebufferMiB: 512, maxResolution: '2560x1600' },
  { id: 37, name: 'GRID M10-1B', heads: 4, frl: 45, framebufferMiB: 1024, maxResolution: '5120x2880' },
  { id: 155, name: 'GRID M10-2B', heads: 4, frl: 45, framebufferMiB: 2048, maxResolution: '5120x2880' },
  { id: 41, name: 'GRID M10-8Q', heads: 4, frl: 60, framebufferMiB: 8192, maxResolution: '7680x4320' },
];

function profileSpec(p: Profile): TypeSpec {
  const maxInstance = BOARD_FRAMEBUFFER_MIB / p.framebufferMiB;
  return {
    sysfsName: String(p.id),
    prettyName: p.name,
    description:
      `num_heads=${p.heads}, frl_config=${p.frl}, framebuffer=${p.framebufferMiB}M, ` +
      `max_resolution=${p.maxResolution}, max_instance=${maxInstance}`,
    units: maxInstance,
  };
}

export const vgpuDriver: VendorDriver = {
  name: 'vgpu',
  driverString: 'nvidia',
  deviceApi: 'vfio-pci',
  bus: 'pci',
  defaultSoftwareVersion: '550.90.0',
  defaultProperties: { board: 'Tesla-M10', ecc: 'off' },
  defaultPolicy: 'range',
  validateOptions: validateGpuOptions,
  modeledPayload: true,
  migration: gpuMigration,
  acceptsCreateParams: false,
  types: () => PROFILES.map(profileSpec),
  capacity: () => ({ kind: 'per-type', homogeneous: true, exhaustedErrno: 'EINVAL' }),
};
