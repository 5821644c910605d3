import { fail } from '../../core/result.ts';
import { logQuote } from './facts-format.ts';
import { identityOf } from './identity.ts';
import type { VersionPolicy } from './policy.ts';
import { sysfsStreq } from './sysfs-streq.ts';

/**
 * GVT-g's rule (kernel.md §2.3): the string is the driver's identity (identity.ts), and a target
 * accepts exactly its own string, compared with sysfs_streq. Mismatch: EINVAL. A type whose identity
 * cannot be printed is not migratable: ENODEV on read and on write.
 */
export const exactPolicy: VersionPolicy = {
  name: 'exact',
  description: "GVT-g: compatible iff the written string equals this type's identity (sysfs_streq)",
  show: (ctx) => identityOf(ctx.facts, ctx.revision),
  store(ctx, written) {
    const local = identityOf(ctx.facts, ctx.revision);
    if (typeof local !== 'string')
      return fail('ENODEV', `local type cannot migrate: ${local.reason ?? local.errno}`);
    if (sysfsStreq(local, written)) return true;
    return fail(
      'EINVAL',
      `migration_version mismatch: local ${logQuote(local)}, written ${logQuote(written)}`,
    );
  },
};
