import type { CliContext } from '../context.ts';
import { joinHostsJson, joinHostsText } from '../format/hosts.ts';
import { formatTypesText, typesJson } from '../format/mdevctl.ts';
import { readSupportedTypes } from '../mdevctl/read.ts';
import { loadWorld, selectHosts } from '../scenario.ts';

export interface TypesOptions {
  readonly host?: string;
  readonly parent?: string;
  readonly dumpjson?: boolean;
}

/** `mdevsim types [scenario]`: `mdevctl types` over each host's sysfs, read through `host.fs`. */
export async function typesCommand(
  ctx: CliContext,
  scenario: string | undefined,
  options: TypesOptions,
): Promise<void> {
  const world = await loadWorld(ctx, scenario);
  const parts = selectHosts(world, options.host).map((host) => ({
    host: host.name,
    types: readSupportedTypes(host.fs, options.parent),
  }));
  ctx.io.out(
    options.dumpjson === true
      ? joinHostsJson(parts.map((p) => ({ host: p.host, json: typesJson(p.types) })))
      : joinHostsText(parts.map((p) => ({ host: p.host, text: formatTypesText(p.types) }))),
  );
}
