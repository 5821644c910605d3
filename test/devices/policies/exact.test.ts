import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactPolicy } from '../../../devices/policies/exact.ts';
import { identityOf, versionWord } from '../../../devices/policies/identity.ts';
import { ctxOf, gvtgFacts } from './ctx.ts';

describe('exact policy (GVT-g, kernel.md §2.3)', () => {
  const source = ctxOf(gvtgFacts());

  it("shows the seed's v2 string", () => {
    expect(exactPolicy.show(source)).toBe('8086-193b-i915-GVTg_V5_4');
    expect(exactPolicy.show({ ...source, revision: 'v4' })).toBe('8086-193b-i915-GVTg_V5_4');
  });

  it('accepts 8086-193b-i915-GVTg_V5_4 on the same facts, with or without the newline echo adds', () => {
    expect(exactPolicy.store(source, '8086-193b-i915-GVTg_V5_4')).toBe(true);
    expect(exactPolicy.store(source, '8086-193b-i915-GVTg_V5_4\n')).toBe(true);
  });

  it('refuses it with EINVAL on a parent whose device id is 191b', () => {
    const target = ctxOf(gvtgFacts({ deviceId: '191b' }));
    expect(exactPolicy.store(target, '8086-193b-i915-GVTg_V5_4')).toMatchObject({ errno: 'EINVAL' });
  });

  it.each([
    ['another type', '8086-193b-i915-GVTg_V5_8'],
    ['two newlines', '8086-193b-i915-GVTg_V5_4\n\n'],
    ['trailing space', '8086-193b-i915-GVTg_V5_4 '],
    ['upper case', '8086-193B-i915-GVTg_V5_4'],
    ['empty', ''],
    ['v1 common part', '00028086-193b-i915-GVTg_V5_4'],
  ])('refuses %s with EINVAL', (_, written) => {
    expect(exactPolicy.store(source, written)).toMatchObject({ errno: 'EINVAL' });
  });

  it('prints the v5 %04x-%04x-%s-%08x form with the type name and version word', () => {
    expect(exactPolicy.show(ctxOf(gvtgFacts(), 'v5'))).toBe('8086-193b-GVTg_V5_4-00010200');
    expect(exactPolicy.store(ctxOf(gvtgFacts(), 'v5'), '8086-193b-GVTg_V5_4-00010200\n')).toBe(true);
    expect(
      exactPolicy.store(ctxOf(gvtgFacts({ softwareVersion: '1.2.1' }), 'v5'), '8086-193b-GVTg_V5_4-00010200'),
    ).toMatchObject({ errno: 'EINVAL' });
  });

  it('does not accept a v2 string on a v5 parent (the formats differ)', () => {
    expect(exactPolicy.store(ctxOf(gvtgFacts(), 'v5'), '8086-193b-i915-GVTg_V5_4')).toMatchObject({
      errno: 'EINVAL',
    });
  });

  it('answers ENODEV on read and write when the facts cannot be printed', () => {
    const bad = ctxOf(gvtgFacts({ vendorId: '8086x' }));
    expect(exactPolicy.show(bad)).toMatchObject({ errno: 'ENODEV' });
    expect(exactPolicy.store(bad, 'anything')).toMatchObject({ errno: 'ENODEV' });
    expect(identityOf(gvtgFacts({ softwareVersion: '1.2' }), 'v5')).toMatchObject({ errno: 'ENODEV' });
    expect(identityOf(gvtgFacts({ softwareVersion: '1.2' }), 'v2')).toBe('8086-193b-i915-GVTg_V5_4');
  });

  it('encodes versions injectively into the 32-bit word, refusing what does not fit', () => {
    expect(versionWord('1.2.3')).toBe(0x00010203);
    expect(versionWord('65535.255.255')).toBe(0xffffffff);
    expect(versionWord('1.256.0')).toMatchObject({ errno: 'ENODEV' });
    expect(versionWord('x')).toMatchObject({ errno: 'ENODEV' });
  });

  it('never throws and answers true or EINVAL for any written string', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.integer({ min: 0, max: 0x3ff }).map((c) => String.fromCharCode(c)),
          maxLength: 200,
        }),
        (written) => {
          const verdict = exactPolicy.store(source, written);
          expect(verdict === true || verdict.errno === 'EINVAL').toBe(true);
        },
      ),
    );
  });
});
