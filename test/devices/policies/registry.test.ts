import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isErrnoCode } from '../../../core/errno.ts';
import {
  allSampleFacts,
  DRIVER_POLICY,
  DRIVER_SAMPLE_FACTS,
} from '../../../devices/policies/driver-samples.ts';
import { REVISIONS } from '../../../devices/policies/policy.ts';
import { createPolicy, getPolicy, policyEntry, policyNames } from '../../../devices/policies/registry.ts';
import { ctxOf } from './ctx.ts';

const CORRECT = ['exact', 'software-version', 'range', 'aggregate'];

describe('policy registry', () => {
  it('lists correct policies first, broken ones on request', () => {
    expect(policyNames({ includeBroken: false })).toEqual(CORRECT);
    expect(policyNames()).toEqual([
      ...CORRECT,
      'broken-capacity',
      'broken-not-reflexive',
      'broken-throws-non-ascii',
      'broken-nondeterministic',
      'broken-mutates',
    ]);
    for (const name of policyNames()) expect(policyEntry(name)?.broken).toBe(name.startsWith('broken-'));
  });

  it('returns shared instances by name, fresh ones from createPolicy, undefined for unknown names', () => {
    expect(getPolicy('exact')?.name).toBe('exact');
    expect(getPolicy('exact')).toBe(getPolicy('exact'));
    expect(createPolicy('broken-mutates')).not.toBe(createPolicy('broken-mutates'));
    expect(getPolicy('nope')).toBeUndefined();
    expect(createPolicy('nope')).toBeUndefined();
  });

  it('maps every built-in driver to a correct policy with samples whose own strings round-trip', () => {
    for (const [driver, name] of Object.entries(DRIVER_POLICY)) {
      const policy = getPolicy(name);
      expect(policy, driver).toBeDefined();
      expect(policyEntry(name)?.broken).toBe(false);
      for (const facts of DRIVER_SAMPLE_FACTS[driver] ?? []) {
        for (const revision of REVISIONS) {
          const ctx = ctxOf(facts, revision);
          const shown = policy?.show(ctx);
          expect(typeof shown, `${driver} ${revision}`).toBe('string');
          expect(policy?.store(ctx, `${shown as string}\n`)).toBe(true);
        }
      }
    }
  });

  it('correct policies never throw and answer true or a known errno, for any string and any sample', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CORRECT),
        fc.constantFrom(...allSampleFacts()),
        fc.constantFrom(...REVISIONS),
        fc.nat(8),
        fc.string({
          unit: fc.integer({ min: 0, max: 0x3ff }).map((c) => String.fromCharCode(c)),
          maxLength: 300,
        }),
        (name, facts, revision, available, written) => {
          const verdict = getPolicy(name)?.store(ctxOf(facts, revision, available), written);
          expect(verdict === true || (typeof verdict === 'object' && isErrnoCode(verdict.errno))).toBe(true);
        },
      ),
    );
  });
});
