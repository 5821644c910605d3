import { beforeEach, describe, expect, it } from 'vitest';
import type { SysfsApi } from '../../sysfs/api.ts';
import type { Host } from '../../sysfs/host.ts';
import { expectSys } from '../helpers/errors.ts';
import { loadRecordingWorld, REC_TYPE, type StoreCall } from '../helpers/recording-driver.ts';
import { loadMixedWorld, MIXED, typeDir, uuidN } from '../helpers/scenarios.ts';

const U = '5ac1fb20-2bbf-4842-bb7e-36c58c3be9cd';
const MTTY1 = typeDir(MIXED.mtty, 'mtty-1');
const GVT4 = typeDir(MIXED.gvtg, 'i915-GVTg_V5_4');

/** Every file reachable under `dir` without following links (a find -type f). */
function walkFiles(sysfs: SysfsApi, dir: string, out: string[] = []): string[] {
  for (const name of sysfs.readdir(dir)) {
    const path = `${dir}/${name}`;
    const kind = sysfs.lstat(path).kind;
    if (kind === 'dir') walkFiles(sysfs, path, out);
    else if (kind === 'file') out.push(path);
  }
  return out;
}

describe('kernel.md §8: kernfs rules', () => {
  let host: Host;
  beforeEach(async () => {
    host = (await loadMixedWorld()).host('h');
    host.sysfs.write(`${MTTY1}/create`, U);
    host.sysfs.write(`${typeDir(MIXED.aggr, 'i915-GVTg_V5_8')}/create`, `${uuidN(2)},aggregate=2`);
  });

  describe('open: the ops decide, not the mode bits (EACCES for root too)', () => {
    it.each([
      ['create', `${MTTY1}/create`],
      ['remove', `/sys/bus/mdev/devices/${U}/remove`],
    ])('reading %s (store only, 0200) → EACCES at open', (_name, path) => {
      expectSys(() => host.sysfs.read(path), 'EACCES', 'open', path);
      expectSys(() => host.fs.readFileSync(path), 'EACCES', 'open', path);
      expectSys(() => host.sysfs.access(path, 'r'), 'EACCES', 'open', path);
      expectSys(() => host.sysfs.access(path, 'rw'), 'EACCES', 'open', path);
      expect(() => host.sysfs.access(path, 'w')).not.toThrow();
    });

    it.each([
      ['name', `${MTTY1}/name`],
      ['available_instances', `${MTTY1}/available_instances`],
      ['device_api', `${MTTY1}/device_api`],
      ['description', `${GVT4}/description`],
      ['vendor/sample_mdev_dev', `/sys/bus/mdev/devices/${U}/vendor/sample_mdev_dev`],
      ['aggregated_instances', `/sys/bus/mdev/devices/${uuidN(2)}/aggregated_instances`],
      ['parent vendor', `/sys/class/mdev_bus/${MIXED.gvtg}/vendor`],
    ])('writing %s (show only, 0444) → EACCES at open; the value is unchanged', (_name, path) => {
      const before = host.sysfs.read(path);
      expectSys(() => host.sysfs.write(path, '1\n'), 'EACCES', 'open', path);
      expectSys(() => host.sysfs.write(path, ''), 'EACCES', 'open', path);
      expectSys(() => host.fs.writeFileSync(path, '1'), 'EACCES', 'open', path);
      expectSys(() => host.sysfs.access(path, 'w'), 'EACCES', 'open', path);
      expect(host.sysfs.read(path)).toBe(before);
    });

    it('a write to a show-only attribute never reaches the capacity: available_instances stays 23', () => {
      expectSys(() => host.sysfs.write(`${MTTY1}/available_instances`, '100'), 'EACCES');
      expect(host.sysfs.read(`${MTTY1}/available_instances`)).toBe('23\n');
    });
  });

  describe('write size: each write(2) is cut to PAGE_SIZE (4096)', () => {
    it('a 5000-byte write to create → EINVAL from the first 4096-byte chunk (count > 37)', () => {
      expectSys(() => host.sysfs.write(`${MTTY1}/create`, `${uuidN(9)}${'\n'.repeat(4964)}`), 'EINVAL');
      expect(host.sysfs.exists(`/sys/bus/mdev/devices/${uuidN(9)}`)).toBe(false);
    });

    it('store() sees at most the first 4096 bytes and write returns what store() returns (short write)', async () => {
      const calls: StoreCall[] = [];
      const rec = (await loadRecordingWorld(calls)).host('h');
      const data = Buffer.alloc(5000, 0x61);
      data[4095] = 0x62;
      data[4096] = 0x63;
      expect(rec.sysfs.write(`${REC_TYPE}/sink`, data)).toBe(4096);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.buf.length).toBe(4096);
      expect(calls[0]?.buf.endsWith('ab')).toBe(true);
    });

    it('fs.writeFileSync loops over short writes: the rest reaches store() as a separate buffer', async () => {
      const calls: StoreCall[] = [];
      const rec = (await loadRecordingWorld(calls)).host('h');
      const data = Buffer.alloc(9000, 0x61);
      rec.fs.writeFileSync(`${REC_TYPE}/sink`, data);
      expect(calls.map((c) => c.buf.length)).toEqual([4096, 4096, 808]);
      expect(calls.map((c) => c.buf).join('')).toBe(data.toString('latin1'));
    });

    it('fs.writeFileSync resumes after whatever store() consumed (store returning less than the count)', async () => {
      const calls: StoreCall[] = [];
      const rec = (await loadRecordingWorld(calls)).host('h');
      rec.fs.writeFileSync(`${REC_TYPE}/half`, '0123456789');
      expect(calls.map((c) => c.buf)).toEqual(['0123456789', '56789', '789', '89', '9']);
      expect(rec.sysfs.write(`${REC_TYPE}/half`, '0123456789')).toBe(5);
    });

    it('remove: "0" + 4095 NULs + "1" (4097 bytes) is a no-op in one write(2) but destroys through writeFileSync', () => {
      const remove = `/sys/bus/mdev/devices/${U}/remove`;
      const data = `0${'\0'.repeat(4095)}1`;
      expect(host.sysfs.write(remove, data)).toBe(4096);
      expect(host.sysfs.exists(`/sys/bus/mdev/devices/${U}`)).toBe(true);
      host.fs.writeFileSync(remove, data);
      expect(host.sysfs.exists(`/sys/bus/mdev/devices/${U}`)).toBe(false);
    });
  });

  describe('zero-length write returns 0 without calling store()', () => {
    it('path API and fs adapter, on a recording attribute', async () => {
      const calls: StoreCall[] = [];
      const rec = (await loadRecordingWorld(calls)).host('h');
      expect(rec.sysfs.write(`${REC_TYPE}/sink`, '')).toBe(0);
      expect(rec.sysfs.write(`${REC_TYPE}/sink`, new Uint8Array(0))).toBe(0);
      rec.fs.writeFileSync(`${REC_TYPE}/sink`, '');
      expect(calls).toEqual([]);
    });

    it('on create (which would answer EINVAL for < 36 bytes) and remove (EINVAL for no digits)', () => {
      expect(host.sysfs.write(`${MTTY1}/create`, '')).toBe(0);
      expect(host.sysfs.write(`/sys/bus/mdev/devices/${U}/remove`, '')).toBe(0);
      expect(host.sysfs.readdir('/sys/bus/mdev/devices')).toEqual([U, uuidN(2)]);
    });
  });

  describe('buffer: store() sees a C string; bytes after a NUL are invisible to guid_parse', () => {
    it('`<uuid>\\0` is 37 bytes and valid', () => {
      expect(host.sysfs.write(`${MTTY1}/create`, `${uuidN(3)}\0`)).toBe(37);
      expect(host.sysfs.exists(`/sys/bus/mdev/devices/${uuidN(3)}`)).toBe(true);
    });

    it('`<uuid>\\0x` is 38 bytes → EINVAL (the length check counts every byte)', () => {
      expectSys(() => host.sysfs.write(`${MTTY1}/create`, `${uuidN(3)}\0x`), 'EINVAL');
      expect(host.sysfs.exists(`/sys/bus/mdev/devices/${uuidN(3)}`)).toBe(false);
    });

    it('a NUL inside the UUID → EINVAL', () => {
      expectSys(
        () => host.sysfs.write(`${MTTY1}/create`, `${uuidN(3).slice(0, 20)}\0${uuidN(3).slice(21)}`),
        'EINVAL',
      );
    });

    it('the raw bytes, NULs and non-UTF-8 included, reach store() one char per byte (latin1)', async () => {
      const calls: StoreCall[] = [];
      const rec = (await loadRecordingWorld(calls)).host('h');
      expect(rec.sysfs.write(`${REC_TYPE}/sink`, Uint8Array.of(0x31, 0, 0xff, 0xfe, 0x0a))).toBe(5);
      expect(rec.sysfs.write(`${REC_TYPE}/sink`, 'é')).toBe(2);
      expect(calls.map((c) => c.buf)).toEqual(['1\0\xff\xfe\n', '\xc3\xa9']);
    });
  });

  describe('read', () => {
    it('every readable attribute of the tree ends in exactly one newline and fits a page', () => {
      const files = walkFiles(host.sysfs, '/sys/devices');
      expect(files.length).toBeGreaterThan(60);
      let readable = 0;
      for (const path of files) {
        const mode = host.sysfs.stat(path).mode;
        if ((mode & 0o444) === 0) continue;
        const text = host.sysfs.read(path);
        readable++;
        expect(text.endsWith('\n'), path).toBe(true);
        expect(text.endsWith('\n\n'), path).toBe(false);
        expect(text.length, path).toBeLessThanOrEqual(4096);
      }
      expect(readable).toBeGreaterThan(40);
    });

    it('show() fills at most one page: a 5000-byte show is cut to 4096', async () => {
      const long = `${'y'.repeat(4999)}\n`;
      const rec = (await loadRecordingWorld([], () => long)).host('h');
      expect(rec.sysfs.read(`${REC_TYPE}/echo`)).toBe(long.slice(0, 4096));
    });

    it('a driver callback that throws is a kernel bug: the caller gets EIO, never the exception', async () => {
      const rec = (await loadRecordingWorld([])).host('h');
      expectSys(() => rec.sysfs.read(`${REC_TYPE}/boom`), 'EIO', 'read');
      expectSys(() => rec.sysfs.write(`${REC_TYPE}/boom`, '1'), 'EIO', 'write');
    });
  });

  describe('stat: attributes report PAGE_SIZE and their mode from show/store', () => {
    it('0444 for show-only, 0200 for store-only, 0644 for both; size 4096', async () => {
      expect(host.sysfs.stat(`${MTTY1}/name`)).toMatchObject({ kind: 'file', mode: 0o444, size: 4096 });
      expect(host.sysfs.stat(`${MTTY1}/available_instances`)).toMatchObject({ mode: 0o444, size: 4096 });
      expect(host.sysfs.stat(`${MTTY1}/create`)).toMatchObject({ kind: 'file', mode: 0o200, size: 4096 });
      expect(host.sysfs.stat(`/sys/bus/mdev/devices/${U}/remove`)).toMatchObject({ mode: 0o200, size: 4096 });
      const rec = (await loadRecordingWorld([])).host('h');
      expect(rec.sysfs.stat(`${REC_TYPE}/sink`)).toMatchObject({ kind: 'file', mode: 0o644, size: 4096 });
    });

    it('directories 0755 size 0; links 0777 with the target length as size', () => {
      expect(host.sysfs.stat(MTTY1)).toMatchObject({ kind: 'dir', mode: 0o755, size: 0 });
      const link = `/sys/bus/mdev/devices/${U}`;
      expect(host.sysfs.lstat(link)).toMatchObject({
        kind: 'link',
        mode: 0o777,
        size: `../../../devices/virtual/mtty/mtty/${U}`.length,
      });
    });

    it('fs.statSync carries the file type bits (S_IFREG|0444, S_IFREG|0200, S_IFDIR|0755, S_IFLNK|0777)', () => {
      expect(host.fs.statSync(`${MTTY1}/name`)?.mode).toBe(0o100444);
      expect(host.fs.statSync(`${MTTY1}/create`)?.mode).toBe(0o100200);
      expect(host.fs.statSync(MTTY1)?.mode).toBe(0o040755);
      expect(host.fs.lstatSync(`/sys/bus/mdev/devices/${U}`)?.mode).toBe(0o120777);
    });
  });

  describe('errno of the path walk and of the wrong node kind', () => {
    it('ENOENT for a missing name, at open for read/write and at stat', () => {
      const path = `${MTTY1}/nope`;
      expectSys(() => host.sysfs.read(path), 'ENOENT', 'open', path);
      expectSys(() => host.sysfs.write(path, '1'), 'ENOENT', 'open', path);
      expectSys(() => host.sysfs.stat(path), 'ENOENT', 'stat', path);
      expectSys(() => host.sysfs.lstat(path), 'ENOENT', 'lstat', path);
      expectSys(() => host.sysfs.readlink(path), 'ENOENT', 'readlink', path);
      expectSys(() => host.sysfs.readdir(path), 'ENOENT', 'scandir', path);
      expectSys(() => host.sysfs.realpath(path), 'ENOENT', 'realpath', path);
      expect(host.sysfs.exists(path)).toBe(false);
    });

    it('ENOTDIR when a file is used as a directory', () => {
      expectSys(() => host.sysfs.read(`${MTTY1}/name/x`), 'ENOTDIR', 'open');
      expectSys(() => host.sysfs.stat(`${MTTY1}/name/x`), 'ENOTDIR', 'stat');
      expectSys(() => host.sysfs.readdir(`${MTTY1}/name`), 'ENOTDIR', 'scandir');
    });

    it('EISDIR: read(2) of a directory fails at read; opening a directory for write fails at open', () => {
      expectSys(() => host.sysfs.read(MTTY1), 'EISDIR', 'read', MTTY1);
      expectSys(() => host.sysfs.write(MTTY1, '1'), 'EISDIR', 'open', MTTY1);
      expectSys(() => host.sysfs.access(MTTY1, 'w'), 'EISDIR', 'open');
      expect(() => host.sysfs.access(MTTY1, 'r')).not.toThrow();
    });

    it('EINVAL on readlink of a non-link (file or directory)', () => {
      expectSys(() => host.sysfs.readlink(`${MTTY1}/name`), 'EINVAL', 'readlink', `${MTTY1}/name`);
      expectSys(() => host.sysfs.readlink(MTTY1), 'EINVAL', 'readlink');
      expectSys(() => host.fs.readlinkSync('/sys/devices'), 'EINVAL', 'readlink');
    });

    it('ENAMETOOLONG for a path of PATH_MAX bytes or a component over NAME_MAX (255)', () => {
      expectSys(() => host.sysfs.stat(`/sys/${'a'.repeat(4092)}`), 'ENAMETOOLONG', 'stat');
      expectSys(() => host.sysfs.stat(`/sys/${'a'.repeat(256)}`), 'ENAMETOOLONG', 'stat');
      expectSys(() => host.sysfs.stat(`/sys/${'a'.repeat(255)}`), 'ENOENT', 'stat');
    });
  });
});
