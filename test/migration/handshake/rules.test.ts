import { beforeEach, describe, expect, it } from 'vitest';
import { fail } from '../../../core/result.ts';
import { exactPolicy } from '../../../devices/policies/exact.ts';
import type { VersionPolicy } from '../../../devices/policies/policy.ts';
import { checkCompatibility } from '../../../migration/handshake/check.ts';
import type { FsLike } from '../../../migration/handshake/fs-like.ts';
import { loadScenario } from '../../../scenarios/load.ts';
import type { World } from '../../../sysfs/world.ts';
import {
  DRIVER_CASES,
  devicePath,
  driverCase,
  fillParent,
  GVT,
  MODELED,
  parentDoc,
  REVISIONS,
  SEED_UUID,
  seedWorld,
  snapshot,
  typePath,
  V54,
  V58,
} from './fixtures.ts';

/**
 * The userspace side (kernel.md §2.2 R3, R6, R7, R11): which step decides, with which errno, and
 * what the check touches. Everything goes through each host's fs adapter, as on a real /sys.
 */
const VGPU = '0000:3b:00.0';

function customWorld(policy: VersionPolicy): Promise<World> {
  const parent = (pciId: string) => ({
    driver: 'gvtg',
    address: GVT,
    pciId,
    migration: { revision: 'v4', policy: policy.name },
    options: MODELED,
  });
  return loadScenario(
    {
      hosts: [
        { name: 'a', parents: [parent('8086:193b')] },
        { name: 'b', parents: [parent('8086:193b')] },
      ],
    },
    { policies: new Map([[policy.name, policy]]) },
  );
}

describe('R7 step 0: same type first', () => {
  let world: World;
  beforeEach(async () => {
    world = await seedWorld('v4');
  });
  const fs = (h: string) => world.host(h).fs;

  it('R7: V5_4 offered to V5_8 on the same GPU → incompatible at step 0, no errno, nothing read or written', () => {
    const v = checkCompatibility(
      { fs: fs('src'), uuid: SEED_UUID },
      { fs: fs('src'), parent: GVT, type: V58 },
    );
    expect(v).toMatchObject({ verdict: 'incompatible', step: 0, sourceType: V54, targetType: V58 });
    expect(v.errno).toBeUndefined();
    expect(v.attribute).toBeUndefined();
    expect(v.token).toBeUndefined();
    expect(v.touched).toEqual([
      { side: 'source', op: 'readlink', path: devicePath(SEED_UUID, 'mdev_type'), result: 'ok' },
    ]);
  });

  it('R7: a type source against a target type that differs → step 0 as well (before any read)', () => {
    const v = checkCompatibility(
      { fs: fs('src'), parent: GVT, type: V58 },
      { fs: fs('src'), parent: GVT, type: V54 },
    );
    expect(v).toMatchObject({ verdict: 'incompatible', step: 0 });
    expect(v.touched).toEqual([]);
  });

  it('R7, R8: the target parent offers no such type (an mtty parent) → step 0 with ENOENT', async () => {
    const w = await loadScenario({
      hosts: [
        { name: 'g', parents: [parentDoc(driverCase('gvtg'), { revision: 'v4' })] },
        { name: 'm', parents: [{ driver: 'mtty' }] },
      ],
    });
    const v = checkCompatibility(
      { fs: w.host('g').fs, parent: GVT, type: V54 },
      { fs: w.host('m').fs, parent: 'mtty' },
    );
    expect(v).toMatchObject({
      verdict: 'incompatible',
      step: 0,
      errno: 'ENOENT',
      sourceType: V54,
      targetType: V54,
    });
    expect(v.touched).toEqual([
      { side: 'target', op: 'exists', path: typePath('mtty', V54), result: 'absent' },
    ]);
  });

  it('R7: a target parent that does not exist at all → step 0 with ENOENT', () => {
    const v = checkCompatibility(
      { fs: fs('src'), uuid: SEED_UUID },
      { fs: fs('dst'), parent: '0000:99:00.0' },
    );
    expect(v).toMatchObject({ verdict: 'incompatible', step: 0, errno: 'ENOENT' });
  });

  it('a target device that does not exist → incompatible at step 0 with the readlink errno (ENOENT)', () => {
    const v = checkCompatibility(
      { fs: fs('src'), uuid: SEED_UUID },
      { fs: fs('dst'), uuid: '00000000-0000-4000-8000-00000000dead' },
    );
    expect(v).toMatchObject({ verdict: 'incompatible', step: 0, errno: 'ENOENT' });
  });

  it('a source device that does not exist → not-migratable at step 1 with ENOENT', () => {
    const v = checkCompatibility(
      { fs: fs('src'), uuid: '00000000-0000-4000-8000-00000000dead' },
      { fs: fs('src'), parent: GVT },
    );
    expect(v).toMatchObject({ verdict: 'not-migratable', step: 1, errno: 'ENOENT' });
  });

  it("R9: mode 'instance' needs a source device: a type source is a caller error (RangeError)", () => {
    expect(() =>
      checkCompatibility(
        { fs: fs('src'), parent: GVT, type: V54 },
        { fs: fs('src'), parent: GVT },
        { mode: 'instance' },
      ),
    ).toThrow(RangeError);
  });
});

describe('R8: the parent matters, not only the type', () => {
  it('R8: one host, the same type id on two GPUs (8086:193b, 8086:191b): different strings; compatible with its own parent only', async () => {
    const gvt = (address: string, pciId: string) => ({
      driver: 'gvtg',
      address,
      pciId,
      migration: { revision: 'v4' },
      options: MODELED,
    });
    const world = await loadScenario({
      hosts: [{ name: 'h', parents: [gvt('0000:00:02.0', '8086:193b'), gvt('0000:00:03.0', '8086:191b')] }],
    });
    const { fs, sysfs } = world.host('h');
    expect(sysfs.read(typePath('0000:00:02.0', V54, 'migration_version'))).toBe('8086-193b-i915-GVTg_V5_4\n');
    expect(sysfs.read(typePath('0000:00:03.0', V54, 'migration_version'))).toBe('8086-191b-i915-GVTg_V5_4\n');
    const from = (parent: string) => ({ fs, parent, type: V54 });
    expect(checkCompatibility(from('0000:00:02.0'), { fs, parent: '0000:00:02.0' }).verdict).toBe(
      'compatible',
    );
    expect(checkCompatibility(from('0000:00:02.0'), { fs, parent: '0000:00:03.0' })).toMatchObject({
      verdict: 'incompatible',
      step: 2,
      errno: 'EINVAL',
    });
    expect(checkCompatibility(from('0000:00:03.0'), { fs, parent: '0000:00:02.0' })).toMatchObject({
      verdict: 'incompatible',
      step: 2,
      errno: 'EINVAL',
    });
  });
});

describe('R6: errno on read means not migratable, on write incompatible', () => {
  it("R6: the source's show() fails (range, property migration 'off') → not-migratable at step 1 with ENODEV", async () => {
    const vgpu = driverCase('vgpu');
    const world = await loadScenario({
      hosts: [
        { name: 'off', parents: [parentDoc(vgpu, { revision: 'v4' }, { properties: { migration: 'off' } })] },
        { name: 'on', parents: [parentDoc(vgpu, { revision: 'v4' })] },
      ],
    });
    const off = { fs: world.host('off').fs, parent: VGPU, type: 'nvidia-35' };
    const on = { fs: world.host('on').fs, parent: VGPU, type: 'nvidia-35' };
    const read = checkCompatibility(off, on);
    expect(read).toMatchObject({
      verdict: 'not-migratable',
      step: 1,
      errno: 'ENODEV',
      attribute: 'migration_version',
    });
    expect(read.touched.at(-1)).toEqual({
      side: 'source',
      op: 'read',
      path: typePath(VGPU, 'nvidia-35', 'migration_version'),
      result: 'ENODEV',
    });
    // The other way round the target's store() says ENODEV: "the target doesn't support migration".
    expect(checkCompatibility(on, off)).toMatchObject({ verdict: 'incompatible', step: 2, errno: 'ENODEV' });
  });

  it.each(['EPERM', 'EOPNOTSUPP', 'EBUSY'] as const)(
    'R6: a vendor-chosen errno %s from the target store() is the verdict’s errno at step 2',
    async (errno) => {
      const world = await customWorld({ ...exactPolicy, name: 'vendor', store: () => fail(errno, 'no') });
      const v = checkCompatibility(
        { fs: world.host('a').fs, parent: GVT, type: V54 },
        { fs: world.host('b').fs, parent: GVT },
      );
      expect(v).toMatchObject({
        verdict: 'incompatible',
        step: 2,
        errno,
        reason: 'target refused the version',
      });
    },
  );

  it('a policy that throws surfaces as EIO: not-migratable at step 1 on read, incompatible at step 2 on write; no state change', async () => {
    const throwsOnShow: VersionPolicy = {
      ...exactPolicy,
      name: 'throws-show',
      show: () => {
        throw new Error('bug');
      },
    };
    const throwsOnStore: VersionPolicy = {
      ...exactPolicy,
      name: 'throws-store',
      store: () => {
        throw new Error('bug');
      },
    };
    for (const [policy, expected] of [
      [throwsOnShow, { verdict: 'not-migratable', step: 1, errno: 'EIO' }],
      [throwsOnStore, { verdict: 'incompatible', step: 2, errno: 'EIO' }],
    ] as const) {
      const world = await customWorld(policy);
      const before = snapshot(world);
      const v = checkCompatibility(
        { fs: world.host('a').fs, parent: GVT, type: V54 },
        { fs: world.host('b').fs, parent: GVT },
      );
      expect(v).toMatchObject(expected);
      expect(snapshot(world)).toEqual(before);
    }
  });

  it('an fs whose calls throw something that is not an errno error: the verdict says EIO, nothing escapes', () => {
    const broken: FsLike = {
      readFileSync: () => {
        throw new Error('no code');
      },
      writeFileSync: () => {
        throw 42;
      },
      readlinkSync: () => '../mdev_supported_types/x',
      existsSync: () => true,
    };
    expect(checkCompatibility({ fs: broken, uuid: SEED_UUID }, { fs: broken, parent: GVT })).toMatchObject({
      verdict: 'not-migratable',
      step: 1,
      errno: 'EIO',
    });
  });
});

describe('exceptions the check turns into errnos carry no stack; others keep theirs', () => {
  it('fs calls whose failure becomes the verdict run with Error.stackTraceLimit 0, restored afterwards', () => {
    const limits: number[] = [];
    const fs: FsLike = {
      readFileSync: () => {
        limits.push(Error.stackTraceLimit);
        return 'v\n';
      },
      writeFileSync: () => {
        limits.push(Error.stackTraceLimit);
        throw Object.assign(new Error('refused'), { code: 'EINVAL' });
      },
      readlinkSync: () => {
        limits.push(Error.stackTraceLimit);
        return `../mdev_supported_types/${V54}`;
      },
      existsSync: (path) => path.endsWith('/migration_version') || path.endsWith(V54),
    };
    const before = Error.stackTraceLimit;
    expect(checkCompatibility({ fs, uuid: SEED_UUID }, { fs, parent: GVT })).toMatchObject({
      verdict: 'incompatible',
      step: 2,
      errno: 'EINVAL',
    });
    expect(limits).toEqual([0, 0, 0]);
    expect(Error.stackTraceLimit).toBe(before);
  });

  it('an exception that escapes the check (existsSync throws) keeps its stack', () => {
    const fs: FsLike = {
      readFileSync: () => '',
      writeFileSync: () => undefined,
      readlinkSync: () => '',
      existsSync: () => {
        throw new Error('boom');
      },
    };
    let caught: unknown;
    try {
      checkCompatibility({ fs, parent: GVT, type: V54 }, { fs, parent: GVT });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).stack).toMatch(/\n\s+at /);
  });
});

describe('R11: capacity is not compatibility', () => {
  it.each(REVISIONS)(
    'R11 (%s): every built-in driver with its default policy: each type → the same type on a full twin parent is compatible',
    async (revision) => {
      const world = await loadScenario({
        hosts: ['a', 'b'].map((name) => ({
          name,
          parents: DRIVER_CASES.map((c) => parentDoc(c, { revision })),
        })),
      });
      const verdicts = () =>
        DRIVER_CASES.flatMap((c) =>
          [...(world.host('a').kernel.parents.get(c.parent)?.types.keys() ?? [])].map(
            (type) =>
              checkCompatibility(
                { fs: world.host('a').fs, parent: c.parent, type },
                { fs: world.host('b').fs, parent: c.parent },
              ).verdict,
          ),
        );
      const empty = verdicts();
      expect(empty.every((v) => v === 'compatible')).toBe(true);
      expect(empty).toHaveLength(4 + 2 + 5 + 4 + 4);
      for (const c of DRIVER_CASES) fillParent(world, 'b', c.parent);
      for (const c of DRIVER_CASES) {
        for (const type of world.host('b').kernel.parents.get(c.parent)?.types.values() ?? []) {
          expect(type.availableInstances).toBe(0);
        }
      }
      expect(verdicts()).toEqual(empty);
    },
  );

  it('R11: a full target device (mode instance, v5) still accepts: the device node answers about the device', async () => {
    const world = await seedWorld('v5');
    fillParent(world, 'src', GVT);
    expect(world.host('src').sysfs.read(typePath(GVT, V54, 'available_instances'))).toBe('0\n');
    const v = checkCompatibility(
      { fs: world.host('src').fs, uuid: SEED_UUID },
      { fs: world.host('src').fs, uuid: '00000000-0000-4000-8000-0000000000b1' },
      { mode: 'instance' },
    );
    expect(v).toMatchObject({ verdict: 'compatible', step: 2 });
  });
});
