import type { TypeSpec } from '../driver.ts';

/**
 * GVT-g's vGPU types (drivers/gpu/drm/i915/gvt/vgpu.c `vgpu_types[]`): `GVTg_V5_<n>` where n vGPUs
 * of the type fill the GPU. Low graphics memory is the scarce resource: 512 MiB for guests, in
 * 64 MiB units, so V5_8 takes 1 unit and V5_1 all 8. The description text follows kvmgt's
 * description_show fields (low_gm_size, high_gm_size, fence, resolution, weight).
 */
interface GvtType {
  readonly n: 1 | 2 | 4 | 8;
  readonly lowGmMiB: number;
  readonly highGmMiB: number;
  readonly resolution: string;
}

const GVT_TYPES: readonly GvtType[] = [
  { n: 8, lowGmMiB: 64, highGmMiB: 384, resolution: '1024x768' },
  { n: 4, lowGmMiB: 128, highGmMiB: 512, resolution: '1920x1200' },
  { n: 2, lowGmMiB: 256, highGmMiB: 1024, resolution: '1920x1200' },
  { n: 1, lowGmMiB: 512, highGmMiB: 2048, resolution: '1920x1200' },
];

/** Pool size in 64 MiB low-GM units shared by every type on one GPU. */
export const GVT_POOL_UNITS = 8;
const VGPU_MAX_WEIGHT = 16;
const FENCES_PER_VGPU = 4;

export function gvtTypeSpecs(withAggregation: boolean): TypeSpec[] {
  // Sorted by name as the kernel registers them (V5_1 first) so directory listings read naturally.
  return [...GVT_TYPES]
    .sort((a, b) => a.n - b.n)
    .map((t) => {
      const units = GVT_POOL_UNITS / t.n;
      const description = [
        `low_gm_size: ${t.lowGmMiB}MB`,
        `high_gm_size: ${t.highGmMiB}MB`,
        `fence: ${FENCES_PER_VGPU}`,
        `resolution: ${t.resolution}`,
        `weight: ${VGPU_MAX_WEIGHT / t.n}`,
      ].join('\n');
      const name = `GVTg_V5_${t.n}`;
      const spec: TypeSpec = { sysfsName: name, prettyName: name, description, units };
      return withAggregation ? { ...spec, maxAggregation: GVT_POOL_UNITS / units } : spec;
    });
}
