import type { Revision, VersionFacts } from '../../../devices/policies/policy.ts';
import { callShow, callStore, contractBreach, label } from '../outcome.ts';
import type { Subject } from '../property-def.ts';
import { Violation } from '../violation.ts';

/**
 * One handshake between two hosts running the policy (kernel.md §2.2 R3): read the source's string,
 * write it to the target. The verdict label, or undefined when the source cannot migrate. Fresh
 * instances on each side; a throw or ill-typed answer is a Violation.
 */
export function migrate(
  subject: Subject,
  source: VersionFacts,
  target: VersionFacts,
  revision: Revision,
): string | undefined {
  const ctx = (facts: VersionFacts) => ({ facts, revision, availableInstances: 1 });
  const shown = callShow(subject.create(), ctx(source));
  const showBreach = contractBreach('show()', shown);
  if (showBreach !== undefined) throw new Violation(showBreach, { facts: source, revision });
  if (shown.kind !== 'string') return undefined;
  const verdict = callStore(subject.create(), ctx(target), shown.value);
  const storeBreach = contractBreach('store()', verdict);
  if (storeBreach !== undefined)
    throw new Violation(storeBreach, { facts: target, revision, written: shown.value });
  return label(verdict);
}
