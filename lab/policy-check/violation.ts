import type { Counterexample } from './types.ts';

/** Thrown by a property's predicate: the failing case as data plus one line saying what broke. */
export class Violation extends Error {
  override readonly name = 'Violation';
  readonly details: Counterexample;

  constructor(message: string, details: Counterexample) {
    super(message);
    this.details = details;
  }
}

export function isViolation(value: unknown): value is Violation {
  return value instanceof Violation;
}
