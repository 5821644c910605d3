import { exactPolicy } from './exact.ts';
import type { VersionPolicy } from './policy.ts';

/**
 * DELIBERATELY BROKEN (a checker fixture). The exact rule behind a strict ASCII "decoder" that
 * throws on any byte ≥ 0x80 instead of refusing it. The string is ASCII by contract (kernel.md
 * §2.2 R5) but store() is reachable with any bytes; a refusal must be an errno, never a crash.
 */
export const brokenThrowsNonAsciiPolicy: VersionPolicy = {
  name: 'broken-throws-non-ascii',
  description: 'BROKEN: exact, but throws a RangeError on a non-ASCII byte',
  show: (ctx) => exactPolicy.show(ctx),
  store(ctx, written) {
    for (let i = 0; i < written.length; i++) {
      const code = written.charCodeAt(i);
      if (code > 0x7f) throw new RangeError(`non-ASCII byte 0x${code.toString(16)} at offset ${i}`);
    }
    return exactPolicy.store(ctx, written);
  },
};
