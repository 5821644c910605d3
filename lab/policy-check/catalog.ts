import { capacityIndependent } from './properties/capacity-independent.ts';
import { deterministic } from './properties/deterministic.ts';
import { reflexive } from './properties/reflexive.ts';
import { robust } from './properties/robust.ts';
import { symmetric } from './properties/symmetric.ts';
import { transitive } from './properties/transitive.ts';
import type { PropertyDef, RunParams, Subject } from './property-def.ts';
import type { PropertyName, PropertyResult } from './types.ts';

/** Every property, in report order: required ones first. */
export const PROPERTIES: readonly PropertyDef[] = [
  reflexive,
  capacityIndependent,
  robust,
  deterministic,
  symmetric,
  transitive,
];

export const PROPERTY_NAMES: readonly PropertyName[] = PROPERTIES.map((p) => p.name);

export function propertyDef(name: PropertyName): PropertyDef | undefined {
  return PROPERTIES.find((p) => p.name === name);
}

/** Runs the named properties in-process, in order. */
export function runProperties(
  subject: Subject,
  names: readonly PropertyName[],
  params: RunParams,
): PropertyResult[] {
  return names.flatMap((name) => {
    const def = propertyDef(name);
    return def === undefined ? [] : [def.run(subject, params)];
  });
}

/** A property that could not be checked (bad target, module failure, timeout). */
export function errorResult(name: PropertyName, seed: number, message: string): PropertyResult {
  const kind = propertyDef(name)?.kind ?? 'required';
  return {
    name,
    kind,
    status: 'error',
    shrunk: false,
    numShrinks: 0,
    seed,
    path: undefined,
    numRuns: 0,
    message,
  };
}
