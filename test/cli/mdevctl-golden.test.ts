/**
 * Golden tests against the real mdevctl: a simulated host's sysfs is mounted with FUSE, the
 * installed mdevctl reads it (in a private mount namespace, through test/fuse's harness), and
 * `mdevsim types|list --host H` on the same scenario must print the same bytes and exit the same.
 * Also `mdevsim mount` end to end: mdevctl reads the mount the CLI serves, and SIGINT unmounts.
 * Skipped where mdevctl, root or FUSE is missing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/load.ts';
import { checkFuseAvailable, type MountHandle, mountSysfs } from '../../sysfs/fuse/mount.ts';
import { readMountinfo } from '../../sysfs/fuse/mountinfo.ts';
import { mdevctlHarnessAvailable, runMdevctl } from '../fuse/mdevctl-harness.ts';
import { TWO_HOSTS, U_GPU } from './fixtures.ts';

const U_NEW = 'abcdef01-2345-4678-9abc-def012345678';

import { ROOT, runCli, tempFiles } from './run-cli.ts';

const harness = mdevctlHarnessAvailable();
const fuse = checkFuseAvailable();
const skip = !harness.ok || !fuse.ok;
if (skip)
  console.warn(
    `skipping mdevctl golden tests: ${harness.ok ? (fuse.ok ? '' : fuse.message) : harness.reason}`,
  );

const COMMANDS: readonly (readonly string[])[] = [
  ['types'],
  ['types', '--dumpjson'],
  ['types', '-p', 'mtty'],
  ['types', '-p', '0000:00:03.0', '--dumpjson'],
  ['types', '-p', 'nope'],
  ['types', '-p', 'nope', '--dumpjson'],
  ['list'],
  ['list', '-v'],
  ['list', '--dumpjson'],
  ['list', '-p', 'mtty'],
  ['list', '-u', U_GPU.replaceAll('-', '').toUpperCase(), '--dumpjson'],
  ['list', '-u', U_GPU],
  ['list', '-u', '00000000-0000-0000-0000-000000000000', '--dumpjson'],
  ['list', '-u', 'not-a-uuid'],
];

describe.skipIf(skip)('mdevsim types/list print what mdevctl prints', () => {
  let files: Awaited<ReturnType<typeof tempFiles>>;
  const mounts: MountHandle[] = [];

  beforeAll(async () => {
    files = await tempFiles({ 'two.yaml': TWO_HOSTS });
    const world = await loadScenario(TWO_HOSTS);
    for (const host of world.hosts) mounts.push(await mountSysfs(host.sysfs, join(files.dir, host.name)));
  });

  afterAll(async () => {
    await Promise.allSettled(mounts.map((m) => m.unmount()));
    await files?.cleanup();
  });

  for (const host of ['a', 'b']) {
    for (const args of COMMANDS) {
      it.concurrent(`host ${host}: ${args.join(' ')}`, async () => {
        const [real, ours] = await Promise.all([
          runMdevctl(join(files.dir, host), args),
          runCli([args[0] ?? '', files.path('two.yaml'), '--host', host, ...args.slice(1)]),
        ]);
        expect(ours.code).toBe(real.status);
        if (real.status === 0) {
          expect(ours.stdout).toBe(real.stdout);
          expect(ours.stderr).toBe(real.stderr);
        }
      });
    }
  }
});

/** `mdevsim mount ...` as a child process, resolved once it has printed one line per host. */
async function startMount(
  args: readonly string[],
  hosts: number,
): Promise<{ proc: ChildProcess; stdout: string; exited: Promise<number | null> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'mount', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((done) => proc.on('close', (code) => done(code)));
  await new Promise<void>((ready, fail) => {
    proc.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (stdout.split('\n').length > hosts) ready();
    });
    proc.on('close', () => fail(new Error(`mount exited early: ${stderr}`)));
  });
  return { proc, stdout, exited };
}

describe.skipIf(skip)('mdevsim mount', () => {
  let files: Awaited<ReturnType<typeof tempFiles>>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    files = await tempFiles({ 'two.yaml': TWO_HOSTS });
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await files?.cleanup();
  });

  it('serves every host at <dir>/<host>; mdevctl reads it; SIGINT unmounts and exits 130', async () => {
    const mnt = join(files.dir, 'all');
    const m = await startMount([files.path('two.yaml'), mnt], 2);
    children.push(m.proc);
    expect(m.stdout).toBe(`mounted a at ${join(mnt, 'a')}\nmounted b at ${join(mnt, 'b')}\n`);
    expect((await readdir(join(mnt, 'a/sys/class/mdev_bus'))).sort()).toEqual([
      '0000:00:02.0',
      '0000:00:03.0',
      'mtty',
    ]);
    const [real, ours] = await Promise.all([
      runMdevctl(join(mnt, 'a'), ['list']),
      runCli(['list', files.path('two.yaml'), '--host', 'a']),
    ]);
    expect(real.stdout).toBe(ours.stdout);
    m.proc.kill('SIGINT');
    expect(await m.exited).toBe(130);
    expect(readMountinfo().some((x) => x.mountPoint.startsWith(mnt))).toBe(false);
  });

  it('--save writes a snapshot on exit that --load (and any command) starts from', async () => {
    const mnt = join(files.dir, 'saved');
    const state = files.path('state.json');
    const m = await startMount([files.path('two.yaml'), mnt, '--host', 'b', '--save', state], 1);
    children.push(m.proc);
    await writeFile(join(mnt, 'b/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create'), U_NEW);
    m.proc.kill('SIGTERM');
    expect(await m.exited).toBe(143);
    const listed = await runCli(['list', state, '--host', 'b']);
    expect(listed.stdout).toBe(`${U_NEW} mtty mtty-2 manual\n\n`);

    const again = await startMount(
      [files.path('two.yaml'), join(files.dir, 'loaded'), '--load', state, '--host', 'b'],
      1,
    );
    children.push(again.proc);
    expect(await readdir(join(files.dir, 'loaded/b/sys/bus/mdev/devices'))).toEqual([U_NEW]);
    again.proc.kill('SIGINT');
    expect(await again.exited).toBe(130);
  });
});
