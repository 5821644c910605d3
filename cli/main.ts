import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { type CliContext, type CliIO, contextFor, processIO } from './context.ts';
import { debugEnabled, formatRuntimeError } from './errors.ts';
import { defineMdevctlCommands } from './program/mdevctl-commands.ts';
import { examples, type RunState } from './program/shared.ts';
import { defineSimulationCommands } from './program/simulation-commands.ts';

/**
 * The `mdevsim` command. This module and cli/program/ only declare commands, options and help; each command's
 * code sits in cli/commands/<name>.ts and is imported when that command runs, so `mdevsim fsm`
 * loads the state machine and nothing else.
 *
 * Exit status follows mdevctl (ecosystem.md §5): 0 success; 1 runtime error, printed as
 * `Error: <message>` on stderr (DEBUG=mdevsim adds the stack); 2 usage error (unknown command or
 * option, missing or bad argument), printed as `error: ...` plus the usage, like clap.
 */

/** Builds the program for one invocation. */
export function buildProgram(ctx: CliContext, state: RunState): Command {
  const program = new Command('mdevsim');
  program
    .description(
      'Simulate the Linux VFIO mediated-device (mdev) stack: mdevctl views of simulated hosts, ' +
        'the VFIO migration state machine, migrations, compatibility matrices and version policies.',
    )
    .version(`mdevsim ${pkg.version}`, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print help')
    .helpCommand('help [command]', 'print help for a command')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.out(text),
      writeErr: (text) => ctx.io.err(text),
      outputError: (text, write) => write(text),
    })
    .showHelpAfterError("Try 'mdevsim --help' for more information.")
    .addHelpText(
      'after',
      `
Scenarios:
  A scenario is a YAML or JSON file describing hosts, parent devices and mdev
  devices; "-" reads it from stdin. Where [scenario] is optional, leaving it out
  uses the built-in default scenario (scenarios/default.yaml).

Exit status:
  0 success, 1 runtime error ("Error: <message>" on stderr), 2 usage error.
  DEBUG=mdevsim prints stack traces with runtime errors.
${examples([
  'mdevsim types --host gpu1',
  'mdevsim list my-fleet.yaml --dumpjson',
  'mdevsim fsm RUNNING RESUMING',
  'mdevsim run',
])}`,
    );

  defineMdevctlCommands(program, ctx, state);
  defineSimulationCommands(program, ctx, state);
  return program;
}

/** Runs one invocation; resolves to the exit status. Never throws. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const ctx = contextFor(import.meta.url, io, debugEnabled(io.env));
  const state: RunState = { exitCode: 0 };
  try {
    await buildProgram(ctx, state).parseAsync([...argv], { from: 'user' });
    return state.exitCode;
  } catch (error) {
    // Commander has printed its message already: help and --version exit 0, usage errors 2.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    io.err(formatRuntimeError(error, ctx.debug));
    return 1;
  }
}

/** `node cli/main.ts ...` (under tsx) runs the CLI; importing this module does not. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** Process wiring: a closed pipe on stdout (`mdevsim list | head -1`) ends quietly. */
export async function runAsProcess(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.exitCode = await main(argv);
}

if (isEntryPoint()) await runAsProcess();
