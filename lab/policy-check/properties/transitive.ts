import fc from 'fast-check';
import { domainsOf, factsArbitrary, relatedFacts } from '../facts-arbitrary.ts';
import { revisionArbitrary } from '../incoming.ts';
import type { PropertyDef } from '../property-def.ts';
import { runFc } from '../run-fc.ts';
import { Violation } from '../violation.ts';
import { migrate } from './migrate.ts';

/**
 * Transitivity (info): A -> B and B -> C accepted implies A -> C accepted. Version windows need not
 * chain (ecosystem.md §4.3 ranges, §4.6 item 4), so a failure is information, not a defect; it tells
 * an operator that a two-hop migration can succeed where the direct one is refused.
 */
export const transitive: PropertyDef = {
  name: 'transitive',
  kind: 'info',
  statement: 'A -> B and B -> C accepted implies A -> C accepted',
  run(subject, params) {
    const domains = domainsOf(subject.samples);
    const triples = factsArbitrary(subject.samples).chain((a) =>
      relatedFacts(a, domains).chain((b) => relatedFacts(b, domains).map((c) => ({ a, b, c }))),
    );
    return runFc(
      this,
      fc.record({ abc: triples, revision: revisionArbitrary }),
      ({ abc: { a, b, c }, revision }, coverage) => {
        if (migrate(subject, a, b, revision) !== 'true' || migrate(subject, b, c, revision) !== 'true')
          return;
        coverage.exercised += 1;
        const ac = migrate(subject, a, c, revision);
        if (ac !== undefined && ac !== 'true') {
          throw new Violation(`A -> B and B -> C accepted, but A -> C answered ${ac}`, {
            a,
            b,
            c,
            revision,
            verdict: ac,
          });
        }
      },
      params,
    );
  },
};
