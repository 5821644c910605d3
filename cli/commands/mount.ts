import { readFile, writeFile } from 'node:fs/promises';
import type { World } from '../../sysfs/world.ts';
import type { CliContext } from '../context.ts';
import { CliError, UsageError } from '../errors.ts';
import { prettyJson } from '../format/json.ts';
import { loadWorld } from '../scenario.ts';

export type MountOptions = {
  readonly host?: string;
  readonly root?: string;
  readonly load?: string;
  readonly save?: string;
};

/**
 * `mdevsim mount <scenario> <dir>`: serves each host's sysfs (or only `--host`'s) through FUSE at
 * `<dir>/<host>` (sysfs/fuse/mount-world.ts), prints `mounted <host> at <mountpoint>` for each
 * once all are ready, and serves until SIGINT/SIGTERM; then unmounts, writes the snapshot
 * (`--save`, scenarios/snapshot.ts) and exits 130/143 (installSignalCleanup's codes).
 * `--load` starts from a snapshot written by `--save` instead of the scenario's world.
 */
export async function mountCommand(
  ctx: CliContext,
  scenario: string,
  dir: string,
  options: MountOptions,
): Promise<number> {
  if (options.root !== undefined && !options.root.startsWith('/')) {
    throw new UsageError(
      `invalid value '${options.root}' for '--root <path>': expected an absolute path like /sys`,
    );
  }
  const world =
    options.load === undefined ? await loadWorld(ctx, scenario) : await loadSnapshot(options.load);
  if (options.host !== undefined) world.host(options.host);

  const [{ mountWorld }, { installSignalCleanup }, { snapshotWorld }] = await Promise.all([
    import('../../sysfs/fuse/mount-world.ts'),
    import('../../sysfs/fuse/mount.ts'),
    import('../../scenarios/snapshot.ts'),
  ]);
  const mounted = await mountWorld(world, dir, {
    ...(options.host === undefined ? {} : { hosts: [options.host] }),
    ...(options.root === undefined ? {} : { root: options.root }),
  });
  for (const m of mounted.mounts) ctx.io.out(`mounted ${m.host} at ${m.mountpoint}\n`);

  // Serve until a signal: the cleanup unmounts every host, then this saves and ends the process.
  return new Promise<number>(() => {
    installSignalCleanup(mounted.handles, {
      log: (message) => ctx.io.err(`${message}\n`),
      exit: (code) => {
        const path = options.save;
        if (path === undefined) process.exit(code);
        writeFile(path, `${prettyJson(snapshotWorld(world))}\n`).then(
          () => process.exit(code),
          (error: unknown) => {
            ctx.io.err(
              `Error: cannot save state to '${path}': ${error instanceof Error ? error.message : String(error)}\n`,
            );
            process.exit(1);
          },
        );
      },
    });
  });
}

/** A snapshot from `--save` (a scenario document) as a World. */
async function loadSnapshot(path: string): Promise<World> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(
      `cannot read snapshot '${path}': ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const [{ parseScenarioText }, { restoreWorld }] = await Promise.all([
    import('../../scenarios/parse-source.ts'),
    import('../../scenarios/snapshot.ts'),
  ]);
  return restoreWorld(parseScenarioText(text));
}
