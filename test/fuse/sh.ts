/**
 * Runs real programs against a mount served by THIS process. Always asynchronous: a synchronous
 * child (execFileSync/spawnSync) blocks the event loop that answers the FUSE requests the child
 * makes, and both wait forever (see sysfs/fuse/mount.ts).
 */
import { execFile } from 'node:child_process';

export interface ShResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function sh(
  script: string,
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<ShResult> {
  return new Promise((done) => {
    execFile(
      'bash',
      ['-c', script],
      {
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 20_000,
        killSignal: 'SIGKILL',
        env: { ...process.env, LC_ALL: 'C', ...options.env },
      },
      (error, stdout, stderr) => {
        if (error === null) {
          done({ status: 0, signal: null, stdout, stderr });
          return;
        }
        const code = (error as { code?: unknown }).code;
        done({
          status: typeof code === 'number' ? code : null,
          signal: error.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
  });
}

/** Single-quotes a string for bash. */
export function q(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
