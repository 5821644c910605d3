/**
 * A real FUSE mount of a fake SysfsApi, driven by real programs (bash, coreutils, python3's
 * os.write for exact write(2) return values). Programs run asynchronously: this process serves
 * the mount, so a synchronous child would deadlock (see sysfs/fuse/mount.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  checkFuseAvailable,
  cleanStaleMounts,
  FuseMountError,
  type InternalErrorReport,
  installSignalCleanup,
  liveMounts,
  type MountHandle,
  mountSysfs,
} from '../../sysfs/fuse/mount.ts';
import { readMountinfo } from '../../sysfs/fuse/mountinfo.ts';
import { type FakeSysfs, smallTree } from './fake-sysfs.ts';
import { q, sh } from './sh.ts';

const fuse = checkFuseAvailable();
const isRoot = process.geteuid?.() === 0;
const skipReason = !fuse.ok
  ? fuse.message
  : !isRoot
    ? 'FUSE mount tests run as root (mount(2) without fusermount)'
    : '';
if (skipReason !== '') console.warn(`skipping FUSE mount tests: ${skipReason}`);

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const UUID = '8d0b7b8a-1c5e-4f0e-9a43-4b3d9c0f2e11';

function mountsUnder(dir: string): string[] {
  return readMountinfo()
    .map((m) => m.mountPoint)
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
}

function pyWrite(path: string, chunks: string[]): string {
  const body = chunks.map((c) => `print(os.write(fd, ${c}))`).join('; ');
  return `python3 -c ${q(`import os; fd = os.open(${JSON.stringify(path)}, os.O_WRONLY); ${body}`)}`;
}

describe.skipIf(skipReason !== '')('FUSE mount of a SysfsApi', () => {
  let base = '';
  let mnt = '';
  let X = '';
  let fake: FakeSysfs;
  let handle: MountHandle | undefined;
  const reports: InternalErrorReport[] = [];

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mdevsim-fuse-'));
    await chmod(base, 0o755); // mkdtemp makes it 0700; the unprivileged-user test must traverse it
    mnt = join(base, 'host', 'mnt'); // does not exist yet: mountSysfs creates it
    fake = smallTree();
    handle = await mountSysfs(fake, mnt, { onInternalError: (r) => reports.push(r) });
    X = join(mnt, 'sys/devices/platform/fake/types/x');
  });

  afterAll(async () => {
    await handle?.unmount();
    expect(mountsUnder(base)).toEqual([]);
    await rm(base, { recursive: true, force: true });
  });

  it('is in mountinfo as fuse.mdevsim with the documented options', () => {
    const m = readMountinfo().find((e) => e.mountPoint === mnt);
    expect(m).toMatchObject({ fsType: 'fuse.mdevsim', source: 'mdevsim' });
    expect(m?.superOptions).toContain('default_permissions');
    expect(m?.superOptions).toContain('allow_other');
    expect(handle?.mounted).toBe(true);
    expect(liveMounts()).toContain(handle);
  });

  it('ls -l shows sysfs modes, size 4096 for attributes, and relative link targets', async () => {
    const r = await sh(`ls -l ${q(X)} ${q(join(mnt, 'sys/devices/platform/fake/dev0'))}`);
    expect(r.status).toBe(0);
    const modes = new Map(
      r.stdout
        .split('\n')
        .filter((l) => /^[-dl]/.test(l))
        .map((l) => {
          const f = l.split(/\s+/);
          return [f[8] ?? '', `${f[0]} ${f[4]}${f[9] === '->' ? ` -> ${f[10]}` : ''}`] as const;
        }),
    );
    expect(Object.fromEntries(modes)).toEqual({
      broken: '-r--r--r-- 4096',
      create: '--w------- 4096',
      name: '-r--r--r-- 4096',
      rate: '-rw-r--r-- 4096',
      type: 'lrwxrwxrwx 10 -> ../types/x',
    });
    const la = await sh(`ls -la ${q(X)} | awk '{print $1, $NF}'`);
    expect(la.stdout).toContain('drwxr-xr-x .\n');
    expect(la.stdout).toContain('drwxr-xr-x ..\n');
  });

  it('cat prints the show() text although stat reports 4096 bytes', async () => {
    const r = await sh(
      `cat ${q(`${X}/name`)}; stat -c '%s %a %F' ${q(`${X}/name`)} ${q(`${X}/create`)} ${q(X)}`,
    );
    expect(r.stdout).toBe('fake-x\n4096 444 regular file\n4096 200 regular file\n0 755 directory\n');
  });

  it('every read reaches the API (no page cache), and changes through the API show at once', async () => {
    const before = fake.calls.filter((c) => c.op === 'read' && c.path.endsWith('/rate')).length;
    expect((await sh(`cat ${q(`${X}/rate`)}`)).stdout).toBe('10\n');
    fake.write('/sys/devices/platform/fake/types/x/rate', '11');
    expect((await sh(`cat ${q(`${X}/rate`)}`)).stdout).toBe('11\n');
    const after = fake.calls.filter((c) => c.op === 'read' && c.path.endsWith('/rate')).length;
    expect(after - before).toBe(2);

    const dev1 = join(mnt, 'sys/devices/platform/fake/dev1');
    expect((await sh(`test -e ${q(dev1)}`)).status).toBe(1);
    fake
      .mkdir('/sys/devices/platform/fake/dev1')
      .symlink('/sys/devices/platform/fake/dev1/type', '../types/x');
    expect((await sh(`ls ${q(join(mnt, 'sys/devices/platform/fake'))}`)).stdout).toBe('dev0\ndev1\ntypes\n');
    expect((await sh(`cat ${q(`${dev1}/type/name`)}`)).stdout).toBe('fake-x\n');
    fake.remove('/sys/devices/platform/fake/dev1');
    expect((await sh(`test -e ${q(dev1)}`)).status).toBe(1);
  });

  it('readlink gives the relative target; readlink -f and realpath resolve through the mount', async () => {
    const link = join(mnt, 'sys/devices/platform/fake/dev0/type');
    const cls = join(mnt, 'sys/class/fake/fake');
    const r = await sh(
      `readlink ${q(link)}; readlink -f ${q(link)}; realpath ${q(cls)}; realpath ${q(`${cls}/dev0/type/name`)}; cat ${q(`${cls}/dev0/type/name`)}`,
    );
    expect(r.stdout.split('\n')).toEqual([
      '../types/x',
      join(mnt, 'sys/devices/platform/fake/types/x'),
      join(mnt, 'sys/devices/platform/fake'),
      join(mnt, 'sys/devices/platform/fake/types/x/name'),
      'fake-x',
      '',
    ]);
  });

  it('echo into create: bash reports the store() errno, success returns the count', async () => {
    const bad = await sh(`echo x > ${q(`${X}/create`)}`);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/echo: write error: Invalid argument\n$/);
    const good = await sh(`echo ${UUID} > ${q(`${X}/create`)}`);
    expect(good).toMatchObject({ status: 0, stderr: '' });
    expect(fake.calls.filter((c) => c.op === 'write').at(-1)).toMatchObject({
      data: `${UUID}\n`,
      length: 37,
    });
    // The exact write(2) return values, as mdevctl and libvirt see them.
    const py = await sh(pyWrite(`${X}/create`, [`b${JSON.stringify(UUID)}`, "b'x'"]));
    expect(py.stdout).toBe('36\n');
    expect(py.stderr).toMatch(/OSError: \[Errno 22\] Invalid argument/);
  });

  it('a wrong-direction open is EACCES even for root', async () => {
    const rd = await sh(`cat ${q(`${X}/create`)}`);
    expect(rd.status).toBe(1);
    expect(rd.stderr).toBe(`cat: ${X}/create: Permission denied\n`);
    const wr = await sh(`echo 1 > ${q(`${X}/name`)}`);
    expect(wr.status).toBe(1);
    expect(wr.stderr).toMatch(/name: Permission denied\n$/);
    // access(2) for root still says "writable", as on a real /sys (DAC override).
    expect((await sh(`test -w ${q(`${X}/name`)}`)).status).toBe(0);
  });

  it('a show() errno is the errno of read(2)', async () => {
    const r = await sh(`cat ${q(`${X}/broken`)}`);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`cat: ${X}/broken: No such device\n`);
  });

  it('a long write is cut at 4096 bytes: the first write(2) sees the store() errno or returns short', async () => {
    const callsBefore = fake.calls.length;
    const r = await sh(`printf '%.0s-' {1..5000} > ${q(`${X}/create`)}`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/printf: write error: Invalid argument\n$/);
    const seen = fake.calls.slice(callsBefore).filter((c) => c.op === 'write');
    expect(seen.map((c) => c.length)).toEqual([4096]);

    // One write(2) of 5000 bytes reaches store() as its first 4096 and returns 4096; the caller
    // writes the rest as a second write(2), which store() sees as a separate buffer.
    const mark = fake.calls.length;
    const py = await sh(pyWrite(`${X}/rate`, ["b'7' * 5000", "b'8' * 904", "b''"]));
    expect(py.stdout).toBe('4096\n904\n0\n');
    expect(
      fake.calls
        .slice(mark)
        .filter((c) => c.op === 'write')
        .map((c) => c.length),
    ).toEqual([4096, 904]);
    const dd = await sh(
      `head -c 5000 /dev/zero | tr '\\0' 9 | dd bs=5000 count=1 iflag=fullblock of=${q(`${X}/rate`)} 2>&1`,
    );
    expect(dd.stdout).toContain('5000 bytes');
    expect((await sh(`cat ${q(`${X}/rate`)} | wc -c`)).stdout.trim()).toBe('905');
  });

  it('store() sees a C string: bytes after an embedded NUL are invisible', async () => {
    await sh(`printf '12\\0junk' > ${q(`${X}/rate`)}`);
    expect((await sh(`cat ${q(`${X}/rate`)}`)).stdout).toBe('12\n');
  });

  it('truncating open and a zero-length write succeed without reaching store()', async () => {
    const mark = fake.calls.length;
    const r = await sh(`: > ${q(`${X}/rate`)}; truncate -s 0 ${q(`${X}/rate`)}; touch ${q(`${X}/rate`)}`);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    const py = await sh(pyWrite(`${X}/rate`, ["b''"]));
    expect(py.stdout).toBe('0\n');
    expect(fake.calls.slice(mark).filter((c) => c.op === 'write')).toEqual([]);
  });

  it('names cannot be created or removed (EACCES for files, EPERM otherwise)', async () => {
    const r = await sh(
      `touch ${q(`${X}/new`)}; mkdir ${q(`${X}/d`)}; rm ${q(`${X}/rate`)}; ln -s a ${q(`${X}/l`)}; mv ${q(`${X}/rate`)} ${q(`${X}/r2`)}`,
    );
    expect(r.stderr).toContain('Permission denied');
    expect(r.stderr.match(/Operation not permitted/g)).toHaveLength(4);
  });

  it('an exception that is not a SysError is EIO, reported once, and the mount lives on', async () => {
    fake.ro('/sys/boom', () => {
      throw new TypeError('simulated bug');
    });
    const r = await sh(
      `cat ${q(join(mnt, 'sys/boom'))}; cat ${q(join(mnt, 'sys/boom'))}; cat ${q(`${X}/name`)}`,
    );
    expect(r.stderr.match(/Input\/output error/g)).toHaveLength(2);
    expect(r.stdout).toBe('fake-x\n');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ op: 'read', path: '/sys/boom' });
    fake.remove('/sys/boom');
  });

  it('bash in a private mount namespace reaches the mount bind-mounted over /sys', async () => {
    const r = await sh(
      `unshare --mount --propagation private sh -c ${q(
        `mount --bind ${q(join(mnt, 'sys'))} /sys && cat /sys/devices/platform/fake/types/x/name && readlink /sys/class/fake/fake && realpath /sys/class/fake/fake/dev0/type && echo ${UUID} > /sys/devices/platform/fake/types/x/create && cat /sys/devices/platform/fake/types/x/create`,
      )}`,
    );
    expect(r.stdout).toBe('fake-x\n../../devices/platform/fake\n/sys/devices/platform/fake/types/x\n');
    expect(r.stderr).toMatch(/create: Permission denied\n$/);
    // The bind lived only in the namespace.
    expect(readMountinfo().filter((m) => m.mountPoint === '/sys' && m.fsType === 'fuse.mdevsim')).toEqual([]);
  });

  it('an ordinary user gets sysfs DAC (allow_other + default_permissions): read yes, write EACCES', async () => {
    const asNobody = (cmd: string) => `setpriv --reuid=65534 --regid=65534 --clear-groups sh -c ${q(cmd)}`;
    const r = await sh(
      [
        asNobody(`cat ${q(`${X}/name`)} ${q(`${X}/rate`)}`),
        asNobody(`echo 1 > ${q(`${X}/rate`)}`),
        asNobody(`cat ${q(`${X}/create`)}`),
      ].join('; '),
    );
    expect(r.stdout).toMatch(/^fake-x\n\d+\n$/);
    expect(r.stderr.match(/Permission denied/g)).toHaveLength(2);
  });

  it('refuses to mount on a mount point', async () => {
    await expect(mountSysfs(smallTree(), mnt)).rejects.toMatchObject({
      name: 'FuseMountError',
      code: 'MOUNTPOINT_MOUNTED',
    });
  });
});

describe.skipIf(skipReason !== '')('mount hygiene', () => {
  let base = '';
  const handles: MountHandle[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mdevsim-hyg-'));
  });

  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const h of handles.splice(0)) await h.unmount();
    await cleanStaleMounts({ under: base });
    expect(mountsUnder(base)).toEqual([]);
  });

  afterAll(async () => {
    expect(mountsUnder(base)).toEqual([]);
    await rm(base, { recursive: true, force: true });
  });

  it('refuses a non-empty directory and a file, with typed errors', async () => {
    const full = join(base, 'full');
    await mkdir(full);
    await writeFile(join(full, 'x'), 'x');
    const err = await mountSysfs(smallTree(), full).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FuseMountError);
    expect(err).toMatchObject({ code: 'MOUNTPOINT_BUSY', mountpoint: full });
    await writeFile(join(base, 'file'), 'x');
    await expect(mountSysfs(smallTree(), join(base, 'file'))).rejects.toMatchObject({
      code: 'MOUNTPOINT_NOT_DIR',
    });
    const h = await mountSysfs(smallTree(), full, { allowNonEmpty: true });
    handles.push(h);
    expect((await sh(`cat ${q(join(full, 'sys/devices/platform/fake/types/x/name'))}`)).stdout).toBe(
      'fake-x\n',
    );
  });

  it('refuses a second mount of the same path while the first is being set up', async () => {
    const mp = join(base, 'twice');
    const first = mountSysfs(smallTree(), mp);
    await expect(mountSysfs(smallTree(), mp)).rejects.toMatchObject({ code: 'MOUNTPOINT_MOUNTED' });
    handles.push(await first);
  });

  it('unmount is idempotent and works while a process holds a file open (lazy fallback)', async () => {
    const mp = join(base, 'busy');
    const h = await mountSysfs(smallTree(), mp);
    handles.push(h);
    const holder = spawn(
      'bash',
      ['-c', `exec 3<${q(join(mp, 'sys/devices/platform/fake/types/x/name'))}; echo held; sleep 60`],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(holder);
    await new Promise<void>((done) => holder.stdout?.once('data', () => done()));
    expect(h.openFileCount()).toBe(1);
    const both = await Promise.all([h.unmount(), h.unmount()]);
    expect(both).toEqual([undefined, undefined]);
    expect(h.mounted).toBe(false);
    expect(mountsUnder(mp)).toEqual([]);
    await h.unmount();
    holder.kill('SIGKILL');
    await new Promise((done) => holder.once('exit', done));
  });

  function startChild(
    mp: string,
    mode: string,
  ): Promise<{ child: ChildProcess; exit: Promise<number | null> }> {
    // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild, which a
    // SIGKILL of the CLI would orphan (still serving the mount).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO, 'test/fuse/child-mount.ts'), mp, mode],
      {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    return new Promise((done, fail) => {
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('ready ')) done({ child, exit });
      });
      child.once('exit', (code) => fail(new Error(`child exited ${String(code)} before mounting: ${out}`)));
    });
  }

  it('cleanStaleMounts detaches the mount of a killed process (ENOTCONN) and leaves live ones', async () => {
    const live = await mountSysfs(smallTree(), join(base, 'live'));
    handles.push(live);
    const mp = join(base, 'stale');
    const { child, exit } = await startChild(mp, 'plain');
    expect((await sh(`cat ${q(join(mp, 'sys/devices/platform/fake/types/x/name'))}`)).stdout).toBe(
      'fake-x\n',
    );
    child.kill('SIGKILL');
    await exit;
    const dead = await sh(`ls ${q(mp)}`);
    expect(dead.stderr).toMatch(/Transport endpoint is not connected/);
    await expect(mountSysfs(smallTree(), mp)).rejects.toMatchObject({ code: 'MOUNTPOINT_MOUNTED' });
    expect(await cleanStaleMounts({ under: base })).toEqual([mp]);
    expect(mountsUnder(mp)).toEqual([]);
    expect(live.mounted).toBe(true);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('installSignalCleanup: %s unmounts and exits %i', async (signal, code) => {
    const mp = join(base, `sig-${signal}`);
    const { child, exit } = await startChild(mp, 'signals');
    expect(mountsUnder(mp)).toEqual([mp]);
    child.kill(signal);
    expect(await exit).toBe(code);
    expect(mountsUnder(mp)).toEqual([]);
  });

  it('installSignalCleanup runs the cleanup once and returns an uninstaller', async () => {
    const calls: number[] = [];
    let unmounts = 0;
    const fakeHandle: MountHandle = {
      mountpoint: '/nowhere',
      fuseOptions: [],
      mounted: true,
      openFileCount: () => 0,
      unmount: async () => {
        unmounts++;
      },
    };
    const source = new EventEmitter();
    const uninstall = installSignalCleanup([fakeHandle], { source, exit: (c) => calls.push(c) });
    source.emit('SIGTERM');
    source.emit('SIGTERM'); // a second signal during cleanup exits at once
    await new Promise((done) => setTimeout(done, 20));
    uninstall();
    expect(source.listenerCount('SIGTERM') + source.listenerCount('SIGINT')).toBe(0);
    expect(unmounts).toBe(1);
    expect(calls).toEqual([143, 143]);
  });
});
