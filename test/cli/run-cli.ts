/**
 * Runs the real CLI in a child process, from the TypeScript sources (`node --import tsx
 * cli/main.ts`), so the tests work on a clean clone where `npm run build` has not run.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly input?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Run this file instead of cli/main.ts (e.g. bin/mdevsim.js). */
  readonly entry?: readonly string[];
}

export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const entry = options.entry ?? ['--import', 'tsx', join(ROOT, 'cli/main.ts')];
  const env: NodeJS.ProcessEnv = { ...process.env, DEBUG: '', NO_COLOR: '1', ...options.env };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...entry, ...args], { cwd: ROOT, env, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', fail);
    child.on('close', (code) =>
      done({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    child.stdin.end(options.input ?? '');
  });
}

/** A temporary directory with the given files; `cleanup` removes it. */
export async function tempFiles(
  files: Readonly<Record<string, string>>,
): Promise<{ readonly dir: string; readonly path: (name: string) => string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mdevsim-cli-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return { dir, path: (name) => join(dir, name), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A stack trace line (`    at foo (file:1:2)`), which the CLI must never print unless DEBUG=mdevsim. */
export const STACK_LINE = /^\s+at\s/m;
