import { aggregatePolicy } from './aggregate.ts';
import { brokenCapacityPolicy } from './broken-capacity.ts';
import { createBrokenMutatesPolicy } from './broken-mutates.ts';
import { createBrokenNondeterministicPolicy } from './broken-nondeterministic.ts';
import { brokenNotReflexivePolicy } from './broken-not-reflexive.ts';
import { brokenThrowsNonAsciiPolicy } from './broken-throws-non-ascii.ts';
import { exactPolicy } from './exact.ts';
import type { VersionPolicy } from './policy.ts';
import { rangePolicy } from './range.ts';
import { softwareVersionPolicy } from './software-version.ts';

/** The built-in version policies by name. The `broken-*` ones exist to prove the checker works. */
export interface PolicyEntry {
  readonly name: string;
  /** A fresh instance; stateless policies return the same object every time. */
  readonly create: () => VersionPolicy;
  /** A deliberate defect, for the policy checker's own tests; never a driver's default. */
  readonly broken: boolean;
}

const same = (policy: VersionPolicy) => () => policy;

const ENTRIES: readonly PolicyEntry[] = [
  { name: 'exact', create: same(exactPolicy), broken: false },
  { name: 'software-version', create: same(softwareVersionPolicy), broken: false },
  { name: 'range', create: same(rangePolicy), broken: false },
  { name: 'aggregate', create: same(aggregatePolicy), broken: false },
  { name: 'broken-capacity', create: same(brokenCapacityPolicy), broken: true },
  { name: 'broken-not-reflexive', create: same(brokenNotReflexivePolicy), broken: true },
  { name: 'broken-throws-non-ascii', create: same(brokenThrowsNonAsciiPolicy), broken: true },
  { name: 'broken-nondeterministic', create: createBrokenNondeterministicPolicy, broken: true },
  { name: 'broken-mutates', create: createBrokenMutatesPolicy, broken: true },
];

const BY_NAME: ReadonlyMap<string, PolicyEntry> = new Map(ENTRIES.map((e) => [e.name, e]));
const SHARED: ReadonlyMap<string, VersionPolicy> = new Map(ENTRIES.map((e) => [e.name, e.create()]));

/** Every built-in policy name, correct ones first. */
export function policyNames(options: { readonly includeBroken?: boolean } = {}): readonly string[] {
  const includeBroken = options.includeBroken ?? true;
  return ENTRIES.filter((e) => includeBroken || !e.broken).map((e) => e.name);
}

/** The shared instance of a built-in policy (what a driver plugs in), or undefined. */
export function getPolicy(name: string): VersionPolicy | undefined {
  return SHARED.get(name);
}

/** A fresh instance (stateful broken policies get their own state), or undefined. */
export function createPolicy(name: string): VersionPolicy | undefined {
  return BY_NAME.get(name)?.create();
}

export function policyEntry(name: string): PolicyEntry | undefined {
  return BY_NAME.get(name);
}
