import { fail } from '../../core/result.ts';
import type { VersionPolicy } from './policy.ts';
import { acceptsVersion, localVersion, softwareVersionPolicy } from './software-version.ts';

/**
 * DELIBERATELY BROKEN (a checker fixture). The software-version rule with the minor comparison
 * made strict (target minor > source minor), so a type refuses its own string — the handshake
 * between two identical hosts fails (kernel.md §2.2 R3, R7; §2.5 asks for dest minor ≥ src minor).
 */
export const brokenNotReflexivePolicy: VersionPolicy = {
  name: 'broken-not-reflexive',
  description: 'BROKEN: software-version, but accepts only a strictly older source minor',
  show: (ctx) => softwareVersionPolicy.show(ctx),
  store(ctx, written) {
    const local = localVersion(ctx);
    if ('errno' in local) return fail('ENODEV', 'local type cannot migrate');
    return acceptsVersion(local, written, (target, source) => target.minor > source.minor);
  },
};
