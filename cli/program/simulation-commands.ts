import { type Command, Option } from 'commander';
import type { FsmOptions } from '../commands/fsm.ts';
import type { MatrixOptions } from '../commands/matrix.ts';
import type { MigrateOptions } from '../commands/migrate.ts';
import type { MountOptions } from '../commands/mount.ts';
import type { PolicyCheckOptions } from '../commands/policy.ts';
import type { RunOptions } from '../commands/run.ts';
import type { CliContext } from '../context.ts';
import {
  examples,
  handle,
  OPTIONAL_SCENARIO_HELP,
  type RunState,
  SCENARIO_HELP,
  usageHint,
} from './shared.ts';

/** `fsm`, `run`, `migrate`, `matrix`, `policy check` and `mount`: the simulator's own commands. */
export function defineSimulationCommands(program: Command, ctx: CliContext, state: RunState): void {
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
        const { fsmCommand } = await import('../commands/fsm.ts');
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
        const { runCommand } = await import('../commands/run.ts');
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
        const { migrateCommand } = await import('../commands/migrate.ts');
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
        const { matrixCommand } = await import('../commands/matrix.ts');
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
        const { policyCheckCommand } = await import('../commands/policy.ts');
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
        const { mountCommand } = await import('../commands/mount.ts');
        return mountCommand(ctx, scenario, dir, cmd.opts<MountOptions>());
      }),
    );
  usageHint(mount, 'mount');
}
