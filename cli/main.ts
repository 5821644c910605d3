import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import type { FsmOptions } from './commands/fsm.ts';
import type { ListOptions } from './commands/list.ts';
import type { MatrixOptions } from './commands/matrix.ts';
import type { MigrateOptions } from './commands/migrate.ts';
import type { MountOptions } from './commands/mount.ts';
import type { PolicyCheckOptions } from './commands/policy.ts';
import type { RunOptions } from './commands/run.ts';
import type { TypesOptions } from './commands/types.ts';
import { type CliContext, type CliIO, contextFor, processIO } from './context.ts';
import { debugEnabled, formatRuntimeError, UsageError } from './errors.ts';

/**
 * The `mdevsim` command. This module only declares commands, options and help; each command's
 * code sits in cli/commands/<name>.ts and is imported when that command runs, so `mdevsim fsm`
 * loads the state machine and nothing else.
 *
 * Exit status follows mdevctl (ecosystem.md §5): 0 success; 1 runtime error, printed as
 * `Error: <message>` on stderr (DEBUG=mdevsim adds the stack); 2 usage error (unknown command or
 * option, missing or bad argument), printed as `error: ...` plus the usage, like clap.
 */

const SCENARIO_HELP = `a scenario file (YAML or JSON), or - for stdin`;
const OPTIONAL_SCENARIO_HELP = `${SCENARIO_HELP}; omitted: the built-in default scenario`;
const HOSTS_NOTE = `
With several hosts in the scenario and no --host, each host's output follows a
"# host <name>" line; with --dumpjson it is one JSON object keyed by host name,
whose values are the hosts' mdevctl documents. One host prints exactly what
mdevctl prints.`;

interface RunState {
  exitCode: number;
}

type Outcome = number | undefined;

/** Runs a command body; a UsageError becomes commander's usage error (exit 2). */
async function handle(cmd: Command, state: RunState, body: () => Promise<Outcome> | Outcome): Promise<void> {
  try {
    state.exitCode = (await body()) ?? 0;
  } catch (error) {
    if (error instanceof UsageError)
      cmd.error(`error: ${error.message}`, { exitCode: 2, code: 'mdevsim.usage' });
    throw error;
  }
}

/** After a usage error: the command's usage line and where to read more (clap's layout). */
function usageHint(cmd: Command, path: string): Command {
  return cmd.showHelpAfterError(
    `Usage: mdevsim ${path} ${cmd.usage()}\nTry 'mdevsim ${path} --help' for more information.`,
  );
}

/** An `Examples:` block; `[command, comment]` pairs get their comments aligned. */
function examples(lines: readonly (string | readonly [string, string])[]): string {
  const width = Math.max(0, ...lines.map((l) => (typeof l === 'string' ? 0 : l[0].length)));
  const text = lines.map((l) => (typeof l === 'string' ? `  ${l}` : `  ${l[0].padEnd(width)}  # ${l[1]}`));
  return `\nExamples:\n${text.join('\n')}\n`;
}

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

  const types = program
    .command('types')
    .description("list the mdev types of each parent device, as 'mdevctl types' does")
    .argument('[scenario]', OPTIONAL_SCENARIO_HELP)
    .option('--host <name>', 'only this host of the scenario')
    .option('-p, --parent <parent>', 'only this parent device (exact sysfs name, case-sensitive)')
    .option('--dumpjson', 'print JSON as mdevctl does')
    .addHelpText(
      'after',
      `
Reads /sys/class/mdev_bus/<parent>/mdev_supported_types/<type>/ of each host the
way mdevctl does, and prints the same text or JSON.${HOSTS_NOTE}
${examples([
  'mdevsim types fleet.yaml --host gpu1',
  'mdevsim types fleet.yaml --host gpu1 -p 0000:3b:00.0 --dumpjson',
  'cat fleet.yaml | mdevsim types - --host gpu1',
])}`,
    )
    .action((scenario: string | undefined, _options: unknown, cmd: Command) =>
      handle(cmd, state, async () => {
        const { typesCommand } = await import('./commands/types.ts');
        await typesCommand(ctx, scenario, cmd.opts<TypesOptions>());
        return 0;
      }),
    );
  usageHint(types, 'types');

  const list = program
    .command('list')
    .description("list the active mdev devices, as 'mdevctl list' does")
    .argument('[scenario]', OPTIONAL_SCENARIO_HELP)
    .option('--host <name>', 'only this host of the scenario')
    .option('-p, --parent <parent>', 'only devices of this parent (exact sysfs name, case-sensitive)')
    .option('-u, --uuid <uuid>', 'only this device (any UUID form mdevctl accepts)')
    .option('--dumpjson', 'print JSON as mdevctl does')
    .option('-v, --verbose', 'also print device attributes')
    .addHelpText(
      'after',
      `
One line per device: UUID PARENT TYPE auto|manual. Devices of a simulated host
have no stored mdevctl config, so they are all "manual". With --uuid and one
match, --dumpjson prints the bare config object (ready for a config file).${HOSTS_NOTE}
${examples([
  'mdevsim list fleet.yaml',
  'mdevsim list fleet.yaml --host src --dumpjson',
  'mdevsim list fleet.yaml --host src -u 976d8cc2-4bfc-43b9-b9f9-f4af2de91ab9 --dumpjson',
])}`,
    )
    .action((scenario: string | undefined, _options: unknown, cmd: Command) =>
      handle(cmd, state, async () => {
        const { listCommand } = await import('./commands/list.ts');
        await listCommand(ctx, scenario, cmd.opts<ListOptions>());
        return 0;
      }),
    );
  usageHint(list, 'list');

  const fsm = program
    .command('fsm')
    .description('print the step path the kernel walks from one VFIO migration state to another')
    .argument(
      '<FROM>',
      'current state: ERROR STOP RUNNING STOP_COPY RESUMING RUNNING_P2P PRE_COPY PRE_COPY_P2P, or 0-7',
    )
    .argument('<TO>', 'requested state (same names; any case)')
    .option(
      '--flags <N>',
      "the device's VFIO_MIGRATION_* flags: 1 STOP_COPY, 2 P2P, 4 PRE_COPY, summed (or names like STOP_COPY|P2P)",
      '7',
    )
    .addHelpText(
      'after',
      `
Walks vfio_mig_get_next_state() (include/uapi/linux/vfio.h, drivers/vfio/vfio_main.c)
from FROM until TO and prints every state on the way. A request the kernel refuses
prints "Error: EINVAL: <why>" and exits 1. The flags must include STOP_COPY.
${examples([
  ['mdevsim fsm RUNNING RESUMING', 'RUNNING -> RUNNING_P2P -> STOP -> RESUMING'],
  ['mdevsim fsm --flags 1 RUNNING STOP_COPY', 'RUNNING -> STOP -> STOP_COPY'],
  ["mdevsim fsm --flags 'STOP_COPY|PRE_COPY' pre_copy stop", 'PRE_COPY -> RUNNING -> STOP'],
  ['mdevsim fsm 2 4', 'by number: RUNNING to RESUMING'],
  ['mdevsim fsm STOP_COPY PRE_COPY', 'Error: EINVAL (a blocked arc), exit 1'],
])}`,
    )
    .action((from: string, to: string, _options: unknown, cmd: Command) =>
      handle(cmd, state, async () => {
        const { fsmCommand } = await import('./commands/fsm.ts');
        fsmCommand(ctx, from, to, cmd.opts<FsmOptions>());
        return 0;
      }),
    );
  usageHint(fsm, 'fsm');

  const run = program
    .command('run')
    .description(
      "run a scenario's actions (checks, migrations, matrices, policy checks) and print the report",
    )
    .argument('[scenario]', OPTIONAL_SCENARIO_HELP)
    .option('--json', 'print the report as JSON')
    .addHelpText('after', examples(['mdevsim run', 'mdevsim run my-scenario.yaml --json', 'npm start']))
    .action((scenario: string | undefined, _options: unknown, cmd: Command) =>
      handle(cmd, state, async () => {
        const { runCommand } = await import('./commands/run.ts');
        await runCommand(ctx, scenario, cmd.opts<RunOptions>());
        return 0;
      }),
    );
  usageHint(run, 'run');

  const migrate = program
    .command('migrate')
    .description('live-migrate one mdev device to another host, as QEMU and libvirt would')
    .argument('<scenario>', SCENARIO_HELP)
    .requiredOption('--from <host:uuid>', 'the device to migrate: its host and UUID')
    .requiredOption('--to <host>', 'the destination host')
    .option('--parent <parent>', 'the parent device to create the target on (default: the first that fits)')
    .option('--downtime-limit <ms>', 'largest acceptable downtime, in milliseconds')
    .option(
      '--bandwidth <bytes/s>',
      'migration bandwidth in bytes per second (suffixes K M G T: powers of 1024)',
    )
    .addOption(
      new Option('--payload <kind>', 'device state moved: real bytes, or modeled sizes only').choices([
        'real',
        'modeled',
      ]),
    )
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Runs the migration_version handshake, then pre-copy, stop-copy and resume on the
scenario's virtual clock (QEMU defaults: downtime limit 300 ms, 128 MiB/s), and
prints the report. Exits 0 when the device runs on the target; 1 when the
handshake refused it or the migration was aborted and rolled back.
${examples([
  'mdevsim list fleet.yaml --host lab1',
  'mdevsim migrate fleet.yaml --from lab1:83b8f4f2-509f-382f-3c1e-e6bfe0fa1001 --to lab2',
  'mdevsim migrate fleet.yaml --from gpu1:83b8f4f2-509f-382f-3c1e-e6bfe0fa1001 --to gpu2 \\\n' +
    '      --downtime-limit 300 --bandwidth 128M --json',
])}`,
    )
    .action((scenario: string, _options: unknown, cmd: Command) =>
      handle(cmd, state, async () => {
        const { migrateCommand } = await import('./commands/migrate.ts');
        return migrateCommand(ctx, scenario, cmd.opts<MigrateOptions>());
      }),
    );
  usageHint(migrate, 'migrate');

  const matrix = program
    .command('matrix')
    .description('print the fleet compatibility matrix: every type on every parent against every parent')
    .argument('<scenario>', SCENARIO_HELP)
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'),
    )
    .option('--cross-host', 'only pairs whose source and target are on different hosts')
    .addHelpText(
      'after',
      `
Table cells: ok (compatible), no(<errno>) (the target refused the source's
string), type (different type), n/m (not migratable), - (no such pair).
${examples(['mdevsim matrix fleet.yaml', 'mdevsim matrix fleet.yaml --cross-host --format csv > matrix.csv'])}`,
    )
    .action((scenario: string, _options: unknown, cmd: Command) =>
      handle(cmd, state, async () => {
        const { matrixCommand } = await import('./commands/matrix.ts');
        await matrixCommand(ctx, scenario, cmd.opts<MatrixOptions>());
        return 0;
      }),
    );
  usageHint(matrix, 'matrix');

  const policy = program.command('policy').description('work with migration_version compatibility policies');
  usageHint(policy, 'policy');
  const policyCheck = policy
    .command('check')
    .description("check a version policy against the handshake's properties (reflexive, robust, ...)")
    .argument('<target>', 'a built-in policy name, a built-in driver name, or a path to a .ts/.js module')
    .option('--seed <n>', 'fast-check seed (default: a fixed one, so reports repeat)')
    .option('--runs <n>', 'runs per property (default 100)')
    .option('--property <name...>', 'only these properties, in this order')
    .option('--path <path>', "replay path from a report's counterexample (use with --seed and --property)")
    .option('--timeout <ms>', 'time budget per phase for a module target, in milliseconds (default 10000)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Exits 0 when every required property holds, 1 otherwise (the report says which
failed, with a counterexample and how to replay it).
${examples([
  'mdevsim policy check gvtg',
  'mdevsim policy check ./my-policy.ts --runs 1000',
  'mdevsim policy check broken-not-reflexive --json',
])}`,
    )
    .action((target: string, _options: unknown, cmd: Command) =>
      handle(cmd, state, async () => {
        const { policyCheckCommand } = await import('./commands/policy.ts');
        return policyCheckCommand(ctx, target, cmd.opts<PolicyCheckOptions>());
      }),
    );
  usageHint(policyCheck, 'policy check');

  const mount = program
    .command('mount')
    .description("serve the simulated hosts' sysfs as real FUSE mounts until interrupted (Ctrl-C)")
    .argument('<scenario>', SCENARIO_HELP)
    .argument('<dir>', 'directory for the mountpoints, one per host (created if missing)')
    .option('--host <name>', 'mount only this host (default: every host of the scenario)')
    .option('--root <path>', 'the tree path shown at each mount root, e.g. /sys (default /)')
    .option('--load <file>', "start from a snapshot written by --save instead of the scenario's world")
    .option('--save <file>', 'on exit, write a snapshot of the world (hosts, parents, devices) to this file')
    .addHelpText(
      'after',
      `
Each host is mounted at <dir>/<host>, so <dir>/<host>/sys is that host's /sys
(with --root /sys, <dir>/<host> is). Prints "mounted <host> at <mountpoint>" for
each host once all are ready, then serves until SIGINT or SIGTERM, unmounts, and
exits 130 or 143. Needs /dev/fuse and libfuse2. The serving process must not read
the mounts synchronously; other processes (bash, mdevctl) can.
${examples([
  'mdevsim mount fleet.yaml /tmp/sim',
  'ls /tmp/sim/src/sys/class/mdev_bus',
  "unshare -m sh -c 'mount --bind /tmp/sim/src/sys /sys && mdevctl list'",
  'mdevsim mount fleet.yaml /tmp/sim --host src --save state.json',
  'mdevsim mount fleet.yaml /tmp/sim --load state.json',
])}`,
    )
    .action((scenario: string, dir: string, _options: unknown, cmd: Command) =>
      handle(cmd, state, async () => {
        const { mountCommand } = await import('./commands/mount.ts');
        return mountCommand(ctx, scenario, dir, cmd.opts<MountOptions>());
      }),
    );
  usageHint(mount, 'mount');

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
