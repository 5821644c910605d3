import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { matrixTable } from '../lab/matrix/format.ts';
import { compatibilityMatrix, type MatrixCell } from '../lab/matrix/matrix.ts';
import { checkPolicy } from '../lab/policy-check/check-policy.ts';
import { formatReport as formatPolicyReport } from '../lab/policy-check/format-report.ts';
import type { PolicyReport } from '../lab/policy-check/types.ts';
import type { World } from '../sysfs/world.ts';
import { type Action, ActionsSchema } from './actions-schema.ts';
import { loadScenario } from './load.ts';
import { parseScenarioText } from './parse-source.ts';
import { type CheckSection, runCheck } from './run-check.ts';
import { formatMigrateSection, type MigrateSection, runMigrate } from './run-migrate.ts';
import { formatDocPath, ScenarioError } from './scenario-error.ts';

export const DEFAULT_SCENARIO = fileURLToPath(new URL('./default.yaml', import.meta.url));

export interface MatrixSection {
  readonly kind: 'matrix';
  readonly title: string;
  readonly cells: readonly MatrixCell[];
}

export interface PolicySection {
  readonly kind: 'policy';
  readonly title: string;
  readonly report: PolicyReport;
}

export type Section = CheckSection | MatrixSection | PolicySection | MigrateSection;

/** Called after each action (for progress bars): finished count, total, the action's title. */
export type ActionProgress = (done: number, total: number, title: string) => void;

export interface RunReport {
  readonly seed: number;
  readonly sections: readonly Section[];
}

/** Loads a scenario file (or `-` for stdin, or the built-in default), runs its actions. */
export async function runScenario(
  source: string | undefined,
  options: { readonly json?: boolean; readonly onProgress?: ActionProgress } = {},
) {
  const path = source ?? DEFAULT_SCENARIO;
  const text = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  const report = await runScenarioText(text, options.onProgress);
  return { text: formatRunReport(report), json: report };
}

/** Runs every action of a scenario document, in order, on one fresh world. */
export async function runScenarioText(text: string, onProgress?: ActionProgress): Promise<RunReport> {
  const data = parseScenarioText(text);
  const parsed = ActionsSchema.safeParse(data);
  if (!parsed.success) {
    throw new ScenarioError(
      parsed.error.issues.map((i) => ({ path: formatDocPath(i.path), message: i.message })),
    );
  }
  const world = await loadScenario(data as object);
  const sections: Section[] = [];
  const actions = parsed.data.actions;
  for (const [index, action] of actions.entries()) {
    const section = await runAction(world, action, index);
    sections.push(section);
    onProgress?.(index + 1, actions.length, section.title);
  }
  return { seed: world.seed, sections };
}

async function runAction(world: World, action: Action, index: number): Promise<Section> {
  if ('check' in action) return runCheck(world, action.check, index);
  if ('matrix' in action) {
    const cells = compatibilityMatrix(world, { crossHostOnly: action.matrix.crossHostOnly ?? false });
    return { kind: 'matrix', title: action.matrix.title ?? 'compatibility matrix', cells };
  }
  if ('policy' in action) {
    const p = action.policy;
    const report = await checkPolicy(p.target, {
      ...(p.numRuns === undefined ? {} : { numRuns: p.numRuns }),
      ...(p.seed === undefined ? {} : { seed: p.seed }),
    });
    return { kind: 'policy', title: p.title ?? `policy check: ${p.target}`, report };
  }
  return runMigrate(world, action.migrate, index);
}

export function formatRunReport(report: RunReport): string {
  const out: string[] = [`mdevsim report (seed ${report.seed})`, ''];
  for (const section of report.sections) {
    out.push(`== ${section.title}`);
    if (section.kind === 'check') {
      const v = section.verdict;
      out.push(...section.transcript.map((l) => `  ${l}`));
      out.push(`  verdict: ${v.verdict} (step ${v.step}${v.errno ? `, ${v.errno}` : ''}): ${v.reason}`);
    } else if (section.kind === 'migrate') {
      out.push(...formatMigrateSection(section).map((l) => `  ${l}`));
    } else if (section.kind === 'matrix') {
      out.push(
        ...matrixTable(section.cells)
          .trimEnd()
          .split('\n')
          .map((l) => `  ${l}`),
      );
    } else {
      out.push(
        ...formatPolicyReport(section.report)
          .trimEnd()
          .split('\n')
          .map((l) => `  ${l}`),
      );
    }
    out.push('');
  }
  return out.join('\n');
}
