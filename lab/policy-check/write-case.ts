import fc from 'fast-check';
import type { PolicyContext, VersionFacts, VersionPolicy } from '../../devices/policies/policy.ts';
import { factsArbitrary } from './facts-arbitrary.ts';
import { describeSpec, type IncomingSpec, resolveIncoming, revisionArbitrary } from './incoming.ts';

/** One generated write to a policy: the context it lands in and what is written. */
export interface WriteCase {
  readonly ctx: PolicyContext;
  readonly written: string;
  /** The case as a counterexample shows it. */
  readonly details: Readonly<Record<string, unknown>>;
}

/** Facts, revision, free capacity and an incoming write, as the per-call properties draw them. */
export function writeCaseArbitrary(samples: readonly VersionFacts[], incoming: fc.Arbitrary<IncomingSpec>) {
  return fc.record({
    facts: factsArbitrary(samples),
    revision: revisionArbitrary,
    availableInstances: fc.nat(64),
    incoming,
  });
}

/** Resolves the drawn write against its context (the own string comes from a fresh instance). */
export function resolveWriteCase(
  drawn: PolicyContext & { readonly incoming: IncomingSpec },
  create: () => VersionPolicy,
): WriteCase {
  const { incoming, ...ctx } = drawn;
  const written = resolveIncoming(incoming, ctx, create);
  return { ctx, written, details: { ...ctx, written, writtenFrom: describeSpec(incoming) } };
}
