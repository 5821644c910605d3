import { beforeEach, describe, expect, it } from 'vitest';
import { fail } from '../../../core/result.ts';
import { exactPolicy } from '../../../devices/policies/exact.ts';
import type { VersionPolicy } from '../../../devices/policies/policy.ts';
import { loadScenario } from '../../../scenarios/load.ts';
import type { World } from '../../../sysfs/world.ts';
import { expectSys } from '../../helpers/errors.ts';
import {
  attributeOf,
  DRIVER_CASES,
  devicePath,
  driverCase,
  fillParent,
  parentDoc,
  REVISIONS,
  snapshot,
  typePath,
  V54,
} from '../../migration/handshake/fixtures.ts';

/**
 * The kernel side of the handshake through the path API: the `migration_version` attribute (v2:
 * `version`) a vendor driver registers (kernel.md §2.2 R1–R11) under the kernfs rules every sysfs
 * attribute follows (§8). The parent's version policy gives the verdict; these tests pin what the
 * attribute layer adds around it.
 */
const GVT = '0000:00:02.0';
const GV4 = typePath(GVT, V54, 'migration_version');
const SEED = '8086-193b-i915-GVTg_V5_4';

/** One host `h` with a parent of every built-in driver case, all on `revision`. */
function allDrivers(revision: 'v2' | 'v4' | 'v5' | false): Promise<World> {
  return loadScenario({
    hosts: [
      {
        name: 'h',
        parents: DRIVER_CASES.map((c) => parentDoc(c, revision === false ? false : { revision })),
      },
    ],
  });
}

/** A v4 gvtg parent at 00:02.0 whose driver runs `policy` (registered under that name). */
function withPolicy(policy: VersionPolicy): Promise<World> {
  return loadScenario(
    {
      hosts: [
        {
          name: 'h',
          parents: [
            {
              driver: 'gvtg',
              address: GVT,
              pciId: '8086:193b',
              migration: { revision: 'v4', policy: policy.name },
              options: { payload: 'modeled' },
            },
          ],
        },
      ],
    },
    { policies: new Map([[policy.name, policy]]) },
  );
}

describe('R1, R2, R9: where the attribute lives', () => {
  it('R1: migration: false → no version attribute on any type of any built-in driver', async () => {
    const world = await allDrivers(false);
    const sysfs = world.host('h').sysfs;
    for (const c of DRIVER_CASES) {
      for (const type of sysfs.readdir(`/sys/class/mdev_bus/${c.parent}/mdev_supported_types`)) {
        const names = sysfs.readdir(typePath(c.parent, type));
        expect(names).not.toContain('migration_version');
        expect(names).not.toContain('version');
      }
    }
  });

  it.each(REVISIONS)(
    'R1, §2.1: %s names the type attribute per revision, mode 0644 on every type',
    async (revision) => {
      const world = await allDrivers(revision);
      const sysfs = world.host('h').sysfs;
      const name = attributeOf(revision);
      for (const c of DRIVER_CASES) {
        for (const type of sysfs.readdir(`/sys/class/mdev_bus/${c.parent}/mdev_supported_types`)) {
          expect(sysfs.stat(typePath(c.parent, type, name)).mode).toBe(0o644);
          expect(
            sysfs.exists(typePath(c.parent, type, name === 'version' ? 'migration_version' : 'version')),
          ).toBe(false);
        }
      }
    },
  );

  it.each([
    // [revision, driver case, device directory]
    ['v4', 'gvtg', ['mdev_type', 'remove']],
    ['v5', 'gvtg', ['mdev_type', 'remove', 'migration_version']],
    ['v4', 'mtty', ['mdev_type', 'remove', 'vendor']],
    ['v5', 'mtty', ['mdev_type', 'remove', 'migration_version', 'vendor']],
    ['v4', 'vgpu', ['mdev_type', 'remove']],
    ['v5', 'vgpu', ['mdev_type', 'remove', 'migration_version']],
    ['v2', 'aggr-A', ['mdev_type', 'remove', 'version', 'aggregated_instances']],
    ['v4', 'aggr-A', ['mdev_type', 'remove', 'migration_version', 'aggregated_instances']],
    ['v5', 'aggr-A', ['mdev_type', 'remove', 'migration_version', 'aggregated_instances']],
    ['v4', 'aggr-B', ['mdev_type', 'remove', 'create_parameters', 'aggregated_instances']],
    [
      'v5',
      'aggr-B',
      ['mdev_type', 'remove', 'migration_version', 'create_parameters', 'aggregated_instances'],
    ],
  ] as const)('R9/§2.4: %s %s: the device directory is %j', async (revision, label, expected) => {
    const world = await allDrivers(revision);
    const sysfs = world.host('h').sysfs;
    const c = driverCase(label);
    const type = sysfs.readdir(`/sys/class/mdev_bus/${c.parent}/mdev_supported_types`)[0] ?? '';
    const uuid = '00000000-0000-4000-8000-000000000001';
    sysfs.write(typePath(c.parent, type, 'create'), uuid);
    expect(sysfs.readdir(devicePath(uuid))).toEqual([...expected]);
    if ((expected as readonly string[]).includes('create_parameters')) {
      expect(sysfs.read(devicePath(uuid, 'create_parameters'))).toBe('aggregate=1\n');
      expect(sysfs.stat(devicePath(uuid, 'create_parameters')).mode).toBe(0o444);
    }
    if ((expected as readonly string[]).includes('migration_version')) {
      expect(sysfs.stat(devicePath(uuid, 'migration_version')).mode).toBe(0o644);
    }
  });

  it('R2: the type attribute is reachable from a device through its mdev_type link', async () => {
    const world = await allDrivers('v4');
    const sysfs = world.host('h').sysfs;
    const uuid = '00000000-0000-4000-8000-000000000002';
    sysfs.write(typePath(GVT, V54, 'create'), uuid);
    expect(sysfs.read(devicePath(uuid, 'mdev_type/migration_version'))).toBe(`${SEED}\n`);
    expect(sysfs.realpath(devicePath(uuid, 'mdev_type/migration_version'))).toBe(
      `/sys/devices/pci0000:00/${GVT}/mdev_supported_types/${V54}/migration_version`,
    );
  });
});

describe('§8 and R3, R5: what store() sees of a write (gvtg v4, exact policy)', () => {
  let world: World;
  beforeEach(async () => {
    world = await allDrivers('v4');
  });
  const sysfs = () => world.host('h').sysfs;
  const fs = () => world.host('h').fs;

  it('§8 sysfs_streq: the string without or with one trailing newline → 24, 25', () => {
    expect(sysfs().write(GV4, SEED)).toBe(24);
    expect(sysfs().write(GV4, `${SEED}\n`)).toBe(25);
    expect(sysfs().write(GV4, new TextEncoder().encode(`${SEED}\n`))).toBe(25);
  });

  it('§8 sysfs_streq: two trailing newlines → EINVAL; so do a leading newline, CR LF and a trailing space', () => {
    for (const text of [`${SEED}\n\n`, `\n${SEED}`, `${SEED}\r\n`, `${SEED} `]) {
      expectSys(() => sysfs().write(GV4, text), 'EINVAL', 'write', GV4);
    }
  });

  it('§8 NUL: store() sees a C string: "<string>\\0junk" → the full count 29; "\\0<string>" → EINVAL', () => {
    expect(sysfs().write(GV4, `${SEED}\0junk`)).toBe(29);
    expect(sysfs().write(GV4, `${SEED}\n\0\n\n`)).toBe(28);
    expectSys(() => sysfs().write(GV4, `\0${SEED}`), 'EINVAL', 'write');
  });

  it('R5: a non-ASCII byte → EINVAL (UTF-8 text, raw 0x80 and 0xff bytes)', () => {
    expectSys(() => sysfs().write(GV4, `${SEED}é`), 'EINVAL', 'write');
    expectSys(() => sysfs().write(GV4, 'é'), 'EINVAL', 'write');
    for (const byte of [0x80, 0xff]) {
      const bytes = new Uint8Array([...new TextEncoder().encode(SEED), byte]);
      expectSys(() => sysfs().write(GV4, bytes), 'EINVAL', 'write');
    }
    const accented = SEED.replace('GVTg', 'GVTé');
    expectSys(() => fs().writeFileSync(GV4, accented), 'EINVAL', 'write');
  });

  it('R5 + §8: a non-ASCII byte after the NUL is never seen → accepted with the full count', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode(`${SEED}\n`), 0, 0xff, 0xfe]);
    expect(sysfs().write(GV4, bytes)).toBe(28);
  });

  it('§8, R5: 5000 bytes: kernfs hands store() the first 4096 and the policy refuses them → EINVAL', () => {
    expectSys(() => sysfs().write(GV4, `${SEED}${'x'.repeat(5000 - 24)}`), 'EINVAL', 'write');
    expectSys(() => sysfs().write(GV4, 'a'.repeat(4096)), 'EINVAL', 'write');
    expectSys(() => fs().writeFileSync(GV4, 'a'.repeat(8192)), 'EINVAL', 'write');
  });

  it('§8: the string padded with NULs to 5000 bytes: write(2) returns 4096 (short); writeFileSync sends the rest, a C string "" → EINVAL', () => {
    const padded = `${SEED}\n`.padEnd(5000, '\0');
    expect(sysfs().write(GV4, padded)).toBe(4096);
    expectSys(() => fs().writeFileSync(GV4, padded), 'EINVAL', 'write');
    expect(() => fs().writeFileSync(GV4, `${SEED}\n`.padEnd(4096, '\0'))).not.toThrow();
  });

  it('R4/R6: only whitespace → EINVAL', () => {
    for (const text of [' ', '\n', '\t', ' \t\n', '\n\n', '\r\n']) {
      expectSys(() => sysfs().write(GV4, text), 'EINVAL', 'write');
    }
  });

  it("R4: another vendor's string (mtty, NVIDIA-like) → EINVAL both ways; Intel's own drivers agree on GVT-g's", () => {
    const s = sysfs();
    const vendor = (label: string) => (label.startsWith('aggr') || label === 'gvtg' ? 'intel' : label);
    const strings = DRIVER_CASES.flatMap((c) =>
      s.readdir(`/sys/class/mdev_bus/${c.parent}/mdev_supported_types`).map((type) => ({
        vendor: vendor(c.label),
        parent: c.parent,
        type,
        text: s.read(typePath(c.parent, type, 'migration_version')),
      })),
    );
    let refused = 0;
    for (const from of strings) {
      for (const to of strings.filter((t) => t.vendor !== from.vendor)) {
        expectSys(() => s.write(typePath(to.parent, to.type, 'migration_version'), from.text), 'EINVAL');
        refused++;
      }
    }
    // 12 Intel types (gvtg, aggr-A, aggr-B: 4 each), 2 mtty, 5 vgpu: 12·7 + 2·17 + 5·14 cross pairs.
    expect(refused).toBe(188);
    expect(s.write(typePath('0000:00:03.0', V54, 'migration_version'), `${SEED}\n`)).toBe(25);
  });

  it('R3, §2.1: a v2/v5 string on a v4 parent → EINVAL (the formats differ)', () => {
    for (const text of ['8086-193b-GVTg_V5_4-00010000', '00028086-193b-i915-GVTg_V5_4']) {
      expectSys(() => sysfs().write(GV4, text), 'EINVAL', 'write');
    }
  });

  it('§8: an empty write returns 0 and never reaches store()', async () => {
    let stores = 0;
    const spy: VersionPolicy = {
      ...exactPolicy,
      name: 'spy',
      store: (ctx, written) => {
        stores++;
        return exactPolicy.store(ctx, written);
      },
    };
    const w = await withPolicy(spy);
    expect(w.host('h').sysfs.write(GV4, '')).toBe(0);
    expect(w.host('h').sysfs.write(GV4, new Uint8Array(0))).toBe(0);
    expect(() => w.host('h').fs.writeFileSync(GV4, '')).not.toThrow();
    expect(stores).toBe(0);
    expect(w.host('h').sysfs.write(GV4, SEED)).toBe(24);
    expect(stores).toBe(1);
  });
});

describe('R6: errno on read and write', () => {
  it("R6, ecosystem.md §4.3: range on a board whose property 'migration' is 'off' → read ENODEV, write ENODEV", async () => {
    const world = await loadScenario({
      hosts: [
        {
          name: 'h',
          parents: [parentDoc(driverCase('vgpu'), { revision: 'v4' }, { properties: { migration: 'off' } })],
        },
      ],
    });
    const path = typePath('0000:3b:00.0', 'nvidia-35', 'migration_version');
    expectSys(() => world.host('h').sysfs.read(path), 'ENODEV', 'read', path);
    expectSys(
      () =>
        world.host('h').sysfs.write(path, 'v1;vendor=10de;type=nvidia-35;board=Tesla-M10;ecc=off;branch=550'),
      'ENODEV',
      'write',
      path,
    );
  });

  it('R6, kernel.md §2.3: GVT-g v5 whose software version does not fit %08x (70000.0.0) → read ENODEV', async () => {
    const world = await loadScenario({
      hosts: [
        {
          name: 'h',
          parents: [
            {
              driver: 'gvtg',
              address: GVT,
              pciId: '8086:193b',
              softwareVersion: '70000.0.0',
              migration: { revision: 'v5' },
            },
          ],
        },
      ],
    });
    expectSys(() => world.host('h').sysfs.read(typePath(GVT, V54, 'migration_version')), 'ENODEV', 'read');
    expectSys(
      () => world.host('h').fs.writeFileSync(typePath(GVT, V54, 'migration_version'), 'x'),
      'ENODEV',
      'write',
    );
  });

  it.each(['EPERM', 'EOPNOTSUPP', 'EBUSY', 'ENODEV'] as const)(
    'R6: the vendor-chosen errno %s of store() is the errno of write(2), through sysfs and fs',
    async (errno) => {
      const vendor: VersionPolicy = {
        ...exactPolicy,
        name: 'vendor',
        store: () => fail(errno, 'vendor says no'),
      };
      const world = await withPolicy(vendor);
      expectSys(() => world.host('h').sysfs.write(GV4, SEED), errno, 'write', GV4);
      expectSys(() => world.host('h').fs.writeFileSync(GV4, SEED), errno, 'write', GV4);
    },
  );

  it('a policy that throws is a driver bug: read and write → EIO; devices and capacity unchanged', async () => {
    const throwing: VersionPolicy = {
      name: 'throwing',
      description: 'throws from show and store',
      show: () => {
        throw new TypeError('show bug');
      },
      store: () => {
        throw new TypeError('store bug');
      },
    };
    const world = await withPolicy(throwing);
    const uuid = '00000000-0000-4000-8000-000000000003';
    world.host('h').sysfs.write(typePath(GVT, V54, 'create'), uuid);
    const before = snapshot(world);
    expectSys(() => world.host('h').sysfs.read(GV4), 'EIO', 'read', GV4);
    expectSys(() => world.host('h').sysfs.write(GV4, SEED), 'EIO', 'write', GV4);
    expectSys(() => world.host('h').fs.writeFileSync(GV4, SEED), 'EIO', 'write', GV4);
    expectSys(() => world.host('h').fs.readFileSync(GV4), 'EIO', 'read', GV4);
    expect(snapshot(world)).toEqual(before);
    expect(world.host('h').sysfs.readdir('/sys/bus/mdev/devices')).toEqual([uuid]);
  });
});

describe('R11: the verdict never depends on free capacity', () => {
  const cases = REVISIONS.flatMap((revision) => DRIVER_CASES.map((c) => [revision, c.label, c] as const));
  it.each(cases)(
    'R11: %s %s (default policy): with every type at available_instances 0, each type accepts its own string',
    async (revision, _label, c) => {
      const world = await loadScenario({ hosts: [{ name: 'h', parents: [parentDoc(c, { revision })] }] });
      const sysfs = world.host('h').sysfs;
      const attr = attributeOf(revision);
      const types = sysfs.readdir(`/sys/class/mdev_bus/${c.parent}/mdev_supported_types`);
      const own = types.map((t) => sysfs.read(typePath(c.parent, t, attr)));
      const created = fillParent(world, 'h', c.parent);
      expect(created.length).toBeGreaterThan(0);
      expect(types.map((t) => sysfs.read(typePath(c.parent, t, 'available_instances')))).toEqual(
        types.map(() => '0\n'),
      );
      types.forEach((t, i) => {
        const text = own[i] ?? '';
        expect(sysfs.read(typePath(c.parent, t, attr))).toBe(text);
        expect(sysfs.write(typePath(c.parent, t, attr), text)).toBe(text.length);
      });
    },
  );
});

describe('kernel.md §2.4 + §8: the `,aggregate=N` suffix keeps sysfs_streq’s one-newline rule', () => {
  let world: World;
  beforeEach(async () => {
    world = await allDrivers('v4');
  });

  it.each(['0000:00:03.0', '0000:00:04.0'])('aggr parent %s (design A, B): accepted forms', (parent) => {
    const path = typePath(parent, V54, 'migration_version');
    const sysfs = world.host('h').sysfs;
    for (const text of [
      SEED,
      `${SEED}\n`,
      `${SEED},aggregate=1`,
      `${SEED},aggregate=1\n`,
      `${SEED},aggregate=2\n`,
    ]) {
      expect(sysfs.write(path, text), JSON.stringify(text)).toBe(text.length);
    }
  });

  it.each(['0000:00:03.0', '0000:00:04.0'])(
    'aggr parent %s: two newlines, a newline before the comma, N = 0, N not decimal → EINVAL',
    (parent) => {
      const path = typePath(parent, V54, 'migration_version');
      for (const text of [
        `${SEED}\n\n`,
        `${SEED},aggregate=1\n\n`,
        `${SEED}\n,aggregate=1`,
        `${SEED},aggregate=0`,
        `${SEED},aggregate=`,
        `${SEED},aggregate=two`,
        `${SEED},aggregate=0x2`,
        `${SEED},aggregate=1 `,
      ]) {
        expectSys(() => world.host('h').sysfs.write(path, text), 'EINVAL', 'write', path);
      }
    },
  );

  it('design B: N above the type’s `aggregation` (V5_4: 4) → EINVAL; design A: 5 × 2 units fit no V5_4 → EINVAL', () => {
    for (const parent of ['0000:00:03.0', '0000:00:04.0']) {
      expect(
        world.host('h').sysfs.write(typePath(parent, V54, 'migration_version'), `${SEED},aggregate=4`),
      ).toBe(36);
      expectSys(
        () => world.host('h').sysfs.write(typePath(parent, V54, 'migration_version'), `${SEED},aggregate=5`),
        'EINVAL',
      );
    }
  });
});
