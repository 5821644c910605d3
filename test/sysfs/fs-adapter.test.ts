import { beforeEach, describe, expect, it } from 'vitest';
import { SysError } from '../../core/sys-error.ts';
import type { Host } from '../../sysfs/host.ts';
import { expectSys, expectSysAsync } from '../helpers/errors.ts';
import { GVT_PARENT, loadMixedWorld, MIXED, typeDir, uuidN } from '../helpers/scenarios.ts';

const U = uuidN(1);
const MTTY1 = typeDir(MIXED.mtty, 'mtty-1');
const GVT4 = typeDir(MIXED.gvtg, 'i915-GVTg_V5_4');

describe('sysfs/fs-adapter: Node fs parity', () => {
  let host: Host;
  beforeEach(async () => {
    host = (await loadMixedWorld()).host('h');
    host.fs.writeFileSync(`${GVT4}/create`, `${U}\n`);
  });

  describe('readFileSync', () => {
    it('without encoding returns a Buffer of the bytes', () => {
      const data = host.fs.readFileSync(`${MTTY1}/available_instances`);
      expect(Buffer.isBuffer(data)).toBe(true);
      expect(data.equals(Buffer.from('24\n'))).toBe(true);
    });

    it("with 'utf8' or { encoding } returns a string; { encoding: null } a Buffer", () => {
      expect(host.fs.readFileSync(`${MTTY1}/name`, 'utf8')).toBe('Single port serial\n');
      expect(host.fs.readFileSync(`${MTTY1}/name`, { encoding: 'utf8' })).toBe('Single port serial\n');
      expect(host.fs.readFileSync(`${MTTY1}/name`, 'hex')).toBe(
        Buffer.from('Single port serial\n').toString('hex'),
      );
      expect(Buffer.isBuffer(host.fs.readFileSync(`${MTTY1}/name`, { encoding: null }))).toBe(true);
    });

    it('accepts a file: URL', () => {
      expect(host.fs.readFileSync(new URL(`file://${MTTY1}/device_api`), 'utf8')).toBe('vfio-pci\n');
    });

    it('errors are SysError with Node fields: code, positive errno, syscall, path, message', () => {
      const path = `${MTTY1}/create`;
      const e = expectSys(() => host.fs.readFileSync(path), 'EACCES', 'open', path);
      expect(e).toBeInstanceOf(Error);
      expect(e.errno).toBe(13);
      expect(e.message).toBe(`EACCES: permission denied, open '${path}'`);
      expectSys(() => host.fs.readFileSync(MTTY1), 'EISDIR', 'read');
    });
  });

  describe('writeFileSync', () => {
    it('a string (utf8 by default) or a Buffer reaches store()', () => {
      host.fs.writeFileSync(`${MTTY1}/create`, uuidN(2));
      host.fs.writeFileSync(`${MTTY1}/create`, Buffer.from(`${uuidN(3)}\n`));
      host.fs.writeFileSync(`${MTTY1}/create`, Buffer.from(uuidN(4)).toString('hex'), 'hex');
      expect(host.fs.readdirSync(`${MTTY1}/devices`)).toEqual([uuidN(2), uuidN(3), uuidN(4)]);
      expect(host.fs.readFileSync(`${MTTY1}/available_instances`, 'utf8')).toBe('21\n');
    });

    it('returns undefined on success and throws the store() errno', () => {
      expect(host.fs.writeFileSync(`/sys/bus/mdev/devices/${U}/remove`, '0')).toBeUndefined();
      expectSys(() => host.fs.writeFileSync(`${MTTY1}/create`, U), 'EEXIST', 'write', `${MTTY1}/create`);
    });

    it('kernfs has no create op: a missing name in an existing sysfs dir → EACCES at open', () => {
      const path = `${MTTY1}/new_file`;
      expectSys(() => host.fs.writeFileSync(path, '1'), 'EACCES', 'open', path);
      expectSys(() => host.fs.writeFileSync(`/sys/bus/mdev/devices/${U}/nope`, '1'), 'EACCES', 'open');
      expect(host.fs.existsSync(path)).toBe(false);
    });

    it('a missing name in a missing directory → ENOENT at open', () => {
      expectSys(() => host.fs.writeFileSync('/sys/nope/file', '1'), 'ENOENT', 'open', '/sys/nope/file');
    });
  });

  describe('readdirSync', () => {
    it('returns names in kernel order', () => {
      expect(host.fs.readdirSync(GVT_PARENT)).toEqual(['mdev_supported_types', 'vendor', 'device', U]);
    });

    it('withFileTypes gives Dirents that tell dirs, files and links apart', () => {
      const entries = host.fs.readdirSync(GVT_PARENT, { withFileTypes: true });
      expect(
        entries.map((d) => [d.name, d.isDirectory(), d.isFile(), d.isSymbolicLink(), d.parentPath]),
      ).toEqual([
        ['mdev_supported_types', true, false, false, GVT_PARENT],
        ['vendor', false, true, false, GVT_PARENT],
        ['device', false, true, false, GVT_PARENT],
        [U, true, false, false, GVT_PARENT],
      ]);
      const links = host.fs.readdirSync('/sys/bus/mdev/devices', { withFileTypes: true });
      expect(links.map((d) => [d.name, d.isSymbolicLink(), d.isDirectory()])).toEqual([[U, true, false]]);
    });

    it('withFileTypes on a path whose `..` follows a link types entries of the physical directory', () => {
      const viaLink = `/sys/bus/mdev/devices/${U}/..`;
      const entries = host.fs.readdirSync(viaLink, { withFileTypes: true });
      expect(entries.map((d) => [d.name, d.isDirectory()])).toEqual([
        ['mdev_supported_types', true],
        ['vendor', false],
        ['device', false],
        [U, true],
      ]);
    });

    it('ENOTDIR on a file, ENOENT on a missing dir, syscall scandir', () => {
      expectSys(() => host.fs.readdirSync(`${MTTY1}/name`), 'ENOTDIR', 'scandir');
      expectSys(() => host.fs.readdirSync('/sys/nope'), 'ENOENT', 'scandir');
    });
  });

  describe('statSync / lstatSync', () => {
    it('Stats helpers and fields', () => {
      const file = host.fs.statSync(`${MTTY1}/name`);
      expect(file?.isFile()).toBe(true);
      expect(file?.isDirectory()).toBe(false);
      expect(file?.size).toBe(4096);
      expect(file?.uid).toBe(0);
      const dir = host.fs.statSync(`/sys/bus/mdev/devices/${U}`);
      expect(dir?.isDirectory()).toBe(true);
      expect(dir?.isSymbolicLink()).toBe(false);
      expect(host.fs.lstatSync(`/sys/bus/mdev/devices/${U}`)?.isSymbolicLink()).toBe(true);
      expect(dir?.mtime).toBeInstanceOf(Date);
    });

    it('throwIfNoEntry: false → undefined for ENOENT; other errno (ENOTDIR) still throws, as in Node 20', () => {
      expect(host.fs.statSync(`${MTTY1}/nope`, { throwIfNoEntry: false })).toBeUndefined();
      expect(host.fs.lstatSync(`${MTTY1}/nope`, { throwIfNoEntry: false })).toBeUndefined();
      expectSys(() => host.fs.statSync(`${MTTY1}/nope`), 'ENOENT', 'stat');
      expectSys(() => host.fs.statSync(`${MTTY1}/name/x`, { throwIfNoEntry: false }), 'ENOTDIR', 'stat');
    });
  });

  describe('realpathSync, existsSync, readlinkSync, accessSync', () => {
    it('realpathSync resolves links and `..` physically', () => {
      expect(host.fs.realpathSync(`/sys/bus/mdev/devices/${U}/mdev_type/..`)).toBe(
        `${GVT_PARENT}/mdev_supported_types`,
      );
      expectSys(() => host.fs.realpathSync('/sys/bus/mdev/devices/nope'), 'ENOENT', 'realpath');
    });

    it('existsSync never throws', () => {
      expect(host.fs.existsSync(`/sys/bus/mdev/devices/${U}`)).toBe(true);
      expect(host.fs.existsSync(`${MTTY1}/create`)).toBe(true);
      expect(host.fs.existsSync(`${MTTY1}/nope`)).toBe(false);
      expect(host.fs.existsSync(`${MTTY1}/name/x`)).toBe(false);
      expect(host.fs.existsSync('relative')).toBe(false);
      expect(host.fs.existsSync('')).toBe(false);
      expect(host.fs.existsSync(`/${'x'.repeat(5000)}`)).toBe(false);
    });

    it('readlinkSync returns the relative target', () => {
      expect(host.fs.readlinkSync(`/sys/bus/mdev/devices/${U}`)).toBe(
        `../../../devices/pci0000:00/0000:00:02.0/${U}`,
      );
    });

    it('accessSync: F_OK checks existence; R_OK/W_OK apply the kernfs open rule', () => {
      expect(() => host.fs.accessSync(`${MTTY1}/create`)).not.toThrow();
      expect(() => host.fs.accessSync(`${MTTY1}/create`, 2)).not.toThrow();
      expectSys(() => host.fs.accessSync(`${MTTY1}/create`, 4), 'EACCES', 'open');
      expectSys(() => host.fs.accessSync(`${MTTY1}/name`, 2), 'EACCES', 'open');
      expectSys(() => host.fs.accessSync(`${MTTY1}/name`, 6), 'EACCES', 'open');
      expectSys(() => host.fs.accessSync(`${MTTY1}/nope`), 'ENOENT', 'stat');
    });
  });

  describe('promises forms', () => {
    it('resolve with the same values as the sync forms', async () => {
      const p = host.fs.promises;
      expect(await p.readFile(`${MTTY1}/name`, 'utf8')).toBe('Single port serial\n');
      expect(Buffer.isBuffer(await p.readFile(`${MTTY1}/name`))).toBe(true);
      await p.writeFile(`${MTTY1}/create`, uuidN(5));
      expect(await p.readdir(`${MTTY1}/devices`)).toEqual([uuidN(5)]);
      expect(await p.readlink(`/sys/bus/mdev/devices/${uuidN(5)}`)).toBe(
        `../../../devices/virtual/mtty/mtty/${uuidN(5)}`,
      );
      expect(await p.realpath(`/sys/bus/mdev/devices/${uuidN(5)}`)).toBe(
        `/sys/devices/virtual/mtty/mtty/${uuidN(5)}`,
      );
      expect((await p.stat(`/sys/bus/mdev/devices/${uuidN(5)}`)).isDirectory()).toBe(true);
      expect((await p.lstat(`/sys/bus/mdev/devices/${uuidN(5)}`)).isSymbolicLink()).toBe(true);
      await expect(p.access(`${MTTY1}/create`, 2)).resolves.toBeUndefined();
    });

    it('reject (never throw synchronously) with the same SysError', async () => {
      const p = host.fs.promises;
      let pending: Promise<unknown> | undefined;
      expect(() => {
        pending = p.readFile(`${MTTY1}/create`);
      }).not.toThrow();
      await expectSysAsync(pending ?? Promise.resolve(), 'EACCES', 'open');
      await expectSysAsync(p.writeFile(`${MTTY1}/create`, 'bad'), 'EINVAL', 'write');
      await expectSysAsync(p.writeFile(`${MTTY1}/new`, 'x'), 'EACCES', 'open');
      await expectSysAsync(p.stat('/sys/nope'), 'ENOENT', 'stat');
      await expectSysAsync(p.access(`${MTTY1}/name`, 2), 'EACCES', 'open');
      await expect(p.readlink(MTTY1)).rejects.toBeInstanceOf(SysError);
    });
  });
});
