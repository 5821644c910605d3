import type { VersionPolicy } from '../../devices/policies/policy.ts';
import { errorResult, PROPERTY_NAMES, propertyDef, runProperties } from './catalog.ts';
import { resolveTarget } from './resolve-target.ts';
import { runModuleInWorker } from './run-in-worker.ts';
import type { CheckOptions, PolicyReport, PropertyResult } from './types.ts';

/** Default seed: a fixed one, so the same target gives the same report (DESIGN.md principle 4). */
export const DEFAULT_SEED = 20190505;
export const DEFAULT_NUM_RUNS = 100;
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Checks a version policy against the handshake's properties (reflexive, capacity-independent,
 * robust, deterministic; symmetric and transitive as information). `target` is a built-in policy
 * name, a built-in driver name (its default policy and sample facts), a path to a user's `.ts`/`.js`
 * module exporting a VersionPolicy, or a policy object. Built-ins and objects run in-process; a
 * module runs in a worker thread with a time budget, so a throw, garbage or a hang becomes an
 * `error` result. Never rejects.
 */
export async function checkPolicy(
  target: string | VersionPolicy,
  options: CheckOptions = {},
): Promise<PolicyReport> {
  const seed = options.seed ?? DEFAULT_SEED;
  const numRuns = options.numRuns ?? DEFAULT_NUM_RUNS;
  const names = options.properties ?? PROPERTY_NAMES;
  const resolved = resolveTarget(target, options);
  const report = (properties: readonly PropertyResult[], policy?: { name: string; description: string }) => ({
    target: resolved.label,
    targetKind: resolved.kind === 'invalid' ? ('unknown' as const) : resolved.kind,
    ...(policy === undefined ? {} : { policy }),
    seed,
    numRuns,
    properties,
    ok: properties.every((p) => p.kind !== 'required' || p.status === 'pass'),
  });
  const allError = (message: string) => names.map((n) => errorResult(n, seed, message));

  const unknown = names.filter((n) => propertyDef(n) === undefined);
  if (unknown.length > 0)
    return report(
      allError(`unknown properties: ${unknown.join(', ')} (known: ${PROPERTY_NAMES.join(', ')})`),
    );
  if (resolved.kind === 'invalid') return report(allError(resolved.message));
  if (resolved.samples.length === 0) return report(allError('no sample facts to generate cases from'));
  const params = { seed, numRuns, ...(options.path === undefined ? {} : { path: options.path }) };

  if (resolved.kind === 'module') {
    const run = await runModuleInWorker(
      { modulePath: resolved.modulePath, properties: names, samples: resolved.samples, ...params },
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    for (const [i, r] of run.results.entries()) options.onProgress?.(i + 1, names.length, r.name);
    return report(run.results, run.policy);
  }
  const subject = { create: resolved.create, samples: resolved.samples };
  const info = describePolicy(resolved.create);
  const results: PropertyResult[] = [];
  for (const name of names) {
    results.push(...runProperties(subject, [name], params));
    options.onProgress?.(results.length, names.length, name);
  }
  return report(results, info);
}

function describePolicy(create: () => VersionPolicy): { name: string; description: string } {
  try {
    const policy = create();
    return { name: String(policy.name), description: String(policy.description) };
  } catch {
    return { name: '(unreadable)', description: '(unreadable)' };
  }
}
