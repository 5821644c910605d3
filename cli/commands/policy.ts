import type { CliContext } from '../context.ts';
import { UsageError } from '../errors.ts';
import { prettyJson } from '../format/json.ts';
import { parseInteger } from '../parse.ts';
import { withProgress } from '../progress.ts';

export type PolicyCheckOptions = {
  readonly seed?: string;
  readonly runs?: string;
  readonly property?: readonly string[];
  readonly path?: string;
  readonly timeout?: string;
  readonly json?: boolean;
};

/**
 * `mdevsim policy check <target>`: lab/policy-check's checker. Prints the report (text or JSON)
 * on stdout; exits 0 when every required property holds, else 1 with `Error: ...` on stderr.
 */
export async function policyCheckCommand(
  ctx: CliContext,
  target: string,
  options: PolicyCheckOptions,
): Promise<number> {
  const { PROPERTY_NAMES } = await import('../../lab/policy-check/catalog.ts');
  const properties = options.property?.map((name) => {
    const known = PROPERTY_NAMES.find((p) => p === name);
    if (known === undefined) {
      throw new UsageError(
        `invalid value '${name}' for '--property': expected one of ${PROPERTY_NAMES.join(', ')}`,
      );
    }
    return known;
  });
  const checkOptions = {
    cwd: process.cwd(),
    ...(options.seed === undefined ? {} : { seed: parseInteger(options.seed, '--seed <n>', 0, 0xffffffff) }),
    ...(options.runs === undefined
      ? {}
      : { numRuns: parseInteger(options.runs, '--runs <n>', 1, 1_000_000) }),
    ...(options.timeout === undefined
      ? {}
      : { timeoutMs: parseInteger(options.timeout, '--timeout <ms>', 1, 3_600_000) }),
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(properties === undefined ? {} : { properties }),
  };
  const [{ checkPolicy }, { formatReport }] = await Promise.all([
    import('../../lab/policy-check/check-policy.ts'),
    import('../../lab/policy-check/format-report.ts'),
  ]);
  const report = await withProgress(
    ctx,
    { title: 'policy check', enabled: options.json !== true },
    (onProgress) =>
      checkPolicy(target, {
        ...checkOptions,
        ...(onProgress === undefined
          ? {}
          : {
              onProgress: (done: number, total: number, label: string) => onProgress({ done, total, label }),
            }),
      }),
  );
  ctx.io.out(options.json === true ? `${prettyJson(report)}\n` : formatReport(report));
  if (report.ok) return 0;
  const required = report.properties.filter((p) => p.kind === 'required' && p.status !== 'pass');
  const what = required.map((p) => `${p.name} ${p.status === 'fail' ? 'fails' : 'could not be checked'}`);
  ctx.io.err(`Error: policy check of '${report.target}': ${what.join(', ')}\n`);
  return 1;
}
