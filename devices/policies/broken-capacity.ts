import { fail } from '../../core/result.ts';
import { exactPolicy } from './exact.ts';
import type { VersionPolicy } from './policy.ts';

/**
 * DELIBERATELY BROKEN (a checker fixture). GVT-g's exact rule, but a full type refuses with ENOSPC.
 * Compatibility is a property of the type, capacity is a separate question the create step answers
 * (kernel.md §2.2 R11; ecosystem.md §4.6 items 7 vs 1–6), so the verdict must not move with
 * `availableInstances`.
 */
export const brokenCapacityPolicy: VersionPolicy = {
  name: 'broken-capacity',
  description: 'BROKEN: exact, but refuses with ENOSPC when available_instances is 0',
  show: (ctx) => exactPolicy.show(ctx),
  store(ctx, written) {
    if (ctx.availableInstances === 0) return fail('ENOSPC', 'no free instance of this type');
    return exactPolicy.store(ctx, written);
  },
};
