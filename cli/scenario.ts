import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { LoadOptions } from '../scenarios/load.ts';
import type { Host } from '../sysfs/host.ts';
import type { World } from '../sysfs/world.ts';
import type { CliContext } from './context.ts';
import { CliError } from './errors.ts';

/** Where the built-in default scenario lives, relative to the package root. */
export const DEFAULT_SCENARIO = 'scenarios/default.yaml';

export interface ScenarioSource {
  readonly text: string;
  /** For messages: the path, `<stdin>`, or the default scenario's path. */
  readonly name: string;
}

/**
 * The scenario argument: a path to a YAML/JSON file, `-` for stdin, or (where a command allows
 * it) nothing, meaning the built-in default scenario.
 */
export async function readScenarioSource(ctx: CliContext, arg: string | undefined): Promise<ScenarioSource> {
  if (arg === '-') return { text: await ctx.io.readStdin(), name: '<stdin>' };
  if (arg === undefined) {
    const path = fileURLToPath(new URL(DEFAULT_SCENARIO, ctx.packageRoot));
    try {
      return { text: await readFile(path, 'utf8'), name: path };
    } catch (error) {
      throw new CliError(
        `the built-in default scenario (${DEFAULT_SCENARIO}) cannot be read: ${reason(error)}; give a scenario file`,
        { cause: error },
      );
    }
  }
  try {
    return { text: await readFile(arg, 'utf8'), name: arg };
  } catch (error) {
    throw new CliError(`cannot read scenario '${arg}': ${reason(error)}`, { cause: error });
  }
}

function reason(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    const code = error.code;
    // Node's message is `ENOENT: no such file or directory, open 'x'`; keep the part before the comma.
    const head = error.message.split(', ')[0] ?? error.message;
    return head.startsWith(code) ? head : `${code}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Reads and loads the scenario argument into a World (a ScenarioError surfaces as is). */
export async function loadWorld(
  ctx: CliContext,
  arg: string | undefined,
  options: LoadOptions = {},
): Promise<World> {
  const source = await readScenarioSource(ctx, arg);
  const { loadScenario } = await import('../scenarios/load.ts');
  return loadScenario(source.text, options);
}

/** `--host H` picks one host (unknown: the World's own `no host named ...` error); else all of them. */
export function selectHosts(world: World, host: string | undefined): readonly Host[] {
  return host === undefined ? world.hosts : [world.host(host)];
}
