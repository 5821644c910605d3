import type { CliContext } from '../context.ts';
import { joinHostsJson, joinHostsText } from '../format/hosts.ts';
import { formatListText, listJson } from '../format/mdevctl.ts';
import { readActiveDevices } from '../mdevctl/read.ts';
import { parseUuidOption } from '../parse.ts';
import { loadWorld, selectHosts } from '../scenario.ts';

export interface ListOptions {
  readonly host?: string;
  readonly parent?: string;
  readonly uuid?: string;
  readonly dumpjson?: boolean;
  readonly verbose?: boolean;
}

/** `mdevsim list [scenario]`: `mdevctl list` (active devices) over each host's sysfs, through `host.fs`. */
export async function listCommand(
  ctx: CliContext,
  scenario: string | undefined,
  options: ListOptions,
): Promise<void> {
  const uuid = options.uuid === undefined ? undefined : parseUuidOption(options.uuid, '-u, --uuid <UUID>');
  const world = await loadWorld(ctx, scenario);
  const parts = selectHosts(world, options.host).map((host) => ({
    host: host.name,
    devices: readActiveDevices(host.fs, { uuid, parent: options.parent }),
  }));
  ctx.io.out(
    options.dumpjson === true
      ? joinHostsJson(
          parts.map((p) => ({ host: p.host, json: listJson(p.devices, { byUuid: uuid !== undefined }) })),
        )
      : joinHostsText(
          parts.map((p) => ({
            host: p.host,
            text: formatListText(p.devices, { verbose: options.verbose === true }),
          })),
        ),
  );
}
