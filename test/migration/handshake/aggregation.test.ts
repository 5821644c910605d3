import { describe, expect, it } from 'vitest';
import { checkCompatibility } from '../../../migration/handshake/check.ts';
import type { Verdict } from '../../../migration/handshake/verdict.ts';
import { loadScenario } from '../../../scenarios/load.ts';
import type { World } from '../../../sysfs/world.ts';
import { expectSys } from '../../helpers/errors.ts';
import { devicePath, MODELED, typePath } from './fixtures.ts';

/**
 * The two aggregation designs side by side (kernel.md §2.4, R9, R10; ecosystem.md §4.6 item 2) on
 * Yan Zhao's example GVTg_V5_2×1 ≈ GVTg_V5_4×2 ≈ GVTg_V5_8×4 (each holds 4 of the GPU's 8 units):
 * - A: the instance's own string carries the resources (v5 device node, `,aggregate=N`), checked
 *   with `mode: 'instance'` — the target driver accepts any type the resources fit;
 * - B: the type's string plus the instance's `create_parameters`, checked with the default type
 *   mode — same type first (R7), then the driver checks N.
 */
const P = ['0000:00:02.0', '0000:00:03.0', '0000:00:04.0'] as const;
const DST = '0000:00:02.0';
const SOURCES = [
  { type: 'i915-GVTg_V5_2', n: 1, uuid: '00000000-0000-4000-8000-0000000000a2' },
  { type: 'i915-GVTg_V5_4', n: 2, uuid: '00000000-0000-4000-8000-0000000000a4' },
  { type: 'i915-GVTg_V5_8', n: 4, uuid: '00000000-0000-4000-8000-0000000000a8' },
] as const;
const TYPES = ['i915-GVTg_V5_2', 'i915-GVTg_V5_4', 'i915-GVTg_V5_8'] as const;
const V54x2 = SOURCES[1];

/** `src`: one aggr parent per source instance (each takes 4 of 8 units); `dst`: an empty aggr parent. */
function aggrWorld(aggregation: 'A' | 'B'): Promise<World> {
  const parent = (address: string) => ({
    driver: 'aggr',
    address,
    pciId: '8086:193b',
    migration: { revision: 'v5', aggregation },
    options: MODELED,
  });
  return loadScenario({
    hosts: [
      { name: 'src', parents: P.map(parent) },
      { name: 'dst', parents: [parent(DST)] },
    ],
    instances: SOURCES.map((s, i) => ({
      host: 'src',
      parent: P[i] as string,
      type: s.type,
      aggregate: s.n,
      uuid: s.uuid,
    })),
  });
}

function check(world: World, uuid: string, type: string, mode: 'type' | 'instance'): Verdict {
  return checkCompatibility(
    { fs: world.host('src').fs, uuid },
    { fs: world.host('dst').fs, parent: DST, type },
    { mode },
  );
}

/** The matrix's cell marks: ok, type (step 0), no(<errno>) (step 2), n/m (step 1). */
function mark(v: Verdict): string {
  if (v.verdict === 'compatible') return 'ok';
  if (v.verdict === 'not-migratable') return 'n/m';
  return v.step === 0 ? 'type' : `no(${v.errno})`;
}

const short = (type: string) => type.replace('i915-GVTg_', '');

describe('aggregation designs A and B (kernel.md §2.4, R9, R10)', () => {
  it('they differ: A (mode instance) finds V5_4×2 compatible with V5_8 and V5_2; B refuses both at step 0', async () => {
    const a = await aggrWorld('A');
    const b = await aggrWorld('B');
    for (const type of ['i915-GVTg_V5_8', 'i915-GVTg_V5_2']) {
      expect(check(a, V54x2.uuid, type, 'instance')).toMatchObject({
        verdict: 'compatible',
        step: 2,
        token: '8086-193b-GVTg_V5_4-00010000,aggregate=2\n',
      });
      const vb = check(b, V54x2.uuid, type, 'type');
      expect(vb).toMatchObject({
        verdict: 'incompatible',
        step: 0,
        sourceType: 'i915-GVTg_V5_4',
        targetType: type,
      });
      expect(vb.touched.some((t) => t.op === 'write')).toBe(false);
    }
  });

  it('they agree: same type with its parameters is compatible in both; V5_4×2 → V5_1 is refused by both', async () => {
    const a = await aggrWorld('A');
    const b = await aggrWorld('B');
    expect(check(a, V54x2.uuid, 'i915-GVTg_V5_4', 'instance')).toMatchObject({
      verdict: 'compatible',
      step: 2,
    });
    expect(check(b, V54x2.uuid, 'i915-GVTg_V5_4', 'type')).toMatchObject({ verdict: 'compatible', step: 2 });
    // A: 4 units do not make a whole number of V5_1 (8 units each) → the driver's EINVAL.
    expect(check(a, V54x2.uuid, 'i915-GVTg_V5_1', 'instance')).toMatchObject({
      verdict: 'incompatible',
      step: 2,
      errno: 'EINVAL',
    });
    expect(check(b, V54x2.uuid, 'i915-GVTg_V5_1', 'type')).toMatchObject({
      verdict: 'incompatible',
      step: 0,
    });
  });

  it('B: the written token carries aggregate=2 from create_parameters; a target created with it matches, one with aggregate=1 does not', async () => {
    const b = await aggrWorld('B');
    const src = b.host('src');
    const dst = b.host('dst');
    const params = src.fs.readFileSync(devicePath(V54x2.uuid, 'create_parameters'), 'latin1');
    expect(params).toBe('aggregate=2\n');
    const v = check(b, V54x2.uuid, 'i915-GVTg_V5_4', 'type');
    expect(v.token).toBe('8086-193b-GVTg_V5_4-00010000,aggregate=2\n');
    expect(v.touched.filter((t) => t.op === 'read').map((t) => t.path)).toEqual([
      devicePath(V54x2.uuid, 'mdev_type/migration_version'),
      devicePath(V54x2.uuid, 'create_parameters'),
    ]);
    // Management copies the parameters to the target's create (Yan Zhao's dynamic_resources).
    const match = '00000000-0000-4000-8000-0000000000c2';
    const plain = '00000000-0000-4000-8000-0000000000c1';
    const create = typePath(DST, 'i915-GVTg_V5_4', 'create');
    dst.fs.writeFileSync(create, `${match},${params}`);
    dst.fs.writeFileSync(create, plain);
    expect(dst.fs.readFileSync(devicePath(match, 'create_parameters'), 'latin1')).toBe(params);
    const target = (uuid: string) =>
      checkCompatibility({ fs: src.fs, uuid: V54x2.uuid }, { fs: dst.fs, uuid }, { mode: 'instance' });
    expect(target(match)).toMatchObject({ verdict: 'compatible', step: 2 });
    expect(target(plain)).toMatchObject({ verdict: 'incompatible', step: 2, errno: 'EINVAL' });
    // The type-node check cannot tell the two apart: it answers for the type, N within `aggregation`.
    expect(checkCompatibility({ fs: src.fs, uuid: V54x2.uuid }, { fs: dst.fs, uuid: plain })).toMatchObject({
      verdict: 'compatible',
    });
    // And a too-large N is refused on the type node: V5_4's aggregation is 4.
    expectSys(
      () =>
        dst.sysfs.write(
          typePath(DST, 'i915-GVTg_V5_4', 'migration_version'),
          '8086-193b-GVTg_V5_4-00010000,aggregate=5',
        ),
      'EINVAL',
    );
  });

  it('A without B’s parameters: the type-node check says compatible, but the token has no aggregate, so a target built from it holds half the resources', async () => {
    const a = await aggrWorld('A');
    const src = a.host('src');
    const dst = a.host('dst');
    expect(src.sysfs.exists(devicePath(V54x2.uuid, 'create_parameters'))).toBe(false);
    const v = check(a, V54x2.uuid, 'i915-GVTg_V5_4', 'type');
    expect(v).toMatchObject({ verdict: 'compatible', step: 2, token: '8086-193b-GVTg_V5_4-00010000\n' });
    expect(v.token).not.toContain('aggregate');
    // Nothing in what userspace read says "×2": it creates a plain V5_4, which the instance check refuses.
    const lossy = '00000000-0000-4000-8000-0000000000d1';
    dst.fs.writeFileSync(typePath(DST, 'i915-GVTg_V5_4', 'create'), lossy);
    expect(dst.sysfs.read(devicePath(lossy, 'aggregated_instances'))).toBe('1\n');
    const instance = (uuid: string) =>
      checkCompatibility({ fs: src.fs, uuid: V54x2.uuid }, { fs: dst.fs, uuid }, { mode: 'instance' });
    expect(instance(lossy)).toMatchObject({ verdict: 'incompatible', step: 2, errno: 'EINVAL' });
    // The device-node string does carry it: a V5_8×4 target (4 units) is accepted.
    const fit = '00000000-0000-4000-8000-0000000000d2';
    dst.fs.writeFileSync(typePath(DST, 'i915-GVTg_V5_8', 'create'), `${fit},aggregate=4`);
    expect(instance(fit)).toMatchObject({ verdict: 'compatible', step: 2 });
  });

  it('the full table: V5_2×1, V5_4×2, V5_8×4 → V5_2, V5_4, V5_8 under A (instance, type) and B (type, instance)', async () => {
    const worlds = { A: await aggrWorld('A'), B: await aggrWorld('B') };
    const variants = [
      ['A', 'instance'],
      ['A', 'type'],
      ['B', 'type'],
      ['B', 'instance'],
    ] as const;
    const rows = SOURCES.map((s) =>
      [
        `${short(s.type)}×${s.n}`.padEnd(8),
        ...variants.map(([design, mode]) =>
          TYPES.map((t) => mark(check(worlds[design], s.uuid, t, mode)).padEnd(10)).join(' '),
        ),
      ]
        .join('| ')
        .trimEnd(),
    );
    const header = `source  | ${variants.map(([d, m]) => `${d} ${m}`.padEnd(32)).join('| ')}`.trimEnd();
    const types =
      `        | ${variants.map(() => TYPES.map((t) => short(t).padEnd(10)).join(' ')).join('| ')}`.trimEnd();
    expect([header, types, ...rows]).toEqual([
      'source  | A instance                      | A type                          | B type                          | B instance',
      '        | V5_2       V5_4       V5_8      | V5_2       V5_4       V5_8      | V5_2       V5_4       V5_8      | V5_2       V5_4       V5_8',
      'V5_2×1  | ok         ok         ok        | ok         type       type      | ok         type       type      | ok         no(EINVAL) no(EINVAL)',
      'V5_4×2  | ok         ok         ok        | type       ok         type      | type       ok         type      | no(EINVAL) ok         no(EINVAL)',
      'V5_8×4  | ok         ok         ok        | type       type       ok        | type       type       ok        | no(EINVAL) no(EINVAL) ok',
    ]);
  });
});
