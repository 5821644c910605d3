import { fail } from '../../core/result.ts';
import { exactPolicy } from './exact.ts';
import type { VersionPolicy } from './policy.ts';

/**
 * DELIBERATELY BROKEN (a checker fixture). The exact rule, but the first refused write latches a
 * "tainted" flag and every later write gets EBUSY — state kept between calls, so one stray write
 * (a probe, another vendor's string) changes the answer for everyone after it. The attribute
 * answers a question about the type (kernel.md §2.2 R11), it is not a session.
 * A factory: each instance has its own latch.
 */
export function createBrokenMutatesPolicy(): VersionPolicy {
  let tainted = false;
  return {
    name: 'broken-mutates',
    description: 'BROKEN: exact, but after one refused write every later write gets EBUSY',
    show: (ctx) => exactPolicy.show(ctx),
    store(ctx, written) {
      if (tainted) return fail('EBUSY', 'tainted by an earlier refused write');
      const verdict = exactPolicy.store(ctx, written);
      if (verdict !== true) tainted = true;
      return verdict;
    },
  };
}
