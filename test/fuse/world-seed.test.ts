/**
 * The 2019 `migration_version` seed session (kernel.md §2.1–§2.3, rules R1, R3, R6), typed
 * verbatim in bash on hosts of a mounted World: a child process serves the World over FUSE
 * (world-child.ts), each command runs in `unshare -m` with `<dir>/<host>/sys` bound over /sys.
 * The v2 patch names the attribute `version`, v3/v4 `migration_version`. Outputs are exact:
 * bash 5.2 and coreutils 9.1 as on Debian 12. `bash -c` prefixes its own messages with `line 1:`
 * (an interactive shell prints `bash: echo: write error: …`); coreutils 9 quotes a name that
 * contains `:`.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFuseAvailable } from '../../sysfs/fuse/mount.ts';
import { mdevctlHarnessAvailable } from './mdevctl-harness.ts';
import { writeWorldScenario } from './world-scenario.ts';
import {
  childPids,
  mdevsimMountsUnder,
  processExists,
  REPO,
  startWorldChild,
  type WorldChild,
} from './world-server.ts';
import { bashOnSys } from './world-shell.ts';

const fuse = checkFuseAvailable();
const ns = mdevctlHarnessAvailable(); // root + a working `unshare --mount` (mdevctl itself is not needed here)
const skipReason = !fuse.ok ? fuse.message : !ns.ok && !ns.reason.startsWith('mdevctl') ? ns.reason : '';
if (skipReason !== '') console.warn(`skipping the seed session over FUSE: ${skipReason}`);

/** The attribute directory exactly as the seed session types it (bash removes the backslashes). */
const TYPED = '/sys/bus/pci/devices/0000\\:00\\:02.0/mdev_supported_types/i915-GVTg_V5_4';
/** The same path as programs receive it. */
const PATH = '/sys/bus/pci/devices/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_4';
const SEED_STRING = '8086-193b-i915-GVTg_V5_4';

interface Worlds {
  readonly base: string;
  readonly children: WorldChild[];
}

async function stopAll(w: Worlds): Promise<void> {
  for (const child of w.children) {
    expect(await child.stop('SIGTERM')).toEqual({ code: 143, signal: null });
    expect(processExists(child.pid)).toBe(false);
  }
  expect(mdevsimMountsUnder(w.base)).toEqual([]);
  expect(childPids()).toEqual([]);
  await rm(w.base, { recursive: true, force: true });
}

/** One seed session: cat on the source, echo the string back on source and target, cat where the driver has none. */
function seedSession(
  revision: string,
  attr: string,
  hosts: { src: string; dst: string; old: string },
  w: () => WorldChild,
) {
  describe(`${revision}: attribute \`${attr}\``, () => {
    it(`cat ${attr} on ${hosts.src} prints the opaque string (R4)`, async () => {
      expect(await bashOnSys(w().sys(hosts.src), `cat ${TYPED}/${attr}`)).toEqual({
        status: 0,
        signal: null,
        stdout: `${SEED_STRING}\n`,
        stderr: '',
      });
    });

    it(`echo of the string into ${hosts.src}'s ${attr} succeeds: compatible (R3)`, async () => {
      expect(await bashOnSys(w().sys(hosts.src), `echo ${SEED_STRING} > ${TYPED}/${attr}`)).toEqual({
        status: 0,
        signal: null,
        stdout: '',
        stderr: '',
      });
    });

    it(`the same echo on ${hosts.dst} (parent 8086:191b) fails with EINVAL: incompatible (R6)`, async () => {
      expect(await bashOnSys(w().sys(hosts.dst), `echo ${SEED_STRING} > ${TYPED}/${attr}`)).toEqual({
        status: 1,
        signal: null,
        stdout: '',
        stderr: 'bash: line 1: echo: write error: Invalid argument\n',
      });
      expect(await bashOnSys(w().sys(hosts.dst), `cat ${TYPED}/${attr}`)).toMatchObject({
        status: 0,
        stdout: '8086-191b-i915-GVTg_V5_4\n',
      });
    });

    it(`on ${hosts.old}, whose driver has no attribute, cat says No such file or directory (R1)`, async () => {
      expect(await bashOnSys(w().sys(hosts.old), `cat ${TYPED}/${attr}`)).toEqual({
        status: 1,
        signal: null,
        stdout: '',
        stderr: `cat: '${PATH}/${attr}': No such file or directory\n`,
      });
      // Writing cannot create it either: a sysfs directory has no create op (EACCES, kernel.md §8).
      expect(await bashOnSys(w().sys(hosts.old), `echo ${SEED_STRING} > ${TYPED}/${attr}`)).toEqual({
        status: 1,
        signal: null,
        stdout: '',
        stderr: `bash: line 1: ${PATH}/${attr}: Permission denied\n`,
      });
    });
  });
}

describe.skipIf(skipReason !== '')('the 2019 seed session in bash on a mounted World', () => {
  const w: Worlds = { base: '', children: [] };
  const written = () => w.children[0] as WorldChild;
  const defaults = () => w.children[1] as WorldChild;

  beforeAll(async () => {
    const base = await mkdtemp(join(tmpdir(), 'mdevsim-seed-'));
    await chmod(base, 0o755);
    Object.assign(w, { base });
    const scenario = await writeWorldScenario(base);
    w.children.push(await startWorldChild(scenario, join(base, 'written')));
    w.children.push(
      await startWorldChild(join(REPO, 'scenarios/default.yaml'), join(base, 'default'), [
        'src',
        'dst',
        'old',
      ]),
    );
  });

  afterAll(async () => {
    await stopAll(w);
  });

  it('each host is a fuse.mdevsim mount at <dir>/<host>', () => {
    expect(mdevsimMountsUnder(join(w.base, 'written'))).toEqual(
      ['src', 'dst', 'old', 'src4', 'dst4', 'lab'].map((h) => join(w.base, 'written', h)),
    );
    expect(mdevsimMountsUnder(join(w.base, 'default'))).toEqual(
      ['src', 'dst', 'old'].map((h) => join(w.base, 'default', h)),
    );
  });

  seedSession('v2 (scenarios/default.yaml)', 'version', { src: 'src', dst: 'dst', old: 'old' }, defaults);
  seedSession('v2 (written scenario)', 'version', { src: 'src', dst: 'dst', old: 'old' }, written);
  seedSession('v4', 'migration_version', { src: 'src4', dst: 'dst4', old: 'old' }, written);

  it('a v2 host has no migration_version and a v4 host no version: the revisions differ only in the name', async () => {
    const v2 = await bashOnSys(written().sys('src'), `cat ${TYPED}/migration_version`);
    expect(v2.stderr).toBe(`cat: '${PATH}/migration_version': No such file or directory\n`);
    const v4 = await bashOnSys(written().sys('src4'), `cat ${TYPED}/version`);
    expect(v4.stderr).toBe(`cat: '${PATH}/version': No such file or directory\n`);
  });
});
