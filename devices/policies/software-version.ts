import { type Errno, fail } from '../../core/result.ts';
import { isPciId, isToken } from './facts-format.ts';
import type { PolicyContext, VersionPolicy } from './policy.ts';
import { storeText } from './sysfs-streq.ts';
import { formatVersion, parseVersion, type SoftwareVersion } from './version.ts';

/**
 * The 2020 structured proposal folded into one opaque string (kernel.md §2.5; ecosystem.md §3.5):
 * same device identity and type, same major, target minor ≥ source minor, bugfix ignored.
 *
 * String: `<vendor>-<device>-<type>-<major>.<minor>.<bugfix>`, where `<type>` is the type-id on
 * v2/v4 parents and the vendor type name on v5 ones (the field GVT-g's v5 string used, §2.3), e.g.
 * `4348-3253-mtty-1-1.0.0`. The version is everything after the last `-`.
 */
export const softwareVersionPolicy: VersionPolicy = {
  name: 'software-version',
  description: 'same identity and major, target minor >= source minor (2020 structured proposal)',
  show(ctx) {
    const local = localVersion(ctx);
    return 'errno' in local ? local : `${local.prefix}-${formatVersion(local.version)}`;
  },
  store(ctx, written) {
    const local = localVersion(ctx);
    if ('errno' in local) return fail('ENODEV', `local type cannot migrate: ${local.reason ?? local.errno}`);
    return acceptsVersion(local, written, (target, source) => target.minor >= source.minor);
  },
};

export interface LocalVersion {
  /** `<vendor>-<device>-<type>` for this revision. */
  readonly prefix: string;
  readonly version: SoftwareVersion;
}

export function localVersion(ctx: PolicyContext): LocalVersion | Errno {
  const { facts } = ctx;
  const type = ctx.revision === 'v5' ? facts.typeName : facts.typeId;
  if (!isPciId(facts.vendorId) || !isPciId(facts.deviceId) || !isToken(type)) {
    return fail('ENODEV', 'identity facts are not printable');
  }
  const version = parseVersion(facts.softwareVersion);
  if (version === undefined) return fail('ENODEV', 'software version is not major.minor.bugfix');
  return { prefix: `${facts.vendorId}-${facts.deviceId}-${type}`, version };
}

/**
 * The shared check: parse the written string, demand the same prefix and major, then ask
 * `minorOk(target, source)`. Every refusal is EINVAL with the reason GVT-g would have logged.
 */
export function acceptsVersion(
  local: LocalVersion,
  written: string,
  minorOk: (target: SoftwareVersion, source: SoftwareVersion) => boolean,
): true | Errno {
  const text = storeText(written);
  const dash = text.lastIndexOf('-');
  const source = dash === -1 ? undefined : parseVersion(text.slice(dash + 1));
  if (source === undefined) return fail('EINVAL', 'wrong format: no trailing major.minor.bugfix');
  if (text.slice(0, dash) !== local.prefix) return fail('EINVAL', 'hardware or type mismatch');
  if (source.major !== local.version.major) return fail('EINVAL', 'software major version differs');
  if (!minorOk(local.version, source)) return fail('EINVAL', 'software minor version not accepted by target');
  return true;
}
