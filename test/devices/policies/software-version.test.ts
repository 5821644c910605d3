import { describe, expect, it } from 'vitest';
import { softwareVersionPolicy } from '../../../devices/policies/software-version.ts';
import { ctxOf, gvtgFacts } from './ctx.ts';

const at = (softwareVersion: string, revision: 'v2' | 'v5' = 'v2') =>
  ctxOf(gvtgFacts({ softwareVersion }), revision);

describe('software-version policy (kernel.md §2.5)', () => {
  it('shows identity and version', () => {
    expect(softwareVersionPolicy.show(at('1.2.0'))).toBe('8086-193b-i915-GVTg_V5_4-1.2.0');
    expect(softwareVersionPolicy.show(at('1.2.0', 'v5'))).toBe('8086-193b-GVTg_V5_4-1.2.0');
  });

  it.each([
    ['1.2.0', '1.2.0', true],
    ['1.2.0', '1.1.9', true],
    ['1.2.0', '1.2.7', true],
    ['1.2.0', '1.0.0', true],
    ['1.2.0', '1.3.0', false],
    ['1.2.0', '2.2.0', false],
    ['2.0.0', '1.9.0', false],
  ])('target %s, source %s -> %s', (target, source, ok) => {
    const written = softwareVersionPolicy.show(at(source));
    expect(typeof written).toBe('string');
    const verdict = softwareVersionPolicy.store(at(target), `${written as string}\n`);
    if (ok) expect(verdict).toBe(true);
    else expect(verdict).toMatchObject({ errno: 'EINVAL' });
  });

  it('refuses other identities and malformed versions with EINVAL', () => {
    const target = at('1.2.0');
    for (const written of [
      '8086-191b-i915-GVTg_V5_4-1.2.0',
      '8086-193b-i915-GVTg_V5_8-1.2.0',
      '8086-193b-i915-GVTg_V5_4-1.2',
      '8086-193b-i915-GVTg_V5_4-1.2.0.0',
      '8086-193b-i915-GVTg_V5_4-+1.2.0',
      '8086-193b-i915-GVTg_V5_4-1.2.0 ',
      '1.2.0',
      '',
    ]) {
      expect(softwareVersionPolicy.store(target, written)).toMatchObject({ errno: 'EINVAL' });
    }
  });

  it('is ENODEV when its own version is not major.minor.bugfix', () => {
    expect(softwareVersionPolicy.show(at('one'))).toMatchObject({ errno: 'ENODEV' });
    expect(softwareVersionPolicy.store(at('one'), 'x')).toMatchObject({ errno: 'ENODEV' });
  });
});
