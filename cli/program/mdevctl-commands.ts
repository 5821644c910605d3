import type { Command } from 'commander';
import type { ListOptions } from '../commands/list.ts';
import type { TypesOptions } from '../commands/types.ts';
import type { CliContext } from '../context.ts';
import { examples, HOSTS_NOTE, handle, OPTIONAL_SCENARIO_HELP, type RunState, usageHint } from './shared.ts';

/** `types` and `list`: mdevctl's views of simulated hosts (ecosystem.md §1.4–§1.5). */
export function defineMdevctlCommands(program: Command, ctx: CliContext, state: RunState): void {
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
        const { typesCommand } = await import('../commands/types.ts');
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
        const { listCommand } = await import('../commands/list.ts');
        await listCommand(ctx, scenario, cmd.opts<ListOptions>());
        return 0;
      }),
    );
  usageHint(list, 'list');
}
