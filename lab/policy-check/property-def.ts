import type { VersionFacts, VersionPolicy } from '../../devices/policies/policy.ts';
import type { PropertyKind, PropertyName, PropertyResult } from './types.ts';

/** The policy under test: a way to get an instance, and the facts cases are generated around. */
export interface Subject {
  /** A fresh instance when the source can make one (built-ins), else the same instance. */
  readonly create: () => VersionPolicy;
  readonly samples: readonly VersionFacts[];
}

export interface RunParams {
  readonly seed: number;
  readonly numRuns: number;
  readonly path?: string;
}

export interface PropertyDef {
  readonly name: PropertyName;
  readonly kind: PropertyKind;
  /** What the property states, for reports. */
  readonly statement: string;
  run(subject: Subject, params: RunParams): PropertyResult;
}
