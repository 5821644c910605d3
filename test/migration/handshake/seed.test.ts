import { beforeEach, describe, expect, it } from 'vitest';
import { checkCompatibility } from '../../../migration/handshake/check.ts';
import type { Touched } from '../../../migration/handshake/verdict.ts';
import type { World } from '../../../sysfs/world.ts';
import { expectSys } from '../../helpers/errors.ts';
import {
  attributeOf,
  DST_UUID,
  devicePath,
  GVT,
  OLD_UUID,
  REVISIONS,
  SEED_UUID,
  seedString,
  seedWorld,
  snapshot,
  TWIN_UUID,
  typePath,
  V54,
} from './fixtures.ts';

/**
 * The seed's three cases verbatim (ecosystem.md §4.1–§4.2, kernel.md §2.2–§2.3), once per proposal
 * revision and once per userspace door: the path API (`host.sysfs`), the Node-fs adapter
 * (`host.fs`) and the userspace check (`checkCompatibility`).
 */
describe.each(REVISIONS)('the seed under %s', (revision) => {
  const attr = attributeOf(revision);
  const text = seedString(revision);
  const bytes = text.length + 1;
  /** The source read through its device, as the seed does: `<uuid>/mdev_type/<attr>` (R2). */
  const srcAttr = devicePath(SEED_UUID, `mdev_type/${attr}`);
  const dstAttr = typePath(GVT, V54, attr);
  let world: World;
  beforeEach(async () => {
    world = await seedWorld(revision);
  });
  const sysfs = (host: string) => world.host(host).sysfs;
  const fs = (host: string) => world.host(host).fs;

  describe(`host.sysfs (attribute \`${attr}\`)`, () => {
    it(`case 1 (R2, R3): cat gives '${text}\\n'; echo into the same GPU's ${V54} returns ${bytes}`, () => {
      const read = sysfs('src').read(srcAttr);
      expect(read).toBe(`${text}\n`);
      expect(sysfs('src').read(typePath(GVT, V54, attr))).toBe(read);
      expect(sysfs('src').write(dstAttr, read)).toBe(bytes);
    });

    it('case 2 (R3, R6, kernel.md §2.3): the same string into the 8086:191b parent → EINVAL', () => {
      expect(sysfs('dst').read(dstAttr)).not.toBe(`${text}\n`);
      expectSys(() => sysfs('dst').write(dstAttr, sysfs('src').read(srcAttr)), 'EINVAL', 'write', dstAttr);
    });

    it('case 3 (R1): migration: false has no attribute: read → ENOENT; write(2) without O_CREAT → ENOENT', () => {
      const oldAttr = devicePath(OLD_UUID, `mdev_type/${attr}`);
      expect(sysfs('old').readdir(typePath(GVT, V54))).not.toContain(attr);
      expectSys(() => sysfs('old').read(oldAttr), 'ENOENT', 'open', oldAttr);
      expectSys(() => sysfs('old').write(typePath(GVT, V54, attr), `${text}\n`), 'ENOENT', 'open');
    });

    it('R1: the attribute is rw (0644) on every type when migration is on', () => {
      for (const type of world.host('src').kernel.parents.get(GVT)?.types.keys() ?? []) {
        expect(sysfs('src').stat(typePath(GVT, type, attr)).mode).toBe(0o644);
      }
    });
  });

  describe('host.fs (code written for a real /sys)', () => {
    it(`case 1: readFileSync then writeFileSync into the same GPU succeeds`, () => {
      const read = fs('src').readFileSync(srcAttr, 'latin1');
      expect(read).toBe(`${text}\n`);
      expect(() => fs('src').writeFileSync(dstAttr, read)).not.toThrow();
    });

    it('case 2: writeFileSync into the 8086:191b parent throws EINVAL (syscall write)', () => {
      const read = fs('src').readFileSync(srcAttr, 'latin1');
      expectSys(() => fs('dst').writeFileSync(dstAttr, read), 'EINVAL', 'write', dstAttr);
    });

    it('case 3: readFileSync → ENOENT; writeFileSync (O_CREAT, like `echo >`) → EACCES as kernfs does (§8)', () => {
      const oldType = typePath(GVT, V54, attr);
      expectSys(() => fs('old').readFileSync(oldType, 'latin1'), 'ENOENT', 'open', oldType);
      expectSys(() => fs('old').writeFileSync(oldType, `${text}\n`), 'EACCES', 'open', oldType);
      expect(fs('old').existsSync(oldType)).toBe(false);
    });
  });

  describe('checkCompatibility (type mode, R7)', () => {
    it('case 1: compatible at step 2; token is the string read, verbatim; the audit trail is exact', () => {
      const v = checkCompatibility({ fs: fs('src'), uuid: SEED_UUID }, { fs: fs('src'), parent: GVT });
      expect(v).toMatchObject({
        verdict: 'compatible',
        step: 2,
        sourceType: V54,
        targetType: V54,
        attribute: attr,
        token: `${text}\n`,
      });
      expect(v.errno).toBeUndefined();
      const probes: Touched[] =
        revision === 'v2'
          ? [
              {
                side: 'source',
                op: 'exists',
                path: devicePath(SEED_UUID, 'mdev_type/migration_version'),
                result: 'absent',
              },
              { side: 'source', op: 'exists', path: srcAttr, result: 'ok' },
            ]
          : [{ side: 'source', op: 'exists', path: srcAttr, result: 'ok' }];
      expect(v.touched).toEqual([
        { side: 'source', op: 'readlink', path: devicePath(SEED_UUID, 'mdev_type'), result: 'ok' },
        { side: 'target', op: 'exists', path: typePath(GVT, V54), result: 'ok' },
        ...probes,
        { side: 'source', op: 'read', path: srcAttr, result: 'ok', text: `${text}\n` },
        { side: 'source', op: 'exists', path: devicePath(SEED_UUID, 'create_parameters'), result: 'absent' },
        { side: 'target', op: 'write', path: dstAttr, result: 'ok' },
      ]);
    });

    it('case 2: incompatible at step 2 with EINVAL, after writing the unchanged string', () => {
      const v = checkCompatibility({ fs: fs('src'), uuid: SEED_UUID }, { fs: fs('dst'), parent: GVT });
      expect(v).toMatchObject({
        verdict: 'incompatible',
        step: 2,
        errno: 'EINVAL',
        attribute: attr,
        token: `${text}\n`,
      });
      expect(v.touched.at(-1)).toEqual({ side: 'target', op: 'write', path: dstAttr, result: 'EINVAL' });
    });

    it('case 3: not-migratable at step 1 with ENOENT; nothing is written', () => {
      const before = snapshot(world);
      const v = checkCompatibility({ fs: fs('old'), uuid: OLD_UUID }, { fs: fs('src'), parent: GVT });
      expect(v).toMatchObject({ verdict: 'not-migratable', step: 1, errno: 'ENOENT', sourceType: V54 });
      expect(v.attribute).toBeUndefined();
      expect(v.token).toBeUndefined();
      expect(v.touched.filter((t) => t.op === 'write' || t.op === 'read')).toEqual([]);
      expect(snapshot(world)).toEqual(before);
    });

    it('R2: the check works before any device exists, from the type on the parent', () => {
      const source = { fs: fs('src'), parent: GVT, type: V54 };
      expect(checkCompatibility(source, { fs: fs('src'), parent: GVT }).verdict).toBe('compatible');
      expect(checkCompatibility(source, { fs: fs('dst'), parent: GVT })).toMatchObject({
        verdict: 'incompatible',
        step: 2,
        errno: 'EINVAL',
      });
    });

    it('R7: the target may be a device: its mdev_type link names the type and holds the attribute', () => {
      const source = { fs: fs('src'), uuid: SEED_UUID };
      expect(checkCompatibility(source, { fs: fs('src'), uuid: TWIN_UUID })).toMatchObject({
        verdict: 'compatible',
        step: 2,
      });
      expect(checkCompatibility(source, { fs: fs('dst'), uuid: DST_UUID })).toMatchObject({
        verdict: 'incompatible',
        step: 2,
        errno: 'EINVAL',
      });
    });
  });

  if (revision === 'v5') {
    describe('v5: the device-node copy (R9)', () => {
      const srcDev = devicePath(SEED_UUID, 'migration_version');

      it('each instance has migration_version (0644) beside mdev_type and remove, showing the type string', () => {
        expect(sysfs('src').readdir(devicePath(SEED_UUID))).toEqual([
          'mdev_type',
          'remove',
          'migration_version',
        ]);
        expect(sysfs('src').stat(srcDev).mode).toBe(0o644);
        expect(sysfs('src').read(srcDev)).toBe(`${text}\n`);
        expect(sysfs('old').readdir(devicePath(OLD_UUID))).toEqual(['mdev_type', 'remove']);
      });

      it(`case 1: cat the device node, echo into a same-GPU device returns ${bytes}; via fs too`, () => {
        const read = sysfs('src').read(srcDev);
        expect(sysfs('src').write(devicePath(TWIN_UUID, 'migration_version'), read)).toBe(bytes);
        expect(() => fs('src').writeFileSync(devicePath(TWIN_UUID, 'migration_version'), read)).not.toThrow();
      });

      it('case 2: into the device on 8086:191b → EINVAL', () => {
        const target = devicePath(DST_UUID, 'migration_version');
        expectSys(() => sysfs('dst').write(target, sysfs('src').read(srcDev)), 'EINVAL', 'write', target);
        expectSys(() => fs('dst').writeFileSync(target, fs('src').readFileSync(srcDev)), 'EINVAL', 'write');
      });

      it('case 3: the device on old has none: read → ENOENT, echo > → EACCES', () => {
        const oldDev = devicePath(OLD_UUID, 'migration_version');
        expectSys(() => sysfs('old').read(oldDev), 'ENOENT', 'open');
        expectSys(() => fs('old').writeFileSync(oldDev, `${text}\n`), 'EACCES', 'open');
      });

      it('checkCompatibility mode instance: compatible / incompatible step 2 EINVAL / not-migratable step 1 ENOENT', () => {
        const check = (host: string, uuid: string, targetHost: string, target: string) =>
          checkCompatibility(
            { fs: fs(host), uuid },
            { fs: fs(targetHost), uuid: target },
            { mode: 'instance' },
          );
        expect(check('src', SEED_UUID, 'src', TWIN_UUID)).toMatchObject({
          verdict: 'compatible',
          step: 2,
          attribute: 'migration_version',
          token: `${text}\n`,
        });
        expect(check('src', SEED_UUID, 'dst', DST_UUID)).toMatchObject({
          verdict: 'incompatible',
          step: 2,
          errno: 'EINVAL',
        });
        expect(check('old', OLD_UUID, 'src', TWIN_UUID)).toMatchObject({
          verdict: 'not-migratable',
          step: 1,
          errno: 'ENOENT',
        });
        const v = check('src', SEED_UUID, 'src', TWIN_UUID);
        expect(v.touched.map((t) => `${t.side} ${t.op} ${t.path} ${t.result}`)).toEqual([
          `source readlink ${devicePath(SEED_UUID, 'mdev_type')} ok`,
          `target readlink ${devicePath(TWIN_UUID, 'mdev_type')} ok`,
          `source exists ${srcDev} ok`,
          `source read ${srcDev} ok`,
          `target write ${devicePath(TWIN_UUID, 'migration_version')} ok`,
        ]);
      });
    });
  } else {
    it(`${revision}: no device-node copy (R9 is v5's): the instance has only mdev_type and remove; mode instance → not-migratable step 1 ENOENT`, () => {
      expect(sysfs('src').readdir(devicePath(SEED_UUID))).toEqual(['mdev_type', 'remove']);
      expect(
        checkCompatibility(
          { fs: fs('src'), uuid: SEED_UUID },
          { fs: fs('src'), uuid: TWIN_UUID },
          { mode: 'instance' },
        ),
      ).toMatchObject({ verdict: 'not-migratable', step: 1, errno: 'ENOENT' });
    });
  }
});
