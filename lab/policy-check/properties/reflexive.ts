import fc from 'fast-check';
import { factsArbitrary } from '../facts-arbitrary.ts';
import { revisionArbitrary } from '../incoming.ts';
import { callShow, callStore, contractBreach, label, showStringProblem } from '../outcome.ts';
import type { PropertyDef } from '../property-def.ts';
import { runFc } from '../run-fc.ts';
import { Violation } from '../violation.ts';

/**
 * Reflexive compatibility (required): a type accepts the string it shows, as written by a program
 * and as written by `echo` (one trailing newline) — the handshake between two identical hosts must
 * succeed (kernel.md §2.2 R3, R7; §8 sysfs_streq). show()'s string must itself obey R5. Capacity is
 * kept positive here so this property isolates identity; capacity-independent covers zero.
 */
export const reflexive: PropertyDef = {
  name: 'reflexive',
  kind: 'required',
  statement: 'store(ctx, show(ctx)) and store(ctx, show(ctx) + "\\n") are true',
  run(subject, params) {
    const arbitrary = fc.record({
      facts: factsArbitrary(subject.samples),
      revision: revisionArbitrary,
      availableInstances: fc.integer({ min: 1, max: 64 }),
    });
    return runFc(
      this,
      arbitrary,
      (ctx, coverage) => {
        const shown = callShow(subject.create(), ctx);
        const breach = contractBreach('show()', shown);
        if (breach !== undefined) throw new Violation(breach, { ...ctx });
        if (shown.kind !== 'string') return; // the type cannot migrate (R6): nothing to be reflexive about
        const problem = showStringProblem(shown.value);
        if (problem !== undefined) throw new Violation(problem, { ...ctx, shown: shown.value });
        coverage.exercised += 1;
        for (const written of [shown.value, `${shown.value}\n`]) {
          const verdict = callStore(subject.create(), ctx, written);
          const storeBreach = contractBreach('store()', verdict);
          if (storeBreach !== undefined) throw new Violation(storeBreach, { ...ctx, written });
          if (verdict.kind !== 'accept') {
            throw new Violation(`store() refused the type's own string with ${label(verdict)}`, {
              ...ctx,
              written,
              verdict: label(verdict),
            });
          }
        }
      },
      params,
    );
  },
};
