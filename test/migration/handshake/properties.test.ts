import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERRNO } from '../../../core/errno.ts';
import { SysError } from '../../../core/sys-error.ts';
import type { Revision } from '../../../devices/policies/policy.ts';
import { checkCompatibility } from '../../../migration/handshake/check.ts';
import type { Verdict } from '../../../migration/handshake/verdict.ts';
import { loadScenario } from '../../../scenarios/load.ts';
import type { World } from '../../../sysfs/world.ts';
import {
  attributeOf,
  DRIVER_CASES,
  type DriverCase,
  devicePath,
  fillParent,
  parentDoc,
  REVISIONS,
  snapshot,
  typePath,
} from './fixtures.ts';

/**
 * Properties of the handshake over every built-in driver × revision × correct built-in policy,
 * checked through real worlds (scenario → sysfs → fs adapter → userspace check), not against the
 * policy objects alone (kernel.md §2.2 R3, R5, R7, R11; §8).
 */
const POLICIES = ['exact', 'software-version', 'range', 'aggregate'] as const;

interface Combo {
  readonly c: DriverCase;
  readonly revision: Revision;
  readonly policy: (typeof POLICIES)[number];
}

/** Per-parent facts a policy may read. Versions stay inside GVT-g v5's %08x word (kernel.md §2.3). */
interface Facts {
  readonly device: 0 | 1;
  readonly version: string;
  readonly board: string;
  readonly ecc: 'on' | 'off';
}

const facts = (max: { major: number; minor: number; bugfix: number }): fc.Arbitrary<Facts> =>
  fc.record({
    device: fc.constantFrom<0 | 1>(0, 1),
    version: fc
      .tuple(
        fc.integer({ min: 0, max: max.major }),
        fc.integer({ min: 0, max: max.minor }),
        fc.integer({ min: 0, max: max.bugfix }),
      )
      .map(([a, b, c]) => `${a}.${b}.${c}`),
    board: fc.constantFrom('Tesla-M10', 'H100-80GB-PCIe'),
    ecc: fc.constantFrom<'on' | 'off'>('on', 'off'),
  });

const DEVICE_IDS: Readonly<Record<string, readonly [string, string]>> = {
  gvtg: ['8086:193b', '8086:191b'],
  aggr: ['8086:193b', '8086:191b'],
  vgpu: ['10de:13bd', '10de:2331'],
  mtty: ['', ''],
};

function doc(x: Combo, f: Facts): Record<string, unknown> {
  const pciId = DEVICE_IDS[x.c.driver]?.[f.device];
  return parentDoc(
    x.c,
    { revision: x.revision, policy: x.policy },
    {
      softwareVersion: f.version,
      properties: { board: f.board, ecc: f.ecc },
      ...(pciId ? { pciId } : {}),
    },
  );
}

function typesOf(world: World, host: string, parent: string): string[] {
  return [...(world.host(host).kernel.parents.get(parent)?.types.keys() ?? [])];
}

/** Every driver case × revision × policy, for properties that must cover them all. */
const COMBOS: readonly Combo[] = DRIVER_CASES.flatMap((c) =>
  REVISIONS.flatMap((revision) => POLICIES.map((policy) => ({ c, revision, policy }))),
);

const label = (x: Combo) => `${x.c.label} ${x.revision} ${x.policy}`;

describe('property: reflexive (a type accepts its own version) — every driver × v2/v4/v5 × policy', () => {
  it('R3, R7: read → write back returns the byte count; the check type→same parent and device→itself say compatible', async () => {
    let runs = 0;
    for (const x of COMBOS) {
      await fc.assert(
        fc.asyncProperty(
          facts({ major: 0xffff, minor: 0xff, bugfix: 0xff }),
          fc.nat(),
          fc.nat(),
          async (f, typePick, aggregatePick) => {
            runs++;
            const world = await loadScenario({ hosts: [{ name: 'h', parents: [doc(x, f)] }] });
            const { sysfs, fs } = world.host('h');
            const attr = attributeOf(x.revision);
            const types = typesOf(world, 'h', x.c.parent);
            for (const type of types) {
              const own = sysfs.read(typePath(x.c.parent, type, attr));
              expect(sysfs.write(typePath(x.c.parent, type, attr), own), `${label(x)} ${type}`).toBe(
                own.length,
              );
              const v = checkCompatibility({ fs, parent: x.c.parent, type }, { fs, parent: x.c.parent });
              expect(v.verdict, `${label(x)} ${type} ${v.errno}`).toBe('compatible');
            }
            // One instance of a picked type (aggr: a picked aggregate=N within the type's aggregation).
            const type = world
              .host('h')
              .kernel.parents.get(x.c.parent)
              ?.types.get(types[typePick % types.length] ?? '');
            if (type === undefined) throw new Error('no type');
            const n = 1 + (aggregatePick % (type.spec.maxAggregation ?? 1));
            const uuid = '00000000-0000-4000-8000-0000000000a1';
            sysfs.write(typePath(x.c.parent, type.id, 'create'), n > 1 ? `${uuid},aggregate=${n}` : uuid);
            const asType = checkCompatibility({ fs, uuid }, { fs, parent: x.c.parent });
            expect(asType.verdict, `${label(x)} device ${type.id}×${n}`).toBe('compatible');
            if (sysfs.exists(devicePath(uuid, 'migration_version'))) {
              const own = sysfs.read(devicePath(uuid, 'migration_version'));
              expect(sysfs.write(devicePath(uuid, 'migration_version'), own)).toBe(own.length);
              const asInstance = checkCompatibility({ fs, uuid }, { fs, uuid }, { mode: 'instance' });
              expect(asInstance.verdict, `${label(x)} instance ${type.id}×${n}`).toBe('compatible');
            }
          },
        ),
        { numRuns: 3 },
      );
    }
    // 5 driver cases × 3 revisions × 4 policies, 3 drawn fact sets each.
    expect(runs).toBe(180);
  });
});

describe('property: capacity independence (R11) — same verdicts from empty to full pools, every driver × revision × policy', () => {
  it('R11: every type-to-type verdict between two parents is unchanged by any sequence of creates, up to full', async () => {
    const tally = { compatible: 0, incompatible: 0, 'not-migratable': 0 };
    for (const x of COMBOS) {
      await fc.assert(
        fc.asyncProperty(
          facts({ major: 2, minor: 2, bugfix: 1 }),
          facts({ major: 2, minor: 2, bugfix: 1 }),
          fc.array(fc.record({ host: fc.constantFrom('a', 'b'), type: fc.nat(), n: fc.nat() }), {
            maxLength: 8,
          }),
          async (fa, fb, creates) => {
            const world = await loadScenario({
              hosts: [
                { name: 'a', parents: [doc(x, fa)] },
                { name: 'b', parents: [doc(x, fb)] },
              ],
            });
            const types = typesOf(world, 'a', x.c.parent);
            const key = (v: Verdict) => `${v.verdict}/${v.step}/${v.errno ?? ''}`;
            const verdicts = () =>
              ['a', 'b'].flatMap((from) =>
                types.flatMap((type) =>
                  ['a', 'b'].flatMap((to) =>
                    types.map((target) =>
                      key(
                        checkCompatibility(
                          { fs: world.host(from).fs, parent: x.c.parent, type },
                          { fs: world.host(to).fs, parent: x.c.parent, type: target },
                        ),
                      ),
                    ),
                  ),
                ),
              );
            const empty = verdicts();
            let serial = 0;
            for (const op of creates) {
              const type = world
                .host(op.host)
                .kernel.parents.get(x.c.parent)
                ?.types.get(types[op.type % types.length] ?? '');
              if (type === undefined) throw new Error('no type');
              const n = 1 + (op.n % (type.spec.maxAggregation ?? 1));
              const uuid = `00000000-0000-4000-8000-${(0xc000 + serial++).toString(16).padStart(12, '0')}`;
              try {
                world
                  .host(op.host)
                  .sysfs.write(
                    typePath(x.c.parent, type.id, 'create'),
                    n > 1 ? `${uuid},aggregate=${n}` : uuid,
                  );
              } catch (error) {
                if (!(error instanceof SysError)) throw error; // no capacity left: the kernel's errno
              }
              expect(verdicts()).toEqual(empty);
            }
            fillParent(world, 'a', x.c.parent);
            fillParent(world, 'b', x.c.parent);
            for (const h of ['a', 'b']) {
              for (const t of types) {
                expect(world.host(h).sysfs.read(typePath(x.c.parent, t, 'available_instances'))).toBe('0\n');
              }
            }
            expect(verdicts()).toEqual(empty);
            for (const k of empty) tally[k.split('/')[0] as keyof typeof tally]++;
          },
        ),
        { numRuns: 2 },
      );
    }
    // Not vacuous: the worlds drawn gave both answers.
    expect(tally.compatible).toBeGreaterThan(0);
    expect(tally.incompatible).toBeGreaterThan(0);
  });
});

describe('property: opaque bytes (R4, R5, §8) — any write is a byte count or a kernel errno and changes nothing, every driver × revision × policy', () => {
  /** Bytes near the interesting edges: the own string mangled, NULs, newlines, parameters, long runs. */
  const mangled = (own: string) =>
    fc.oneof(
      fc.uint8Array({ maxLength: 8192 }),
      fc.uint8Array({ maxLength: 64 }),
      fc
        .tuple(
          fc.nat({ max: own.length }),
          fc.constantFrom(
            '',
            '\n',
            '\n\n',
            '\0',
            ',aggregate=2',
            ',aggregate=0',
            ',aggregate=9\n',
            'é',
            '\xff',
            ' ',
          ),
          fc.constantFrom('', '\n', '\0junk', ',aggregate=1'),
        )
        .map(([cut, mid, tail]) =>
          Buffer.from(`${own.slice(0, cut)}${mid}${own.slice(cut)}${tail}`, 'latin1'),
        ),
      fc
        .tuple(fc.integer({ min: 4000, max: 8192 }), fc.constantFrom('\0', 'a', '\n'))
        .map(([len, pad]) => Buffer.from(own.padEnd(len, pad), 'latin1')),
    );

  it('R5, §8: up to 8 KiB of any bytes to every version attribute, via write(2) and writeFileSync', async () => {
    let writes = 0;
    const outcomes = new Map<string, number>();
    for (const x of COMBOS) {
      await fc.assert(
        fc.asyncProperty(facts({ major: 3, minor: 3, bugfix: 3 }), fc.nat(), async (f, typePick) => {
          const world = await loadScenario({ hosts: [{ name: 'h', parents: [doc(x, f)] }] });
          const { sysfs, fs } = world.host('h');
          const types = typesOf(world, 'h', x.c.parent);
          const type = types[typePick % types.length] ?? '';
          const uuid = '00000000-0000-4000-8000-0000000000a2';
          sysfs.write(typePath(x.c.parent, type, 'create'), uuid);
          const attr = attributeOf(x.revision);
          const paths = [
            typePath(x.c.parent, type, attr),
            devicePath(uuid, 'migration_version'),
            devicePath(uuid, 'create_parameters'),
          ].filter((p) => sysfs.exists(p));
          const readable = () => paths.map((p) => sysfs.read(p));
          const before = { state: snapshot(world), attrs: readable() };
          const own = sysfs.read(paths[0] ?? '');
          await fc.assert(
            fc.property(fc.constantFrom(...paths), mangled(own), fc.boolean(), (path, bytes, viaFs) => {
              let outcome: string;
              try {
                if (viaFs) {
                  fs.writeFileSync(path, bytes);
                  outcome = 'ok';
                } else {
                  const n = sysfs.write(path, bytes);
                  // kernfs hands store() one page; store() returns the count it was given.
                  expect(n).toBe(Math.min(bytes.length, 4096));
                  outcome = 'ok';
                }
              } catch (error) {
                if (!(error instanceof SysError)) throw error;
                expect(error.errno).toBe(ERRNO[error.code].errno);
                outcome = error.code;
              }
              outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
              writes++;
              expect(snapshot(world)).toEqual(before.state);
              expect(readable()).toEqual(before.attrs);
            }),
            { numRuns: 25 },
          );
        }),
        { numRuns: 1 },
      );
    }
    expect(writes).toBe(1500);
    // The writes reached both answers and the read-only create_parameters: ok, EINVAL, EACCES.
    expect([...outcomes.keys()].sort()).toEqual(expect.arrayContaining(['EACCES', 'EINVAL', 'ok']));
  });
});
