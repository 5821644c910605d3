import { fail } from '../../core/result.ts';
import { exactPolicy } from './exact.ts';
import type { VersionPolicy } from './policy.ts';

/**
 * DELIBERATELY BROKEN (a checker fixture). The exact rule, but every second store() on the same
 * instance inverts its verdict (a hidden toggle, no clock involved). Userspace reads one answer per
 * write (kernel.md §2.2 R3), so the same question must always get the same answer.
 * A factory: each instance has its own toggle.
 */
export function createBrokenNondeterministicPolicy(): VersionPolicy {
  let calls = 0;
  return {
    name: 'broken-nondeterministic',
    description: 'BROKEN: exact, but every second store() on an instance inverts the verdict',
    show: (ctx) => exactPolicy.show(ctx),
    store(ctx, written) {
      calls += 1;
      const verdict = exactPolicy.store(ctx, written);
      if (calls % 2 === 1) return verdict;
      return verdict === true ? fail('EINVAL', 'toggle') : true;
    },
  };
}
