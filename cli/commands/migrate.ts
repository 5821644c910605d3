import type { MigrateAction } from '../../scenarios/actions-schema.ts';
import type { CliContext } from '../context.ts';
import { UsageError } from '../errors.ts';
import { prettyJson } from '../format/json.ts';
import { parseBytesPerSecond, parseHostName, parseHostUuid, parseInteger } from '../parse.ts';
import { loadWorld } from '../scenario.ts';

export type MigrateOptions = {
  readonly from: string;
  readonly to: string;
  readonly parent?: string;
  readonly downtimeLimit?: string;
  readonly bandwidth?: string;
  readonly payload?: 'real' | 'modeled';
  readonly json?: boolean;
};

/** QEMU's largest downtime-limit: 2000 s (MAX_MIGRATE_DOWNTIME_SECONDS), in ms. */
const MAX_DOWNTIME_MS = 2_000_000;

/**
 * The options as a scenario `migrate:` action (scenarios/actions-schema.ts), every value checked:
 * a problem is a UsageError (exit 2).
 */
export function migrateAction(options: MigrateOptions): MigrateAction {
  const source = parseHostUuid(options.from, '--from <host:uuid>');
  const host = parseHostName(options.to, '--to <host>');
  if (options.parent === '') throw new UsageError("invalid value '' for '--parent <parent>'");
  const migrateOptions = {
    ...(options.downtimeLimit === undefined
      ? {}
      : {
          downtimeLimitMs: parseInteger(options.downtimeLimit, '--downtime-limit <ms>', 1, MAX_DOWNTIME_MS),
        }),
    ...(options.bandwidth === undefined
      ? {}
      : { bandwidth: parseBytesPerSecond(options.bandwidth, '--bandwidth <bytes/s>') }),
  };
  return {
    from: `${source.host}:${source.uuid}`,
    to: options.parent === undefined ? host : { host, parent: options.parent },
    ...(Object.keys(migrateOptions).length === 0 ? {} : { options: migrateOptions }),
  };
}

/**
 * `mdevsim migrate <scenario> --from HOST:UUID --to HOST ...`: one live migration on the
 * scenario's world (scenarios/run-migrate.ts, as a `migrate:` action would run). Prints the
 * report; exits 0 when the device runs on the target, else 1 with `Error: migration <outcome>`.
 */
export async function migrateCommand(
  ctx: CliContext,
  scenario: string,
  options: MigrateOptions,
): Promise<number> {
  const action = migrateAction(options);
  // The payload is a property of the device state, fixed when devices are created: a load option.
  const world = await loadWorld(
    ctx,
    scenario,
    options.payload === undefined ? {} : { payload: options.payload },
  );
  world.host(action.from.slice(0, action.from.indexOf(':')));
  world.host(typeof action.to === 'string' ? action.to : action.to.host);
  const { formatMigrateSection, runMigrate } = await import('../../scenarios/run-migrate.ts');
  const section = await runMigrate(world, action, 0);
  ctx.io.out(
    options.json === true ? `${prettyJson(section)}\n` : `${formatMigrateSection(section).join('\n')}\n`,
  );
  const { outcome, reason } = section.result;
  if (outcome === 'completed') return 0;
  ctx.io.err(`Error: migration ${outcome}: ${reason}\n`);
  return 1;
}
