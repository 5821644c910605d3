import { type Errno, fail } from '../../core/result.ts';
import { isPciId, isToken } from './facts-format.ts';
import type { PolicyContext, VersionPolicy } from './policy.ts';
import { storeText } from './sysfs-streq.ts';
import { parseCount, parseVersion } from './version.ts';

/**
 * NVIDIA-vGPU-like ranges (ecosystem.md §4.3, rule shapes §4.6 items 1, 3, 4): same vGPU type, same
 * physical board, same ECC mode, and the source host driver branch inside the target's window.
 *
 * Facts `properties` read (all plain strings):
 * - `migration`: `'on'` (default) or `'off'`: `'off'` makes the type not migratable (ENODEV);
 * - `board` (required): board SKU token, e.g. `'H100-80GB-PCIe'` (80 GB PCIe ≠ 94 GB NVL, §4.3);
 * - `ecc` (required): `'on'` or `'off'`;
 * - `branch`: this host's driver branch, decimal; default: the major of `softwareVersion`
 *   (NVIDIA's 550.54.14 is branch 550);
 * - `branchMin`, `branchMax`: source branches this host accepts, inclusive, decimal; default: both
 *   equal `branch` (the strict "identical manager version" rule of RHEL 9.4, §4.3).
 * Missing or malformed facts, or a window that excludes the host's own branch, are a misconfigured
 * type: ENODEV on read and write.
 *
 * String (the same on every revision): `v1;vendor=<vid>;type=<type-id>;board=<b>;ecc=<on|off>;branch=<n>`.
 */
export const rangePolicy: VersionPolicy = {
  name: 'range',
  description: 'NVIDIA-like: same type, board and ECC mode; source branch within the target window',
  show(ctx) {
    const local = rangeFacts(ctx);
    if ('errno' in local) return local;
    const { vendor, type, board, ecc, branch } = local;
    return `v1;vendor=${vendor};type=${type};board=${board};ecc=${ecc};branch=${branch}`;
  },
  store(ctx, written) {
    const local = rangeFacts(ctx);
    if ('errno' in local) return fail('ENODEV', `local type cannot migrate: ${local.reason ?? local.errno}`);
    const source = parseRangeString(storeText(written));
    if (source === undefined) return fail('EINVAL', 'wrong format');
    if (source.vendor !== local.vendor || source.type !== local.type)
      return fail('EINVAL', 'vGPU type differs');
    if (source.board !== local.board) return fail('EINVAL', 'physical board differs');
    if (source.ecc !== local.ecc) return fail('EINVAL', 'ECC mode differs');
    if (source.branch < local.branchMin || source.branch > local.branchMax) {
      return fail('EINVAL', `source branch ${source.branch} outside ${local.branchMin}..${local.branchMax}`);
    }
    return true;
  },
};

interface RangeFacts {
  readonly vendor: string;
  readonly type: string;
  readonly board: string;
  readonly ecc: 'on' | 'off';
  readonly branch: number;
  readonly branchMin: number;
  readonly branchMax: number;
}

function rangeFacts(ctx: PolicyContext): RangeFacts | Errno {
  const { facts } = ctx;
  const p = facts.properties;
  const migration = p['migration'] ?? 'on';
  if (migration === 'off') return fail('ENODEV', "property 'migration' is 'off'");
  if (migration !== 'on') return fail('ENODEV', "property 'migration' must be 'on' or 'off'");
  const board = p['board'];
  const ecc = p['ecc'];
  if (!isPciId(facts.vendorId) || !isToken(facts.typeId))
    return fail('ENODEV', 'type identity not printable');
  if (board === undefined || !isToken(board))
    return fail('ENODEV', "property 'board' missing or not a token");
  if (ecc !== 'on' && ecc !== 'off') return fail('ENODEV', "property 'ecc' must be 'on' or 'off'");
  const branch =
    p['branch'] === undefined ? parseVersion(facts.softwareVersion)?.major : parseCount(p['branch']);
  if (branch === undefined) return fail('ENODEV', 'host driver branch unknown');
  const branchMin = p['branchMin'] === undefined ? branch : parseCount(p['branchMin']);
  const branchMax = p['branchMax'] === undefined ? branch : parseCount(p['branchMax']);
  if (branchMin === undefined || branchMax === undefined) return fail('ENODEV', 'branch window malformed');
  if (branch < branchMin || branch > branchMax) return fail('ENODEV', 'own branch outside own window');
  return { vendor: facts.vendorId, type: facts.typeId, board, ecc, branch, branchMin, branchMax };
}

type RangeString = Omit<RangeFacts, 'branchMin' | 'branchMax'>;

const RANGE_STRING = /^v1;vendor=([^;=]*);type=([^;=]*);board=([^;=]*);ecc=(on|off);branch=(\d{1,9})$/;

function parseRangeString(text: string): RangeString | undefined {
  const m = RANGE_STRING.exec(text);
  if (m === null) return undefined;
  const [, vendor = '', type = '', board = '', ecc, branch] = m;
  return { vendor, type, board, ecc: ecc === 'on' ? 'on' : 'off', branch: Number(branch) };
}
