import type { Command } from 'commander';
import { UsageError } from '../errors.ts';

/** Help texts and wiring the command definitions share. */
export const SCENARIO_HELP = `a scenario file (YAML or JSON), or - for stdin`;
export const OPTIONAL_SCENARIO_HELP = `${SCENARIO_HELP}; omitted: the built-in default scenario`;
export const HOSTS_NOTE = `
With several hosts in the scenario and no --host, each host's output follows a
"# host <name>" line; with --dumpjson it is one JSON object keyed by host name,
whose values are the hosts' mdevctl documents. One host prints exactly what
mdevctl prints.`;

export interface RunState {
  exitCode: number;
}

export type Outcome = number | undefined;

/** Runs a command body; a UsageError becomes commander's usage error (exit 2). */
export async function handle(
  cmd: Command,
  state: RunState,
  body: () => Promise<Outcome> | Outcome,
): Promise<void> {
  try {
    state.exitCode = (await body()) ?? 0;
  } catch (error) {
    if (error instanceof UsageError)
      cmd.error(`error: ${error.message}`, { exitCode: 2, code: 'mdevsim.usage' });
    throw error;
  }
}

/** After a usage error: the command's usage line and where to read more (clap's layout). */
export function usageHint(cmd: Command, path: string): Command {
  return cmd.showHelpAfterError(
    `Usage: mdevsim ${path} ${cmd.usage()}\nTry 'mdevsim ${path} --help' for more information.`,
  );
}

/** An `Examples:` block; `[command, comment]` pairs get their comments aligned. */
export function examples(lines: readonly (string | readonly [string, string])[]): string {
  const width = Math.max(0, ...lines.map((l) => (typeof l === 'string' ? 0 : l[0].length)));
  const text = lines.map((l) => (typeof l === 'string' ? `  ${l}` : `  ${l[0].padEnd(width)}  # ${l[1]}`));
  return `\nExamples:\n${text.join('\n')}\n`;
}
