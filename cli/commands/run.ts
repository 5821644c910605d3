import type { CliContext } from '../context.ts';
import { prettyJson } from '../format/json.ts';
import { withProgress } from '../progress.ts';

export interface RunOptions {
  readonly json?: boolean;
}

/**
 * `mdevsim run [scenario] [--json]`: runs a scenario's actions (scenarios/run.ts `runScenario`,
 * which takes the path as given: a file, `-` for stdin, or undefined for the default scenario)
 * and prints its report.
 */
export async function runCommand(
  ctx: CliContext,
  scenario: string | undefined,
  options: RunOptions,
): Promise<void> {
  const { runScenario } = await import('../../scenarios/run.ts');
  const json = options.json === true;
  const report = await withProgress(ctx, { title: 'run', enabled: !json }, (onProgress) =>
    runScenario(scenario, {
      json,
      ...(onProgress === undefined
        ? {}
        : { onProgress: (done: number, total: number, label: string) => onProgress({ done, total, label }) }),
    }),
  );
  ctx.io.out(json ? `${prettyJson(report.json)}\n` : ensureNewline(report.text));
}

function ensureNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
