import fc from 'fast-check';
import { factsArbitrary } from '../facts-arbitrary.ts';
import { describeSpec, incomingArbitrary, resolveIncoming, revisionArbitrary } from '../incoming.ts';
import { callStore, contractBreach, label } from '../outcome.ts';
import type { PropertyDef } from '../property-def.ts';
import { runFc } from '../run-fc.ts';
import { Violation } from '../violation.ts';

/**
 * Capacity independence (required): the verdict for one written string on one type is the same for
 * every `availableInstances` in 0..N. Compatibility is a property of the type; whether an instance
 * can be created is the create step's question (kernel.md §2.2 R11, ecosystem.md §4.6 item 7).
 * Each call gets a fresh instance, so hidden state cannot masquerade as capacity dependence.
 */
export const capacityIndependent: PropertyDef = {
  name: 'capacity-independent',
  kind: 'required',
  statement: 'store(ctx, s) gives the same verdict for every availableInstances in 0..N',
  run(subject, params) {
    const arbitrary = fc.record({
      facts: factsArbitrary(subject.samples),
      revision: revisionArbitrary,
      incoming: incomingArbitrary(subject.samples),
      maxInstances: fc.integer({ min: 0, max: 16 }),
    });
    return runFc(
      this,
      arbitrary,
      ({ facts, revision, incoming, maxInstances }, coverage) => {
        const at = (availableInstances: number) => ({ facts, revision, availableInstances });
        const written = resolveIncoming(incoming, at(maxInstances), subject.create);
        const details = { facts, revision, written, writtenFrom: describeSpec(incoming) };
        const baseline = callStore(subject.create(), at(maxInstances), written);
        const breach = contractBreach('store()', baseline);
        if (breach !== undefined)
          throw new Violation(breach, { ...details, availableInstances: maxInstances });
        coverage.exercised += 1;
        for (let n = 0; n < maxInstances; n++) {
          const verdict = callStore(subject.create(), at(n), written);
          const nBreach = contractBreach('store()', verdict);
          if (nBreach !== undefined) throw new Violation(nBreach, { ...details, availableInstances: n });
          if (label(verdict) !== label(baseline)) {
            throw new Violation(
              `verdict depends on available_instances: ${n} -> ${label(verdict)}, ${maxInstances} -> ${label(baseline)}`,
              {
                ...details,
                availableInstances: [n, maxInstances],
                verdicts: [label(verdict), label(baseline)],
              },
            );
          }
        }
      },
      params,
    );
  },
};
