/**
 * The FUSE operations over a SysfsApi, called directly (no kernel, no native code): these run
 * everywhere, including where /dev/fuse or libfuse2 is missing.
 */
import { describe, expect, it } from 'vitest';
import { SysError } from '../../core/sys-error.ts';
import { buildFuseOptions, FuseMountError } from '../../sysfs/fuse/mount.ts';
import { parseMountinfo } from '../../sysfs/fuse/mountinfo.ts';
import type { FuseOps, FuseStat } from '../../sysfs/fuse/native.ts';
import { classifyLoadError } from '../../sysfs/fuse/native.ts';
import { createSysfsFuseOps, type InternalErrorReport, KERNFS_WRITE_MAX } from '../../sysfs/fuse/ops.ts';
import { type FakeSysfs, smallTree } from './fake-sysfs.ts';

const X = '/sys/devices/platform/fake/types/x';
const UUID = '8d0b7b8a-1c5e-4f0e-9a43-4b3d9c0f2e11';

const O_RDONLY = 0;
const O_WRONLY = 1;
const O_RDWR = 2;

function getattr(ops: FuseOps, path: string): Promise<{ code: number; stat?: FuseStat }> {
  return new Promise((done) =>
    ops.getattr(path, (code, stat) => done(stat === undefined ? { code } : { code, stat })),
  );
}
function open(ops: FuseOps, path: string, flags: number): Promise<{ code: number; fd: number }> {
  return new Promise((done) => ops.open(path, flags, (code, fd) => done({ code, fd: fd ?? 0 })));
}
function read(
  ops: FuseOps,
  path: string,
  fd: number,
  len: number,
  pos: number,
): Promise<{ n: number; text: string }> {
  const buf = Buffer.alloc(len);
  return new Promise((done) =>
    ops.read(path, fd, buf, len, pos, (n) => done({ n, text: n > 0 ? buf.toString('utf8', 0, n) : '' })),
  );
}
function write(ops: FuseOps, path: string, fd: number, data: Buffer): Promise<number> {
  return new Promise((done) => ops.write(path, fd, data, data.length, 0, done));
}
function simple(fn: (cb: (code: number) => void) => void): Promise<number> {
  return new Promise((done) => fn(done));
}

function setup(root?: string): {
  fake: FakeSysfs;
  ops: FuseOps;
  reports: InternalErrorReport[];
  open: () => number;
} {
  const fake = smallTree();
  const reports: InternalErrorReport[] = [];
  const made = createSysfsFuseOps(fake, {
    ...(root === undefined ? {} : { root }),
    time: new Date(0),
    onInternalError: (r) => reports.push(r),
  });
  return { fake, ops: made.ops, reports, open: made.openFileCount };
}

describe('getattr', () => {
  it('reports sysfs modes, sizes and the API inode numbers, without following links', async () => {
    const { ops, fake } = setup();
    const dir = await getattr(ops, X);
    expect(dir.code).toBe(0);
    expect(dir.stat?.mode).toBe(0o40755);
    expect(dir.stat?.size).toBe(0);
    expect((await getattr(ops, `${X}/name`)).stat).toMatchObject({
      mode: 0o100444,
      size: 4096,
      uid: 0,
      gid: 0,
    });
    expect((await getattr(ops, `${X}/create`)).stat?.mode).toBe(0o100200);
    expect((await getattr(ops, `${X}/rate`)).stat?.mode).toBe(0o100644);
    const link = await getattr(ops, '/sys/devices/platform/fake/dev0/type');
    expect(link.stat).toMatchObject({ mode: 0o120777, size: '../types/x'.length });
    expect(link.stat?.ino).toBe(fake.lstat('/sys/devices/platform/fake/dev0/type').ino);
  });

  it('answers ENOENT and ENOTDIR as negative errno', async () => {
    const { ops } = setup();
    expect((await getattr(ops, '/sys/nope')).code).toBe(-2);
    expect((await getattr(ops, `${X}/name/deeper`)).code).toBe(-20);
  });

  it('maps the mount root to an API subtree', async () => {
    const { ops } = setup('/sys');
    expect((await getattr(ops, '/devices/platform/fake/types/x/name')).stat?.mode).toBe(0o100444);
    expect((await getattr(ops, '/')).stat?.mode).toBe(0o40755);
  });
});

describe('readdir and readlink', () => {
  it('lists . and .. first, then the entries', async () => {
    const { ops } = setup();
    const { names, stats } = await new Promise<{ names: string[]; stats: FuseStat[] }>((done) =>
      ops.readdir(X, (_code, names, stats) => done({ names: names ?? [], stats: stats ?? [] })),
    );
    expect(names).toEqual(['.', '..', 'broken', 'create', 'name', 'rate']);
    expect(stats.map((s) => s.mode)).toEqual([0o40755, 0o40755, 0o100444, 0o100200, 0o100444, 0o100644]);
  });

  it('returns the relative target as the API gives it; EINVAL on a non-link', async () => {
    const { ops } = setup();
    const target = await new Promise<string | undefined>((done) =>
      ops.readlink('/sys/devices/platform/fake/dev0/type', (_c, t) => done(t)),
    );
    expect(target).toBe('../types/x');
    expect(await simple((cb) => ops.readlink(`${X}/name`, (c) => cb(c)))).toBe(-22);
  });
});

describe('open', () => {
  it('refuses a wrong-direction open with EACCES (kernfs checks the ops, root included)', async () => {
    const { ops } = setup();
    expect((await open(ops, `${X}/name`, O_WRONLY)).code).toBe(-13);
    expect((await open(ops, `${X}/name`, O_RDWR)).code).toBe(-13);
    expect((await open(ops, `${X}/create`, O_RDONLY)).code).toBe(-13);
    expect((await open(ops, `${X}/create`, O_RDWR)).code).toBe(-13);
    expect((await open(ops, `${X}/create`, O_WRONLY)).code).toBe(0);
    expect((await open(ops, `${X}/rate`, O_RDWR)).code).toBe(0);
    expect((await open(ops, `${X}/name`, O_RDONLY | 0o100000)).code).toBe(0);
  });

  it('hands out non-zero handles and forgets them on release', async () => {
    const { ops, open: count } = setup();
    const a = await open(ops, `${X}/name`, O_RDONLY);
    const b = await open(ops, `${X}/name`, O_RDONLY);
    expect(a.fd).toBeGreaterThan(0);
    expect(b.fd).not.toBe(a.fd);
    expect(count()).toBe(2);
    await simple((cb) => ops.release(`${X}/name`, a.fd, cb));
    await simple((cb) => ops.release(`${X}/name`, b.fd, cb));
    expect(count()).toBe(0);
  });
});

describe('read', () => {
  it('serves show() text by offset; offset 0 calls show() again', async () => {
    const { ops, fake } = setup();
    const { fd } = await open(ops, `${X}/rate`, O_RDONLY);
    expect(await read(ops, `${X}/rate`, fd, 4096, 0)).toEqual({ n: 3, text: '10\n' });
    expect(await read(ops, `${X}/rate`, fd, 4096, 3)).toEqual({ n: 0, text: '' });
    fake.write(`${X}/rate`, '42');
    // A continued read still sees the snapshot of the read at offset 0 (seq_file keeps its buffer)...
    expect(await read(ops, `${X}/rate`, fd, 1, 1)).toEqual({ n: 1, text: '0' });
    // ...and a re-read from 0 calls show() again.
    expect(await read(ops, `${X}/rate`, fd, 4096, 0)).toEqual({ n: 3, text: '42\n' });
    expect(await read(ops, `${X}/rate`, fd, 2, 1)).toEqual({ n: 2, text: '2\n' });
  });

  it('returns the errno show() fails with', async () => {
    const { ops } = setup();
    const { fd } = await open(ops, `${X}/broken`, O_RDONLY);
    expect((await read(ops, `${X}/broken`, fd, 4096, 0)).n).toBe(-19);
  });

  it('EBADF for an unknown handle or a handle opened write-only', async () => {
    const { ops } = setup();
    expect((await read(ops, `${X}/rate`, 999, 10, 0)).n).toBe(-9);
    const { fd } = await open(ops, `${X}/rate`, O_WRONLY);
    expect((await read(ops, `${X}/rate`, fd, 10, 0)).n).toBe(-9);
  });
});

describe('write', () => {
  it('passes each write to the API and returns its count or errno', async () => {
    const { ops, fake } = setup();
    const { fd } = await open(ops, `${X}/create`, O_WRONLY);
    expect(await write(ops, `${X}/create`, fd, Buffer.from(`${UUID}\n`))).toBe(37);
    expect(await write(ops, `${X}/create`, fd, Buffer.from('x\n'))).toBe(-22);
    expect(fake.calls.filter((c) => c.op === 'write').map((c) => c.data)).toEqual([`${UUID}\n`, 'x\n']);
  });

  it('cuts a write to 4096 bytes, so the caller sees a short write', async () => {
    const { ops, fake } = setup();
    const { fd } = await open(ops, `${X}/rate`, O_WRONLY);
    expect(await write(ops, `${X}/rate`, fd, Buffer.alloc(5000, 0x37))).toBe(KERNFS_WRITE_MAX);
    expect(fake.calls.at(-1)?.length).toBe(4096);
  });

  it('returns 0 for a zero-length write without calling the API', async () => {
    const { ops, fake } = setup();
    const { fd } = await open(ops, `${X}/rate`, O_WRONLY);
    expect(await write(ops, `${X}/rate`, fd, Buffer.alloc(0))).toBe(0);
    expect(fake.calls).toEqual([]);
  });

  it('copies the buffer (libfuse reuses its memory after the answer)', async () => {
    const { ops } = setup();
    const fake2 = smallTree();
    let kept: Uint8Array | undefined;
    fake2.wo('/sys/keep', (_t, bytes) => {
      kept = bytes;
      return bytes.length;
    });
    const { ops: ops2 } = createSysfsFuseOps(fake2);
    const { fd } = await open(ops2, '/sys/keep', O_WRONLY);
    const buf = Buffer.from('abc');
    expect(await write(ops2, '/sys/keep', fd, buf)).toBe(3);
    buf.fill(0);
    expect(Buffer.from(kept ?? []).toString()).toBe('abc');
    expect(ops).toBeDefined();
  });
});

describe('errors', () => {
  it('turns a non-SysError exception into EIO and reports it once', async () => {
    const { ops, fake, reports } = setup();
    fake.ro('/sys/boom', () => {
      throw new TypeError('bug in show');
    });
    const { fd } = await open(ops, '/sys/boom', O_RDONLY);
    expect((await read(ops, '/sys/boom', fd, 100, 0)).n).toBe(-5);
    expect((await read(ops, '/sys/boom', fd, 100, 0)).n).toBe(-5);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ op: 'read', path: '/sys/boom' });
  });

  it('takes the errno of any SysError-shaped error (Node fs errors carry a negative errno)', async () => {
    const { ops, fake } = setup();
    fake.ro('/sys/nodeerr', () => {
      throw Object.assign(new Error('EBUSY: resource busy'), { code: 'EBUSY', errno: -16, syscall: 'read' });
    });
    const { fd } = await open(ops, '/sys/nodeerr', O_RDONLY);
    expect((await read(ops, '/sys/nodeerr', fd, 100, 0)).n).toBe(-16);
    fake.ro('/sys/sys', () => {
      throw new SysError('ENODATA', 'read', '/sys/sys');
    });
    const h = await open(ops, '/sys/sys', O_RDONLY);
    expect((await read(ops, '/sys/sys', h.fd, 100, 0)).n).toBe(-61);
  });

  it('refuses to create or remove names like sysfs does', async () => {
    const { ops } = setup();
    expect(await simple((cb) => ops.create(`${X}/new`, 0o644, (c) => cb(c)))).toBe(-13);
    expect(await simple((cb) => ops.mknod(`${X}/new`, 0o644, 0, cb))).toBe(-1);
    expect(await simple((cb) => ops.mkdir(`${X}/d`, 0o755, cb))).toBe(-1);
    expect(await simple((cb) => ops.unlink(`${X}/rate`, cb))).toBe(-1);
    expect(await simple((cb) => ops.rmdir(X, cb))).toBe(-1);
    expect(await simple((cb) => ops.symlink('a', `${X}/l`, cb))).toBe(-1);
    expect(await simple((cb) => ops.rename(`${X}/rate`, `${X}/r2`, cb))).toBe(-1);
  });

  it('accepts truncate on attributes (bash `>` opens with O_TRUNC), EISDIR on directories', async () => {
    const { ops } = setup();
    expect(await simple((cb) => ops.truncate(`${X}/rate`, 0, cb))).toBe(0);
    expect(await simple((cb) => ops.truncate(`${X}/name`, 0, cb))).toBe(0);
    expect(await simple((cb) => ops.truncate(X, 0, cb))).toBe(-21);
    expect(await simple((cb) => ops.truncate(`${X}/none`, 0, cb))).toBe(-2);
  });
});

describe('mount plumbing without a mount', () => {
  it('builds the documented option set', () => {
    expect(buildFuseOptions({ allowOther: false })).toEqual([
      'fsname=mdevsim',
      'subtype=mdevsim',
      'default_permissions',
      'direct_io',
      'entry_timeout=0',
      'negative_timeout=0',
      'attr_timeout=0',
      'use_ino',
      'big_writes',
      'max_write=131072',
    ]);
    expect(buildFuseOptions({ allowOther: true, allowNonEmpty: true })).toEqual(
      expect.arrayContaining(['allow_other', 'nonempty']),
    );
    expect(() => buildFuseOptions({ fsname: 'a,b' })).toThrow(FuseMountError);
  });

  it('says what to install when libfuse.so.2 or /dev/fuse is missing', () => {
    const lib = classifyLoadError(
      new Error('libfuse.so.2: cannot open shared object file: No such file or directory'),
    );
    expect(lib).toMatchObject({ ok: false, reason: 'no-libfuse2' });
    expect(lib.message).toContain('apt-get install libfuse2');
    const other = classifyLoadError(new Error('something else\nstack'));
    expect(other).toMatchObject({ ok: false, reason: 'load-failed' });
    expect(other.message).toBe('FUSE is not available: fuse-native failed to load (something else).');
  });

  it('parses mountinfo, octal escapes included', () => {
    const [m] = parseMountinfo(
      '42 27 0:39 / /tmp/a\\040b rw,nosuid,nodev,relatime shared:1 - fuse.mdevsim mdevsim rw,user_id=0,group_id=0\n',
    );
    expect(m).toMatchObject({
      mountId: 42,
      mountPoint: '/tmp/a b',
      fsType: 'fuse.mdevsim',
      source: 'mdevsim',
    });
  });
});
