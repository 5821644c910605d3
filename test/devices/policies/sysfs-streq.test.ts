import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cString, storeText, sysfsStreq } from '../../../devices/policies/sysfs-streq.ts';

describe('sysfsStreq (kernel.md §8)', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'abc\n', true],
    ['abc\n', 'abc', true],
    ['abc\n', 'abc\n', true],
    ['', '\n', true],
    ['', '', true],
    ['abc', 'abc\n\n', false],
    ['abc\n\n', 'abc', false],
    ['abc', 'ab', false],
    ['abc', 'abcd', false],
    ['abc', ' abc', false],
    ['abc', 'abc ', false],
    ['abc', 'abc\r\n', false],
    ['abc', 'ABC', false],
    ['abc', 'abc\0junk', true],
    ['abc\0x', 'abc\0y', true],
    ['abc\n\0', 'abc', true],
  ])('%j vs %j -> %s', (a, b, expected) => {
    expect(sysfsStreq(a, b)).toBe(expected);
    expect(sysfsStreq(b, a)).toBe(expected);
  });

  it('follows the kernel when one side is the other plus one newline, even if both end in newlines', () => {
    expect(sysfsStreq('a\n', 'a\n\n')).toBe(true);
  });

  it('is reflexive and symmetric, and ignores exactly one appended newline', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(sysfsStreq(a, a)).toBe(true);
        expect(sysfsStreq(a, `${a}\n`)).toBe(true);
        expect(sysfsStreq(a, b)).toBe(sysfsStreq(b, a));
        if (!a.includes('\0')) expect(sysfsStreq(a, `${a}\n\n`)).toBe(false);
      }),
    );
  });
});

describe('cString / storeText', () => {
  it('cuts at the first NUL', () => {
    expect(cString('ab\0cd')).toBe('ab');
    expect(cString('\0')).toBe('');
    expect(cString('plain')).toBe('plain');
  });

  it('drops one trailing newline after the cut', () => {
    expect(storeText('v\n')).toBe('v');
    expect(storeText('v\n\n')).toBe('v\n');
    expect(storeText('v\n\0rest')).toBe('v');
    expect(storeText('v')).toBe('v');
  });
});
