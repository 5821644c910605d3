import { type Errno, fail } from '../../core/result.ts';
import { isPciId, isToken, logQuote } from './facts-format.ts';
import type { PolicyContext, VersionPolicy } from './policy.ts';
import { sysfsStreq } from './sysfs-streq.ts';
import { parseCount } from './version.ts';

/**
 * Resource equivalence under aggregation (kernel.md §2.4, R9; ecosystem.md §3.5, §4.6 item 2): two
 * devices are compatible when they hold the same amount of the same resource family on the same
 * hardware, whatever type they were created from — Yan Zhao's GVTg_V5_2×1 ≈ GVTg_V5_4×2 ≈ GVTg_V5_8×4.
 *
 * Facts `properties` read:
 * - `family`: resource family token; default: the type name without a trailing `_<digits>`
 *   (`GVTg_V5_4` → `GVTg_V5`);
 * - `units`: resource units one instance of this type holds, positive decimal (default 1);
 *   e.g. GVTg_V5_8 = 1, GVTg_V5_4 = 2, GVTg_V5_2 = 4;
 * - `aggregate`: instances aggregated into the device (`aggregate=N` at create, §2.4), positive
 *   decimal (default 1). On the type node (R2) it is the type's default of 1.
 * Malformed facts: ENODEV.
 *
 * String: `<vendor>-<device>-<family>*<units × aggregate>`, e.g. `8086-193b-GVTg_V5*4`; compared
 * with sysfs_streq like GVT-g's (§2.3).
 */
export const aggregatePolicy: VersionPolicy = {
  name: 'aggregate',
  description: 'aggregation: same hardware and resource family, same total units (type x aggregate)',
  show: (ctx) => aggregateIdentity(ctx),
  store(ctx, written) {
    const local = aggregateIdentity(ctx);
    if (typeof local !== 'string')
      return fail('ENODEV', `local type cannot migrate: ${local.reason ?? local.errno}`);
    if (sysfsStreq(local, written)) return true;
    return fail('EINVAL', `resources differ: local ${logQuote(local)}, written ${logQuote(written)}`);
  },
};

function aggregateIdentity(ctx: PolicyContext): string | Errno {
  const { facts } = ctx;
  const p = facts.properties;
  const family = p['family'] ?? facts.typeName.replace(/_\d+$/, '');
  const units = parseCount(p['units'] ?? '1');
  const aggregate = parseCount(p['aggregate'] ?? '1');
  if (!isPciId(facts.vendorId) || !isPciId(facts.deviceId)) return fail('ENODEV', 'vendor/device id not hex');
  if (!isToken(family) || family.includes('*')) return fail('ENODEV', 'resource family is not a token');
  if (units === undefined || units === 0)
    return fail('ENODEV', "property 'units' must be a positive integer");
  if (aggregate === undefined || aggregate === 0)
    return fail('ENODEV', "property 'aggregate' must be positive");
  const total = units * aggregate;
  if (!Number.isSafeInteger(total)) return fail('ENODEV', 'units x aggregate too large');
  return `${facts.vendorId}-${facts.deviceId}-${family}*${total}`;
}
