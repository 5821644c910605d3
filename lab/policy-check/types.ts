import type { VersionFacts } from '../../devices/policies/policy.ts';

/**
 * Report shapes of the policy checker. Everything here is plain data (structured-cloneable), so a
 * report built inside a Worker crosses `postMessage` unchanged.
 */

export type PropertyName =
  | 'reflexive'
  | 'capacity-independent'
  | 'robust'
  | 'deterministic'
  | 'symmetric'
  | 'transitive';

/** `required`: a failure is a defect. `info`: the protocol is directional, a failure is information. */
export type PropertyKind = 'required' | 'info';

/** `error`: the property could not be checked (module failed to load, hung, crashed the worker). */
export type PropertyStatus = 'pass' | 'fail' | 'error';

/** A failing case as plain data: field names depend on the property (facts, revision, written, ...). */
export type Counterexample = Readonly<Record<string, unknown>>;

export interface PropertyResult {
  readonly name: PropertyName;
  readonly kind: PropertyKind;
  readonly status: PropertyStatus;
  /** The shrunk failing case (status 'fail' only). */
  readonly counterexample?: Counterexample;
  /** Whether fast-check shrank the first failing case (numShrinks > 0). */
  readonly shrunk: boolean;
  readonly numShrinks: number;
  /** Seed the property ran with; with `path`, replays the failure (`fc.assert`'s seed/path). */
  readonly seed: number;
  /** fast-check counterexample path, present on failure. */
  readonly path: string | undefined;
  /** Runs executed (on failure: until the first failing run). */
  readonly numRuns: number;
  /** One line: what failed and why, or what passed. */
  readonly message: string;
}

/** `unknown`: the target named nothing checkable; every property is `error` with the reason. */
export type TargetKind = 'policy' | 'driver' | 'module' | 'object' | 'unknown';

export interface PolicyReport {
  /** The target as given (policy name, driver name, module path, or the object's policy name). */
  readonly target: string;
  readonly targetKind: TargetKind;
  /** Name and description the policy declares, when it could be loaded. */
  readonly policy?: { readonly name: string; readonly description: string };
  readonly seed: number;
  readonly numRuns: number;
  readonly properties: readonly PropertyResult[];
  /** Every required property passed. */
  readonly ok: boolean;
}

export interface CheckOptions {
  /** fast-check seed (default DEFAULT_SEED, so reports are reproducible). */
  readonly seed?: number;
  /** Runs per property (default 100). */
  readonly numRuns?: number;
  /** Replay path from a report; use with `properties: [thatProperty]`. */
  readonly path?: string;
  /** Subset and order of properties (default all). */
  readonly properties?: readonly PropertyName[];
  /** Facts the generator starts from (default: the driver's samples, or every built-in sample). */
  readonly facts?: readonly VersionFacts[];
  /** Sample facts for a driver name (the lead's drivers may supply their own). */
  readonly factsFor?: (driver: string) => readonly VersionFacts[] | undefined;
  /** Default policy name for a driver name. */
  readonly policyFor?: (driver: string) => string | undefined;
  /** Module targets: time budget per phase (import, each property) in ms (default 10000). */
  readonly timeoutMs?: number;
  /** Called as properties finish (for progress bars): finished count, total, the last one. */
  readonly onProgress?: (done: number, total: number, property: PropertyName) => void;
  /** Directory relative module paths resolve against (default process.cwd()). */
  readonly cwd?: string;
}
