import { describe, expect, it } from 'vitest';
import { createPolicy, getPolicy } from '../../../devices/policies/registry.ts';
import { ctxOf, gvtgFacts } from './ctx.ts';

const own = '8086-193b-i915-GVTg_V5_4';

describe('deliberately broken policies behave as documented', () => {
  it('broken-capacity refuses with ENOSPC at zero free instances', () => {
    const policy = getPolicy('broken-capacity');
    expect(policy?.store(ctxOf(gvtgFacts(), 'v2', 1), own)).toBe(true);
    expect(policy?.store(ctxOf(gvtgFacts(), 'v2', 0), own)).toMatchObject({ errno: 'ENOSPC' });
  });

  it('broken-not-reflexive refuses its own string', () => {
    const policy = getPolicy('broken-not-reflexive');
    const ctx = ctxOf(gvtgFacts());
    expect(policy?.store(ctx, policy.show(ctx) as string)).toMatchObject({ errno: 'EINVAL' });
  });

  it('broken-throws-non-ascii throws on a high byte', () => {
    expect(() => getPolicy('broken-throws-non-ascii')?.store(ctxOf(gvtgFacts()), '\x80')).toThrow(RangeError);
  });

  it('broken-nondeterministic flips every second answer, per instance', () => {
    const policy = createPolicy('broken-nondeterministic');
    const ctx = ctxOf(gvtgFacts());
    expect([policy?.store(ctx, own), policy?.store(ctx, own), policy?.store(ctx, own)]).toEqual([
      true,
      expect.objectContaining({ errno: 'EINVAL' }),
      true,
    ]);
    expect(createPolicy('broken-nondeterministic')?.store(ctx, own)).toBe(true);
  });

  it('broken-mutates latches EBUSY after one refusal', () => {
    const policy = createPolicy('broken-mutates');
    const ctx = ctxOf(gvtgFacts());
    expect(policy?.store(ctx, own)).toBe(true);
    expect(policy?.store(ctx, 'other')).toMatchObject({ errno: 'EINVAL' });
    expect(policy?.store(ctx, own)).toMatchObject({ errno: 'EBUSY' });
  });
});
