import { BUILTIN_DRIVERS } from '../drivers/registry.ts';
import type { VersionFacts } from './policy.ts';

/**
 * The default version policy of each built-in driver (read from the driver itself, so there is
 * one source of truth) and sample facts for it, the way the driver would fill them in on a
 * typical host. The policy checker generates its cases around these.
 */
export const DRIVER_POLICY: Readonly<Record<string, string>> = Object.fromEntries(
  [...BUILTIN_DRIVERS].map(([name, driver]) => [name, driver.defaultPolicy]),
);

const gvtg = (deviceId: string, typeName: string, softwareVersion: string): VersionFacts => ({
  driver: 'gvtg',
  vendorId: '8086',
  deviceId,
  typeId: `i915-${typeName}`,
  typeName,
  softwareVersion,
  properties: {},
});

export const DRIVER_SAMPLE_FACTS: Readonly<Record<string, readonly VersionFacts[]>> = {
  // The seed's example is 8086-193b-i915-GVTg_V5_4, refused by a 191b parent (ecosystem.md §4.2).
  gvtg: [
    gvtg('193b', 'GVTg_V5_4', '1.0.0'),
    gvtg('193b', 'GVTg_V5_8', '1.0.0'),
    gvtg('191b', 'GVTg_V5_4', '1.0.0'),
    gvtg('591d', 'GVTg_V5_8', '1.2.0'),
  ],
  // samples/vfio-mdev/mtty.c: PCI 4348:3253, types mtty-1 / mtty-2, stream version 1.0 (kernel.md §5).
  mtty: [1, 2].map((ports) => ({
    driver: 'mtty',
    vendorId: '4348',
    deviceId: '3253',
    typeId: `mtty-${ports}`,
    typeName: `${ports}`,
    softwareVersion: '1.0.0',
    properties: {},
  })),
  // NVIDIA-like boards (ecosystem.md §4.3): H100 PCIe, strict branch; H100 NVL accepting 550..570.
  vgpu: [
    {
      driver: 'vgpu',
      vendorId: '10de',
      deviceId: '2331',
      typeId: 'nvidia-1040',
      typeName: '1040',
      softwareVersion: '550.54.14',
      properties: { board: 'H100-80GB-PCIe', ecc: 'on' },
    },
    {
      driver: 'vgpu',
      vendorId: '10de',
      deviceId: '2321',
      typeId: 'nvidia-1100',
      typeName: '1100',
      softwareVersion: '570.124.6',
      properties: { board: 'H100-94GB-NVL', ecc: 'off', branch: '570', branchMin: '550', branchMax: '570' },
    },
  ],
  // Aggregation (kernel.md §2.4): GVTg_V5_8×4 ≈ GVTg_V5_4×2 ≈ GVTg_V5_2×1.
  aggr: [
    { ...gvtg('193b', 'GVTg_V5_8', '1.0.0'), driver: 'aggr', properties: { units: '1', aggregate: '4' } },
    { ...gvtg('193b', 'GVTg_V5_4', '1.0.0'), driver: 'aggr', properties: { units: '2', aggregate: '2' } },
    { ...gvtg('193b', 'GVTg_V5_2', '1.0.0'), driver: 'aggr', properties: { units: '4' } },
  ],
};

/** Every sample, all drivers, in a stable order. */
export function allSampleFacts(): readonly VersionFacts[] {
  return Object.values(DRIVER_SAMPLE_FACTS).flat();
}
