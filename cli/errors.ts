/**
 * The CLI's two kinds of failure, mapped to mdevctl's exit codes (ecosystem.md §5): a usage error
 * (bad flag value, bad argument: exit 2, with the command's usage, like clap) and a runtime error
 * (exit 1, `Error: <message>` on stderr, never a stack trace unless DEBUG=mdevsim).
 */

/** Bad usage the CLI finds after commander has parsed (a value commander cannot check). Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A runtime failure the CLI itself detects (a file it cannot read, a missing module). Exit 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/**
 * True when `DEBUG` names mdevsim the way the `debug` package reads it: a comma- or space-separated
 * list where `mdevsim`, `mdevsim:*`, `mdevsim*` or `*` turn our diagnostics on.
 */
export function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  const value = env['DEBUG'];
  if (value === undefined || value === '') return false;
  return value
    .split(/[\s,]+/)
    .some((name) => name === '*' || name === 'mdevsim' || name === 'mdevsim*' || name.startsWith('mdevsim:'));
}

/**
 * `Error: <message>` for anything thrown at runtime: the library's typed errors (MdevsimError,
 * ScenarioError, SysError, ...) carry messages written for people, so they are printed as they
 * are; anything else too. With `debug`, the stack (and any `cause` chain) follows.
 */
export function formatRuntimeError(error: unknown, debug: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  let out = `Error: ${message}\n`;
  if (debug) {
    let current: unknown = error;
    for (let depth = 0; current !== undefined && depth < 8; depth++) {
      if (current instanceof Error) {
        out += `${depth === 0 ? '' : 'Caused by: '}${current.stack ?? `${current.name}: ${current.message}`}\n`;
        current = current.cause;
      } else {
        out += `Caused by: ${String(current)}\n`;
        current = undefined;
      }
    }
  }
  return out;
}
