import { type Errno, fail } from '../../core/result.ts';
import { isPciId, isToken } from './facts-format.ts';
import type { Revision, VersionFacts } from './policy.ts';
import { parseVersion } from './version.ts';

/**
 * The identity string GVT-g printed into `migration_version`, per proposal revision:
 * - v2/v4: `<vendor>-<device>-<type-id>`, e.g. `8086-193b-i915-GVTg_V5_4` (ecosystem.md §4.1, §4.2);
 * - v5: `%04x-%04x-%s-%08x` = `<vendor>-<device>-<vgpu type name>-<software version>` (kernel.md §2.3),
 *   e.g. `8086-193b-GVTg_V5_4-00010200` for version 1.2.0.
 * Facts that cannot be printed that way make the type not migratable: ENODEV (kernel.md §2.3 "Read").
 */
export function identityOf(facts: VersionFacts, revision: Revision): string | Errno {
  // Pure in (facts, revision); drivers hand out one frozen facts object per type, so the string
  // is computed once rather than on every read and write of the attribute.
  let byRevision = MEMO.get(facts);
  if (byRevision === undefined) {
    byRevision = new Map();
    MEMO.set(facts, byRevision);
  }
  let identity = byRevision.get(revision);
  if (identity === undefined) {
    identity = computeIdentity(facts, revision);
    byRevision.set(revision, identity);
  }
  return identity;
}

const MEMO = new WeakMap<VersionFacts, Map<Revision, string | Errno>>();

function computeIdentity(facts: VersionFacts, revision: Revision): string | Errno {
  if (!isPciId(facts.vendorId) || !isPciId(facts.deviceId)) {
    return fail('ENODEV', 'vendor/device id is not 4 lower-case hex digits');
  }
  if (revision !== 'v5') {
    if (!isToken(facts.typeId)) return fail('ENODEV', 'type-id is not a printable token');
    return `${facts.vendorId}-${facts.deviceId}-${facts.typeId}`;
  }
  if (!isToken(facts.typeName)) return fail('ENODEV', 'type name is not a printable token');
  const word = versionWord(facts.softwareVersion);
  if (typeof word !== 'number') return word;
  return `${facts.vendorId}-${facts.deviceId}-${facts.typeName}-${word.toString(16).padStart(8, '0')}`;
}

/**
 * The software version as one 32-bit word for `%08x`: major in the high 16 bits, minor and bugfix
 * in one byte each (our choice; GVT-g's patch left the encoding to the driver). Versions that do not
 * fit are refused rather than folded, so two different versions never print the same word.
 */
export function versionWord(text: string): number | Errno {
  const v = parseVersion(text);
  if (v === undefined) return fail('ENODEV', 'software version is not major.minor.bugfix');
  if (v.major > 0xffff || v.minor > 0xff || v.bugfix > 0xff) {
    return fail('ENODEV', 'software version does not fit the %08x word');
  }
  return ((v.major << 16) | (v.minor << 8) | v.bugfix) >>> 0;
}
