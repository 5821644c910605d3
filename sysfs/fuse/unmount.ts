/** Detaching a mount: plain first, lazy when busy or when its server is gone. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { FuseMountError } from './errors.ts';
import { mountsAt } from './mountinfo.ts';

export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

interface RunResult {
  readonly ok: boolean;
  /** The program is not installed. */
  readonly missing: boolean;
  readonly stderr: string;
}

function run(cmd: string, args: readonly string[], timeoutMs = 10_000): Promise<RunResult> {
  return new Promise((done) => {
    execFile(cmd, [...args], { timeout: timeoutMs, encoding: 'utf8' }, (error, _stdout, stderr) => {
      if (error === null) done({ ok: true, missing: false, stderr });
      else done({ ok: false, missing: errnoCode(error) === 'ENOENT', stderr: stderr || error.message });
    });
  });
}

export type UnmountOutcome = 'not-mounted' | 'unmounted' | 'lazy';

/**
 * Detaches the top mount at `mountpoint` (and, if it is stacked, every mount there). Tries a plain
 * unmount first, then a lazy one, so it works while a process still has a file open or the serving
 * process is gone (ENOTCONN). Throws FuseMountError('UNMOUNT_FAILED') if all fail.
 */
export async function unmountPath(mountpoint: string): Promise<UnmountOutcome> {
  const mp = resolve(mountpoint);
  if (mountsAt(mp).length === 0) return 'not-mounted';
  const steps: ReadonlyArray<readonly [string, readonly string[], UnmountOutcome]> = [
    ['umount', [mp], 'unmounted'],
    ['fusermount', ['-u', mp], 'unmounted'],
    ['fusermount', ['-uz', mp], 'lazy'],
    ['umount', ['-l', mp], 'lazy'],
  ];
  const errors: string[] = [];
  for (const [cmd, args, outcome] of steps) {
    const before = mountsAt(mp).length;
    if (before === 0) return outcome;
    const r = await run(cmd, args);
    const after = mountsAt(mp).length;
    if (after === 0) return outcome;
    if (after < before) continue; // peeled one layer of a stack; go on
    errors.push(`${cmd} ${args.join(' ')}: ${r.missing ? 'not installed' : r.stderr.trim()}`);
  }
  throw new FuseMountError(
    'UNMOUNT_FAILED',
    `could not unmount ${mp}:\n  ${errors.join('\n  ')}\n` +
      'Install util-linux `umount` (or `apt-get install fuse` for fusermount) and run as root.',
    mp,
  );
}
