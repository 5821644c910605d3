/**
 * Test side of test/fuse/world-child.ts: starts the child that serves a World over FUSE, talks to
 * it over its stdin/stdout (world-protocol.ts), stops it, and checks that nothing is left behind
 * (no `fuse.mdevsim` mount under the directory, no process).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { readMountinfo } from '../../sysfs/fuse/mountinfo.ts';
import { READY_PREFIX, type WorldReply, type WorldReplyValue, type WorldRequest } from './world-protocol.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

type Body<R> = R extends { readonly id: number } ? Omit<R, 'id'> : never;
export type WorldRequestBody = Body<WorldRequest>;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface WorldChild {
  readonly pid: number;
  readonly dir: string;
  /** `MOUNTED` lines: host → mountpoint. */
  readonly mountpoints: ReadonlyMap<string, string>;
  /** `<dir>/<host>/sys`. */
  sys(host: string): string;
  request(body: WorldRequestBody): Promise<WorldReply>;
  /** request() that resolves to the value and rejects with `code: message` on an error reply. */
  call(body: WorldRequestBody): Promise<WorldReplyValue>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
  readonly exit: Promise<Exit>;
  /** What the child wrote on stderr so far. */
  stderr(): string;
}

/**
 * Spawns `node --import tsx world-child.ts` (not the tsx CLI: that runs the script in a grandchild
 * which a kill of the CLI would orphan) and waits for `READY`.
 */
export function startWorldChild(
  scenarioFile: string,
  dir: string,
  hosts?: readonly string[],
): Promise<WorldChild> {
  const args = ['--import', 'tsx', join(REPO, 'test/fuse/world-child.ts'), scenarioFile, dir];
  if (hosts !== undefined) args.push(hosts.join(','));
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, args, { cwd: REPO, stdio: 'pipe' });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exit = new Promise<Exit>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const waiting = new Map<number, (reply: WorldReply) => void>();
  const mountpoints = new Map<string, string>();
  let nextId = 1;

  return new Promise((ready, fail) => {
    let readyDir: string | undefined;
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (readyDir === undefined) {
        const m = /^MOUNTED (\S+) (.+)$/.exec(line);
        if (m?.[1] !== undefined && m[2] !== undefined) mountpoints.set(m[1], m[2]);
        if (!line.startsWith(READY_PREFIX)) return;
        readyDir = line.slice(READY_PREFIX.length);
        ready(handle(readyDir));
        return;
      }
      const reply = JSON.parse(line) as WorldReply;
      waiting.get(reply.id)?.(reply);
      waiting.delete(reply.id);
    });
    void exit.then((e) => {
      if (readyDir === undefined) {
        fail(new Error(`world child exited (${String(e.code ?? e.signal)}) before READY:\n${err}`));
      }
    });
  });

  function handle(readyDir: string): WorldChild {
    const request = (body: WorldRequestBody): Promise<WorldReply> =>
      new Promise((done) => {
        const id = nextId++;
        waiting.set(id, done);
        child.stdin.write(`${JSON.stringify({ ...body, id })}\n`);
      });
    return {
      pid: child.pid ?? -1,
      dir: readyDir,
      mountpoints,
      sys: (host) => join(mountpoints.get(host) ?? join(readyDir, host), 'sys'),
      request,
      async call(body) {
        const reply = await request(body);
        if (!reply.ok)
          throw Object.assign(new Error(`${reply.code}: ${reply.message}`), { code: reply.code });
        return reply.value;
      },
      async stop(signal = 'SIGTERM') {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exit;
      },
      exit,
      stderr: () => err,
    };
  }
}

/** `fuse.mdevsim` mounts at or below `dir` in this mount namespace. */
export function mdevsimMountsUnder(dir: string): string[] {
  return readMountinfo()
    .filter(
      (m) => m.fsType === 'fuse.mdevsim' && (m.mountPoint === dir || m.mountPoint.startsWith(`${dir}/`)),
    )
    .map((m) => m.mountPoint);
}

/** Live processes whose parent is `ppid` (from /proc/<pid>/stat; zombies count as left over too). */
export function childPids(ppid: number = process.pid): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid ...; comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === ppid) out.push(Number(name));
  }
  return out;
}

export function processExists(pid: number): boolean {
  try {
    readFileSync(`/proc/${pid}/stat`);
    return true;
  } catch {
    return false;
  }
}
