import fc from 'fast-check';
import type { PropertyDef, RunParams } from './property-def.ts';
import type { PropertyResult } from './types.ts';
import { isViolation } from './violation.ts';

/** Counts runs where the policy really had something to answer (show() gave a string, premise held). */
export interface Coverage {
  runs: number;
  exercised: number;
}

/**
 * Runs one fast-check property and turns its RunDetails into a PropertyResult: the shrunk
 * Violation's details become the counterexample; seed and path replay it (style.md §A.1, §A.6).
 */
export function runFc<T>(
  def: Pick<PropertyDef, 'name' | 'kind'>,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T, coverage: Coverage) => void,
  params: RunParams,
): PropertyResult {
  const coverage: Coverage = { runs: 0, exercised: 0 };
  const property = fc.property(arbitrary, (value) => {
    coverage.runs += 1;
    predicate(value, coverage);
  });
  const base = { name: def.name, kind: def.kind, seed: params.seed };
  let details: fc.RunDetails<[T]>;
  try {
    details = fc.check(property, {
      seed: params.seed,
      numRuns: params.numRuns,
      ...(params.path === undefined ? {} : { path: params.path, endOnFailure: true }),
    });
  } catch (error) {
    return {
      ...base,
      status: 'error',
      shrunk: false,
      numShrinks: 0,
      path: undefined,
      numRuns: 0,
      message: `checker error: ${String(error)}`,
    };
  }
  if (!details.failed) {
    const vacuous = coverage.exercised === 0 ? ' — vacuous: no generated case exercised the policy' : '';
    return {
      ...base,
      status: 'pass',
      shrunk: false,
      numShrinks: 0,
      path: undefined,
      numRuns: details.numRuns,
      message: `held for ${details.numRuns} runs (${coverage.exercised} exercised the policy)${vacuous}`,
    };
  }
  const error = details.errorInstance;
  const common = {
    ...base,
    shrunk: details.numShrinks > 0,
    numShrinks: details.numShrinks,
    path: details.counterexamplePath ?? undefined,
    numRuns: details.numRuns,
  };
  if (isViolation(error))
    return { ...common, status: 'fail', counterexample: error.details, message: error.message };
  return {
    ...common,
    status: 'error',
    message: `checker error: ${error instanceof Error ? error.message : String(error)}`,
  };
}
