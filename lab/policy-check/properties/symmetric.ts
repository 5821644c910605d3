import fc from 'fast-check';
import type { Revision, VersionFacts } from '../../../devices/policies/policy.ts';
import { domainsOf, factsArbitrary, relatedFacts } from '../facts-arbitrary.ts';
import { revisionArbitrary } from '../incoming.ts';
import type { PropertyDef, Subject } from '../property-def.ts';
import { runFc } from '../run-fc.ts';
import { Violation } from '../violation.ts';
import { migrate } from './migrate.ts';

/**
 * Symmetry (info): if A's string is accepted by B, B's is accepted by A. The protocol is directional
 * (a newer target may accept an older source, kernel.md §2.5), so a failure is information about the
 * policy, not a defect.
 */
export const symmetric: PropertyDef = {
  name: 'symmetric',
  kind: 'info',
  statement: 'A -> B accepted iff B -> A accepted',
  run(subject, params) {
    return runFc(
      this,
      pairs(subject),
      ({ a, b, revision }, coverage) => {
        const ab = migrate(subject, a, b, revision);
        const ba = migrate(subject, b, a, revision);
        if (ab === undefined || ba === undefined) return; // a side cannot migrate at all
        coverage.exercised += 1;
        if ((ab === 'true') !== (ba === 'true')) {
          throw new Violation(`A -> B answered ${ab} but B -> A answered ${ba}`, {
            a,
            b,
            revision,
            verdicts: [ab, ba],
          });
        }
      },
      params,
    );
  },
};

function pairs(subject: Subject): fc.Arbitrary<{ a: VersionFacts; b: VersionFacts; revision: Revision }> {
  const domains = domainsOf(subject.samples);
  return fc
    .record({
      ab: factsArbitrary(subject.samples).chain((a) => relatedFacts(a, domains).map((b) => [a, b] as const)),
      revision: revisionArbitrary,
    })
    .map(({ ab: [a, b], revision }) => ({ a, b, revision }));
}
