import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitAggregate } from '../../../devices/version/aggregate-suffix.ts';

const V = '8086-193b-GVTg_V5_4-00010000';

describe('splitAggregate: `<version>,aggregate=N` (kernel.md §2.4) under sysfs_streq (§8)', () => {
  it('no parameters: the written text is handed on unchanged, aggregate 1 (the policy applies sysfs_streq)', () => {
    expect(splitAggregate(V)).toEqual({ base: V, aggregate: 1 });
    expect(splitAggregate(`${V}\n`)).toEqual({ base: `${V}\n`, aggregate: 1 });
    expect(splitAggregate(`${V}\n\n`)).toEqual({ base: `${V}\n\n`, aggregate: 1 });
  });

  it('with parameters: the base before the last `,aggregate=`, N decimal, one trailing newline allowed', () => {
    expect(splitAggregate(`${V},aggregate=2`)).toEqual({ base: V, aggregate: 2 });
    expect(splitAggregate(`${V},aggregate=2\n`)).toEqual({ base: V, aggregate: 2 });
    expect(splitAggregate(`${V},aggregate=4294967295`)).toEqual({ base: V, aggregate: 4294967295 });
    expect(splitAggregate(`a,aggregate=1,aggregate=3`)).toEqual({ base: 'a,aggregate=1', aggregate: 3 });
  });

  it.each([
    ['N = 0', `${V},aggregate=0`],
    ['no digits', `${V},aggregate=`],
    ['hex (decimal only)', `${V},aggregate=0x2`],
    ['32-bit overflow', `${V},aggregate=4294967296`],
    ['a second newline after N', `${V},aggregate=2\n\n`],
    ['a newline before the comma', `${V}\n,aggregate=2`],
    ['trailing space', `${V},aggregate=2 `],
  ])('%s → malformed (undefined)', (_label, text) => {
    expect(splitAggregate(text)).toBeUndefined();
  });

  it('round trip: base + `,aggregate=N` + optional newline splits back to (base, N) for any newline-free base', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 64 }).filter((s) => !s.includes('\n')),
        fc.integer({ min: 1, max: 0xffffffff }),
        fc.boolean(),
        (base, n, newline) => {
          expect(splitAggregate(`${base},aggregate=${n}${newline ? '\n' : ''}`)).toEqual({
            base,
            aggregate: n,
          });
        },
      ),
    );
  });
});
