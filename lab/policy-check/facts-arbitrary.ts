import fc from 'fast-check';
import type { VersionFacts } from '../../devices/policies/policy.ts';
import { parseCount, parseVersion } from '../../devices/policies/version.ts';

/**
 * Valid facts near a set of samples: start from a sample and change a few fields to values drawn
 * from small domains shared by all samples, so generated hosts often share a device id, a type or
 * a board — the near-collisions where compatibility rules are decided.
 */
export interface FactsDomains {
  readonly vendorIds: readonly string[];
  readonly deviceIds: readonly string[];
  readonly typeNames: readonly string[];
  readonly boards: readonly string[];
}

export function domainsOf(samples: readonly VersionFacts[]): FactsDomains {
  const uniq = (values: readonly string[]) => [...new Set(values)];
  return {
    vendorIds: uniq([...samples.map((f) => f.vendorId), '8086', '10de']),
    deviceIds: uniq([...samples.map((f) => f.deviceId), '193b', '191b']),
    typeNames: uniq(samples.map((f) => f.typeName)),
    boards: uniq([
      ...samples.flatMap((f) => (f.properties['board'] === undefined ? [] : [f.properties['board']])),
      'H100-80GB-PCIe',
      'H100-94GB-NVL',
    ]),
  };
}

/** A sample, then a few of its fields changed. */
export function factsArbitrary(samples: readonly VersionFacts[]): fc.Arbitrary<VersionFacts> {
  const domains = domainsOf(samples);
  return fc.constantFrom(...samples).chain((base) => relatedFacts(base, domains));
}

/** `base` with each field kept (most of the time) or redrawn from its domain. */
export function relatedFacts(base: VersionFacts, domains: FactsDomains): fc.Arbitrary<VersionFacts> {
  return fc
    .record({
      vendorId: maybe(fc.constantFrom(...domains.vendorIds)),
      deviceId: maybe(fc.constantFrom(...domains.deviceIds)),
      typeName: maybe(fc.constantFrom(...domains.typeNames)),
      softwareVersion: maybe(versionNear(base.softwareVersion)),
      properties: propertiesNear(base, domains),
    })
    .map(({ vendorId, deviceId, typeName, softwareVersion, properties }) => {
      const name = typeName ?? base.typeName;
      return {
        driver: base.driver,
        vendorId: vendorId ?? base.vendorId,
        deviceId: deviceId ?? base.deviceId,
        typeId: retype(base, name),
        typeName: name,
        softwareVersion: softwareVersion ?? base.softwareVersion,
        properties,
      };
    });
}

/** `undefined` (keep the base value) three times out of four. Shrinks towards keeping. */
function maybe<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(undefined), weight: 3 },
    { arbitrary: arb, weight: 1 },
  );
}

/** The type-id with the vendor part replaced, when the base type-id is `<driver>-<type name>`. */
function retype(base: VersionFacts, typeName: string): string {
  const suffix = `-${base.typeName}`;
  if (!base.typeId.endsWith(suffix)) return base.typeId;
  return `${base.typeId.slice(0, -suffix.length)}-${typeName}`;
}

function versionNear(text: string): fc.Arbitrary<string> {
  const v = parseVersion(text);
  if (v === undefined) return fc.constant(text);
  return fc
    .record({
      major: fc.oneof(
        { arbitrary: fc.constant(v.major), weight: 4 },
        { arbitrary: fc.constant(v.major + 1), weight: 1 },
      ),
      minor: fc.integer({ min: 0, max: Math.max(v.minor + 2, 4) }),
      bugfix: fc.integer({ min: 0, max: 9 }),
    })
    .map(({ major, minor, bugfix }) => `${major}.${minor}.${bugfix}`);
}

/** Known property keys (range.ts, aggregate.ts) get domain values; unknown keys are kept as they are. */
function propertiesNear(base: VersionFacts, domains: FactsDomains): fc.Arbitrary<Record<string, string>> {
  const p = base.properties;
  const ranged = p['board'] !== undefined || p['branch'] !== undefined;
  const branch = parseCount(p['branch']) ?? parseVersion(base.softwareVersion)?.major ?? 550;
  const steps = [branch - 20, branch - 10, branch, branch + 10, branch + 20].filter((b) => b >= 0);
  return fc
    .record({
      board: p['board'] === undefined ? fc.constant(undefined) : maybe(fc.constantFrom(...domains.boards)),
      ecc: p['ecc'] === undefined ? fc.constant(undefined) : maybe(fc.constantFrom('on', 'off')),
      migration: ranged
        ? fc.oneof(
            { withCrossShrink: true },
            { arbitrary: fc.constant(undefined), weight: 8 },
            { arbitrary: fc.constantFrom('on', 'off'), weight: 1 },
          )
        : fc.constant(undefined),
      window: ranged
        ? maybe(
            fc
              .array(fc.constantFrom(...steps), { minLength: 3, maxLength: 3 })
              .map((t) => [...t].sort((a, b) => a - b)),
          )
        : fc.constant(undefined),
      units: p['units'] === undefined ? fc.constant(undefined) : maybe(fc.constantFrom('1', '2', '4')),
      aggregate:
        p['aggregate'] === undefined ? fc.constant(undefined) : maybe(fc.constantFrom('1', '2', '4')),
    })
    .map(({ board, ecc, migration, window, units, aggregate }) => {
      const out: Record<string, string> = { ...p };
      if (board !== undefined) out['board'] = board;
      if (ecc !== undefined) out['ecc'] = ecc;
      if (migration !== undefined) out['migration'] = migration;
      if (units !== undefined) out['units'] = units;
      if (aggregate !== undefined) out['aggregate'] = aggregate;
      if (window !== undefined) {
        const [lo = branch, mid = branch, hi = branch] = window;
        out['branchMin'] = `${lo}`;
        out['branch'] = `${mid}`;
        out['branchMax'] = `${hi}`;
      }
      return out;
    });
}
