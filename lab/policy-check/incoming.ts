import fc from 'fast-check';
import type { PolicyContext, Revision, VersionFacts, VersionPolicy } from '../../devices/policies/policy.ts';
import { getPolicy, policyNames } from '../../devices/policies/registry.ts';
import { factsArbitrary } from './facts-arbitrary.ts';
import { callShow } from './outcome.ts';

/**
 * What gets written to the target's attribute in a generated case. Kept as a recipe and resolved
 * against the case's own context at run time, so "the type's own string" shrinks like any value.
 */
export type IncomingSpec =
  | { readonly kind: 'own' }
  | { readonly kind: 'own-newline' }
  | { readonly kind: 'own-mutated'; readonly mutation: Mutation }
  | { readonly kind: 'peer'; readonly facts: VersionFacts; readonly revision: Revision }
  | {
      readonly kind: 'foreign';
      readonly policy: string;
      readonly facts: VersionFacts;
      readonly revision: Revision;
    }
  | { readonly kind: 'text'; readonly text: string };

export type Mutation =
  | { readonly op: 'append'; readonly text: string }
  | { readonly op: 'prepend'; readonly text: string }
  | { readonly op: 'truncate'; readonly keep: number }
  | { readonly op: 'replace'; readonly at: number; readonly char: string };

export const revisionArbitrary: fc.Arbitrary<Revision> = fc.constantFrom('v2', 'v4', 'v5');

/** Characters that trip parsers: NUL, newlines, whitespace, DEL, high bytes, separators, digits. */
const TRICKY = [
  '\0',
  '\n',
  '\r',
  '\t',
  ' ',
  '\x7f',
  '\x80',
  '\xa0',
  '\xff',
  '-',
  ';',
  '=',
  '.',
  '*',
  '0',
  '9',
  'a',
  'Z',
  '_',
];

export const trickyText: fc.Arbitrary<string> = fc.string({
  unit: fc.constantFrom(...TRICKY),
  maxLength: 64,
});

/** Arbitrary bytes as the kernel buffer would hold them (one char per byte, latin1), up to 8 KiB. */
export const bytesText: fc.Arbitrary<string> = fc
  .oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 8192, size: 'max' }))
  .map((bytes) => Buffer.from(bytes).toString('latin1'));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  trickyText.map((text) => ({ op: 'append' as const, text })),
  trickyText.map((text) => ({ op: 'prepend' as const, text })),
  fc.nat(64).map((keep) => ({ op: 'truncate' as const, keep })),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(64), char: fc.constantFrom(...TRICKY) }),
);

function foreign(samples: readonly VersionFacts[]): fc.Arbitrary<IncomingSpec> {
  return fc.record({
    kind: fc.constant('foreign' as const),
    policy: fc.constantFrom(...policyNames({ includeBroken: false })),
    facts: factsArbitrary(samples),
    revision: revisionArbitrary,
  });
}

function peer(samples: readonly VersionFacts[]): fc.Arbitrary<IncomingSpec> {
  return fc.record({
    kind: fc.constant('peer' as const),
    facts: factsArbitrary(samples),
    revision: revisionArbitrary,
  });
}

/** Plausible writes (shrinking may cross to the first kind, the own string): the own string, a peer host's, another vendor's, a mutation, tricky text. */
export function incomingArbitrary(samples: readonly VersionFacts[]): fc.Arbitrary<IncomingSpec> {
  return fc.oneof(
    { withCrossShrink: true },
    fc.constant({ kind: 'own' as const }),
    fc.constant({ kind: 'own-newline' as const }),
    peer(samples),
    foreign(samples),
    mutation.map((m) => ({ kind: 'own-mutated' as const, mutation: m })),
    trickyText.map((text) => ({ kind: 'text' as const, text })),
  );
}

/** Hostile writes (shrinking may cross to raw bytes, down to the empty string): raw bytes up to 8 KiB first, then tricky text, mutations, other formats. */
export function hostileIncomingArbitrary(samples: readonly VersionFacts[]): fc.Arbitrary<IncomingSpec> {
  return fc.oneof(
    { withCrossShrink: true },
    bytesText.map((text) => ({ kind: 'text' as const, text })),
    trickyText.map((text) => ({ kind: 'text' as const, text })),
    mutation.map((m) => ({ kind: 'own-mutated' as const, mutation: m })),
    foreign(samples),
    peer(samples),
  );
}

/**
 * The string a spec stands for, given the case's context. The own string comes from a separate
 * instance (`create()`), so resolving never touches the instance under test. A show() that fails
 * stands for the empty string (the write still happens and must still be answered).
 */
export function resolveIncoming(spec: IncomingSpec, ctx: PolicyContext, create: () => VersionPolicy): string {
  const showOf = (policy: VersionPolicy | undefined, c: PolicyContext) => {
    if (policy === undefined) return '';
    const shown = callShow(policy, c);
    return shown.kind === 'string' ? shown.value : '';
  };
  switch (spec.kind) {
    case 'own':
      return showOf(create(), ctx);
    case 'own-newline':
      return `${showOf(create(), ctx)}\n`;
    case 'own-mutated':
      return mutate(showOf(create(), ctx), spec.mutation);
    case 'peer':
      return showOf(create(), { ...ctx, facts: spec.facts, revision: spec.revision });
    case 'foreign':
      return showOf(getPolicy(spec.policy), { ...ctx, facts: spec.facts, revision: spec.revision });
    case 'text':
      return spec.text;
  }
}

function mutate(text: string, m: Mutation): string {
  switch (m.op) {
    case 'append':
      return text + m.text;
    case 'prepend':
      return m.text + text;
    case 'truncate':
      return text.slice(0, Math.min(m.keep, Math.max(text.length - 1, 0)));
    case 'replace': {
      if (text.length === 0) return m.char;
      const at = m.at % text.length;
      return text.slice(0, at) + m.char + text.slice(at + 1);
    }
  }
}

/** A short account of where a written string came from, for counterexamples. */
export function describeSpec(spec: IncomingSpec): string | Readonly<Record<string, unknown>> {
  switch (spec.kind) {
    case 'own':
      return 'own show()';
    case 'own-newline':
      return 'own show() + newline';
    case 'own-mutated':
      return { mutationOfOwnShow: spec.mutation };
    case 'peer':
      return { showOfPeer: { facts: spec.facts, revision: spec.revision } };
    case 'foreign':
      return { showOfBuiltinPolicy: spec.policy, facts: spec.facts, revision: spec.revision };
    case 'text':
      return 'generated text';
  }
}
