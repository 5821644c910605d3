import { incomingArbitrary } from '../incoming.ts';
import { callShow, callStore, contractBreach, label } from '../outcome.ts';
import type { PropertyDef } from '../property-def.ts';
import { runFc } from '../run-fc.ts';
import { Violation } from '../violation.ts';
import { resolveWriteCase, writeCaseArbitrary } from '../write-case.ts';

/**
 * Determinism (required): the same question twice, on the same instance, gets the same answer —
 * show() and store(). Userspace acts on one read and one write (kernel.md §2.2 R3); DESIGN.md
 * principle 4 wants every run a function of its inputs.
 */
export const deterministic: PropertyDef = {
  name: 'deterministic',
  kind: 'required',
  statement: 'show(ctx) twice and store(ctx, s) twice give the same answers',
  run(subject, params) {
    const arbitrary = writeCaseArbitrary(subject.samples, incomingArbitrary(subject.samples));
    return runFc(
      this,
      arbitrary,
      (drawn, coverage) => {
        const { ctx, written, details } = resolveWriteCase(drawn, subject.create);
        const policy = subject.create();
        const show1 = callShow(policy, ctx);
        const show2 = callShow(policy, ctx);
        const store1 = callStore(policy, ctx, written);
        const store2 = callStore(policy, ctx, written);
        const breach =
          contractBreach('show()', show1) ??
          contractBreach('show()', show2) ??
          contractBreach('store()', store1) ??
          contractBreach('store()', store2);
        if (breach !== undefined) throw new Violation(breach, details);
        coverage.exercised += 1;
        const shows = [label(show1), label(show2)];
        if (shows[0] !== shows[1])
          throw new Violation(`show() answered ${shows[0]}, then ${shows[1]}`, { ...details, shows });
        const verdicts = [label(store1), label(store2)];
        if (verdicts[0] !== verdicts[1]) {
          throw new Violation(`store() answered ${verdicts[0]}, then ${verdicts[1]}`, {
            ...details,
            verdicts,
          });
        }
      },
      params,
    );
  },
};
