/**
 * A separate process that serves a whole World over FUSE (sysfs/fuse/mount-world.ts), so the test
 * process never serves a mount it touches (see sysfs/fuse/mount.ts, THE ONE RULE):
 *
 *   node --import tsx test/fuse/world-child.ts <scenario.yaml> <dir> [host,host,...]
 *
 * Prints `MOUNTED <host> <mountpoint>` per host, then `READY <dir>`, then answers the control
 * requests of test/fuse/world-protocol.ts read from stdin against the library API. SIGTERM/SIGINT
 * unmount everything and exit 143/130 (installSignalCleanup); end of stdin (the test process went
 * away) unmounts and exits 0, so a crashed test run leaves neither a mount nor this process.
 * A failed mount prints `ERROR <code> <message>` on stderr and exits 1.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { isSysError } from '../../core/sys-error.ts';
import { loadScenario } from '../../index.ts';
import { installSignalCleanup } from '../../sysfs/fuse/mount.ts';
import { mountWorld, type WorldMount } from '../../sysfs/fuse/mount-world.ts';
import type { World } from '../../sysfs/world.ts';
import { READY_PREFIX, type WorldReply, type WorldReplyValue, type WorldRequest } from './world-protocol.ts';

const [scenarioFile, dir, hostList] = process.argv.slice(2);
if (scenarioFile === undefined || dir === undefined) {
  process.stderr.write('usage: world-child.ts <scenario.yaml> <dir> [host,host,...]\n');
  process.exit(2);
}

function answer(world: World, mounted: WorldMount, req: WorldRequest): WorldReplyValue | Promise<null> {
  if (req.op === 'unmount') return mounted.unmountAll().then(() => null);
  const api = world.host(req.host).sysfs;
  switch (req.op) {
    case 'read':
      return api.read(req.path);
    case 'readdir':
      return api.readdir(req.path);
    case 'exists':
      return api.exists(req.path);
    case 'write':
      return api.write(req.path, req.data);
  }
}

function failure(id: number, error: unknown): WorldReply {
  if (isSysError(error)) return { id, ok: false, code: error.code, message: error.message };
  const e = error instanceof Error ? error : new Error(String(error));
  return { id, ok: false, code: e.name, message: e.message };
}

let mounted: WorldMount;
let world: World;
try {
  world = await loadScenario(await readFile(scenarioFile, 'utf8'));
  mounted = await mountWorld(world, dir, hostList === undefined ? {} : { hosts: hostList.split(',') });
} catch (error) {
  const e = error as { code?: unknown; message?: unknown };
  process.stderr.write(`ERROR ${String(e.code ?? 'Error')} ${String(e.message ?? error)}\n`);
  process.exit(1);
}
installSignalCleanup(mounted.handles);
for (const m of mounted.mounts) process.stdout.write(`MOUNTED ${m.host} ${m.mountpoint}\n`);
process.stdout.write(`${READY_PREFIX}${mounted.dir}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  let req: WorldRequest;
  try {
    req = JSON.parse(line) as WorldRequest;
  } catch (error) {
    process.stdout.write(`${JSON.stringify(failure(-1, error))}\n`);
    return;
  }
  Promise.resolve()
    .then(() => answer(world, mounted, req))
    .then(
      (value): WorldReply => ({ id: req.id, ok: true, value }),
      (error: unknown) => failure(req.id, error),
    )
    .then((reply) => process.stdout.write(`${JSON.stringify(reply)}\n`));
});
lines.on('close', () => {
  mounted.unmountAll().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
});
