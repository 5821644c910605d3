import type { PolicyContext, VersionPolicy } from '../../../devices/policies/policy.ts';
import { hostileIncomingArbitrary } from '../incoming.ts';
import { callShow, callStore, contractBreach, label } from '../outcome.ts';
import type { PropertyDef } from '../property-def.ts';
import { runFc } from '../run-fc.ts';
import { Violation } from '../violation.ts';
import { resolveWriteCase, writeCaseArbitrary } from '../write-case.ts';

/**
 * Opaque-string robustness (required): store() is reachable with any bytes (the sysfs layer checks
 * R5, but the attribute is the vendor's and userspace never parses the string, kernel.md §2.2 R4,
 * R5; §8 C-string buffer), so for any input up to 8 KiB it returns true or a well-formed Errno —
 * never throws, never returns anything else — and leaves the policy answering a fixed probe (own
 * show(), own string written back) exactly as before: no hidden state.
 */
export const robust: PropertyDef = {
  name: 'robust',
  kind: 'required',
  statement: 'any bytes up to 8 KiB: store() returns true or an Errno and changes no later answer',
  run(subject, params) {
    const arbitrary = writeCaseArbitrary(subject.samples, hostileIncomingArbitrary(subject.samples));
    return runFc(
      this,
      arbitrary,
      (drawn, coverage) => {
        const { ctx, written, details } = resolveWriteCase(drawn, subject.create);
        const policy = subject.create();
        const before = probe(policy, ctx);
        const verdict = callStore(policy, ctx, written);
        const breach = contractBreach('store()', verdict);
        if (breach !== undefined) throw new Violation(breach, details);
        coverage.exercised += 1;
        const after = probe(policy, ctx);
        const changed = before.findIndex((answer, i) => answer !== after[i]);
        if (changed !== -1) {
          throw new Violation(
            `after store() answered ${label(verdict)} to this input, probe ${PROBES[changed]} changed: ` +
              `${before[changed]} -> ${after[changed]} (hidden state)`,
            { ...details, verdict: label(verdict), probeBefore: before, probeAfter: after },
          );
        }
      },
      params,
    );
  },
};

const PROBES = ['show()', 'store(own)', "store(own + '\\n')"];

/** Answers that must not move: the own string and it written back (a correct policy accepts both). */
function probe(policy: VersionPolicy, ctx: PolicyContext): string[] {
  const shown = callShow(policy, ctx);
  if (shown.kind !== 'string') return [label(shown)];
  return [
    label(shown),
    label(callStore(policy, ctx, shown.value)),
    label(callStore(policy, ctx, `${shown.value}\n`)),
  ];
}
