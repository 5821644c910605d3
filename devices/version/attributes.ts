import { type Errno, fail } from '../../core/result.ts';
import { type Attribute, cString } from '../attribute.ts';
import type { MdevDevice } from '../mdev-device.ts';
import type { MdevType } from '../mdev-type.ts';
import type { Parent } from '../parent.ts';
import { splitAggregate } from './aggregate-suffix.ts';
import { policyContext } from './facts.ts';

/** R5 (kernel.md §2.2): the string is ASCII and at most PATH_MAX long. */
const PATH_MAX = 4096;

/** The attribute's name per revision: v2 called it `version`, v3+ `migration_version` (§2.1). */
export function versionAttributeName(parent: Parent): string | undefined {
  const setting = parent.config.migration;
  if (setting === false) return undefined;
  return setting.revision === 'v2' ? 'version' : 'migration_version';
}

/**
 * The type-node attribute (R2): read gives the policy's opaque string plus newline, or its errno
 * (R6: the type cannot migrate); write answers compatibility with the byte count or the policy's
 * errno (R3, R6). It never looks at capacity (R11) — the policy decides alone.
 */
export function typeVersionAttribute(type: MdevType): Attribute<MdevType> | undefined {
  const name = versionAttributeName(type.parent);
  if (name === undefined) return undefined;
  return {
    name,
    show: (t) => showFor(t),
    store: (t, buf) => answer(buf, (text) => acceptOnType(t, text)),
  };
}

/**
 * Instance-level attributes: v5's `migration_version` under the device node (R9) and, for
 * drivers with create parameters, design A's instance string or design B's `create_parameters`.
 */
export function deviceVersionAttributes(device: MdevDevice): Attribute<MdevDevice>[] {
  const parent = device.parent;
  const setting = parent.config.migration;
  if (setting === false) return [];
  const aggregating = parent.driver.acceptsCreateParams;
  const design = setting.aggregation ?? 'B';
  const attrs: Attribute<MdevDevice>[] = [];
  if (setting.revision === 'v5' || (aggregating && design === 'A')) {
    attrs.push({
      // The device-node copy carries the revision's name, like the type's (v2 says `version`).
      name: setting.revision === 'v2' ? 'version' : 'migration_version',
      show: (d) => {
        const base = showFor(d.type);
        if (typeof base !== 'string' || !aggregating) return base;
        return `${base.slice(0, -1)},aggregate=${d.params.aggregate}\n`;
      },
      store: (d, buf) => answer(buf, (text) => acceptOnDevice(d, text)),
    });
  }
  if (aggregating && design === 'B') {
    attrs.push({ name: 'create_parameters', show: (d) => `aggregate=${d.params.aggregate}\n` });
  }
  return attrs;
}

function showFor(type: MdevType): string | Errno {
  const policy = type.parent.policy;
  const text = policy.show(policyContext(type));
  return typeof text === 'string' ? `${text}\n` : text;
}

/** Common store() gate: C string, ASCII only, PATH_MAX (R5), then the driver's verdict. */
function answer(buf: string, decide: (text: string) => true | Errno): number | Errno {
  const text = cString(buf);
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return fail('EINVAL', 'migration version must be ASCII (R5)');
  }
  if (text.length > PATH_MAX) return fail('EINVAL', 'migration version longer than PATH_MAX (R5)');
  const verdict = decide(text);
  return verdict === true ? buf.length : verdict;
}

function acceptOnType(type: MdevType, text: string): true | Errno {
  const parent = type.parent;
  if (!parent.driver.acceptsCreateParams) return parent.policy.store(policyContext(type), text);
  const design = parent.config.migration === false ? 'B' : (parent.config.migration.aggregation ?? 'B');
  const split = splitAggregate(text);
  if (split === undefined) return fail('EINVAL', 'malformed aggregate parameter');
  return design === 'B'
    ? acceptSameType(type, split.base, split.aggregate)
    : acceptEquivalent(type, split.base, split.aggregate);
}

function acceptOnDevice(device: MdevDevice, text: string): true | Errno {
  const type = device.type;
  if (!device.parent.driver.acceptsCreateParams)
    return device.parent.policy.store(policyContext(type, device), text);
  const split = splitAggregate(text);
  if (split === undefined) return fail('EINVAL', 'malformed aggregate parameter');
  const design =
    device.parent.config.migration === false ? 'B' : (device.parent.config.migration.aggregation ?? 'B');
  const units = design === 'B' ? split.aggregate : sourceUnits(type.parent, split.base, split.aggregate);
  if (typeof units !== 'number') return units;
  const want = design === 'B' ? device.params.aggregate : type.spec.units * device.params.aggregate;
  if (design === 'B') {
    const same = type.parent.policy.store(policyContext(type), split.base);
    if (same !== true) return same;
  }
  return units === want ? true : fail('EINVAL', `instance holds ${want} units, source ${units}`);
}

/** Design B (Alex Williamson): same type, and the target type can be created with aggregate=N. */
function acceptSameType(type: MdevType, base: string, aggregate: number): true | Errno {
  const verdict = type.parent.policy.store(policyContext(type), base);
  if (verdict !== true) return verdict;
  const max = type.spec.maxAggregation ?? 1;
  return aggregate <= max
    ? true
    : fail('EINVAL', `aggregate=${aggregate} above ${type.id}'s aggregation ${max}`);
}

/**
 * Design A (instance string): any type of this parent holding the same resources is compatible —
 * the driver finds the source type its policy accepts, then checks units × N divides evenly into
 * this type within its aggregation limit (V5_2×1 ≈ V5_4×2 ≈ V5_8×4).
 */
function acceptEquivalent(type: MdevType, base: string, aggregate: number): true | Errno {
  const units = sourceUnits(type.parent, base, aggregate);
  if (typeof units !== 'number') return units;
  const per = type.spec.units;
  const n = units / per;
  const max = type.spec.maxAggregation ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    return fail('EINVAL', `${units} units do not fit ${type.id} (×1..${max} of ${per})`);
  }
  return true;
}

function sourceUnits(parent: Parent, base: string, aggregate: number): number | Errno {
  let refusal: Errno | undefined;
  for (const candidate of parent.types.values()) {
    const verdict = parent.policy.store(policyContext(candidate), base);
    if (verdict === true) return candidate.spec.units * aggregate;
    refusal ??= verdict;
  }
  return refusal ?? fail('EINVAL', 'no type of this parent matches the source version');
}
