import { printValue } from './print-value.ts';
import type { PolicyReport, PropertyResult } from './types.ts';

/**
 * A readable text report: a header, one line per property, the verdict, then each failure's
 * counterexample with the options that replay it.
 */
export function formatReport(report: PolicyReport): string {
  const lines: string[] = [];
  const about = report.policy === undefined ? '' : ` — ${report.policy.name}: ${report.policy.description}`;
  lines.push(`policy check: ${report.target} (${report.targetKind})${about}`);
  lines.push(`seed ${report.seed}, ${report.numRuns} runs per property`);
  lines.push('');
  const width = Math.max(...report.properties.map((p) => p.name.length), 8);
  let previous = '';
  for (const p of report.properties) {
    const message = p.status === 'error' && p.message === previous ? '(same error)' : p.message;
    previous = p.message;
    lines.push(
      `  ${p.status.toUpperCase().padEnd(5)}  ${p.name.padEnd(width)}  ${p.kind.padEnd(8)}  ${message}`,
    );
  }
  lines.push('', verdictLine(report));
  for (const p of report.properties) {
    if (p.counterexample !== undefined) lines.push('', ...failureBlock(report, p));
  }
  return `${lines.join('\n')}\n`;
}

function verdictLine(report: PolicyReport): string {
  const required = report.properties.filter((p) => p.kind === 'required');
  const failed = required.filter((p) => p.status === 'fail').length;
  const errored = required.filter((p) => p.status === 'error').length;
  const of = `of ${required.length} required properties`;
  if (failed > 0)
    return `RESULT: FAIL (${failed} ${of} failed${errored > 0 ? `, ${errored} could not be checked` : ''})`;
  if (errored > 0) return `RESULT: ERROR (${errored} ${of} could not be checked)`;
  return `RESULT: OK (all ${required.length} required properties hold)`;
}

function failureBlock(report: PolicyReport, p: PropertyResult): string[] {
  const shrink = p.shrunk ? `shrunk ${p.numShrinks} time${p.numShrinks === 1 ? '' : 's'}` : 'not shrunk';
  const found = p.status === 'fail' ? `, found after ${p.numRuns} run${p.numRuns === 1 ? '' : 's'}` : '';
  const out = [`${p.name} (${p.kind}): ${p.message}`, `  counterexample (${shrink}${found}):`];
  for (const [key, value] of Object.entries(p.counterexample ?? {}))
    out.push(`    ${key}: ${printValue(value)}`);
  if (p.status === 'fail') {
    const path = p.path === undefined ? '' : `, path: '${p.path}'`;
    out.push(
      `  replay: checkPolicy(${printValue(report.target)}, { seed: ${p.seed}${path}, properties: ['${p.name}'] })`,
    );
  }
  return out;
}
