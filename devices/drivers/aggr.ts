import { fail } from '../../core/result.ts';
import { aggregatedInstancesAttribute } from '../core-attributes.ts';
import type { VendorDriver } from '../driver.ts';
import { gvtTypeSpecs } from './gvt-types.ts';
import { gvtgDriver } from './gvtg.ts';

/**
 * GVT-g with Zhenyu Wang's "VFIO mdev aggregated resources handling" RFC applied (kernel.md §2.4,
 * never merged): `create` takes `<uuid>,aggregate=N`, each type shows `aggregation` (the largest
 * N) and each device `aggregated_instances`; an instance of V5_n×N takes N times V5_n's share, so
 * V5_2×1, V5_4×2 and V5_8×4 hold the same resources (Yan Zhao's 2020 example).
 */
export const aggrDriver: VendorDriver = {
  ...gvtgDriver,
  name: 'aggr',
  acceptsCreateParams: true,
  types: () => gvtTypeSpecs(true),
  deviceAttributes: () => [aggregatedInstancesAttribute],
  // The RFC parser lets N = 0 through (§2.4); a driver cannot build a zero-sized vGPU, so it
  // refuses here (inference), as it refuses N above the type's `aggregation`.
  probe: (type, params) => {
    const max = type.spec.maxAggregation ?? 1;
    if (params.aggregate < 1 || params.aggregate > max) {
      return fail('EINVAL', `aggregate=${params.aggregate} outside 1..${max} for ${type.id}`);
    }
    return undefined;
  },
};
