import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { canonicalUuid, formatUuid, guidParse, randomUuid, UUID_STRING_LEN } from '../../core/uuid.ts';

const U = '5ac1fb20-2bbf-4842-bb7e-36c58c3be9cd';

describe('core/uuid: lib/uuid.c guid_parse rules (kernel.md §1.3 step 2)', () => {
  it('UUID_STRING_LEN is 36', () => {
    expect(UUID_STRING_LEN).toBe(36);
  });

  it('parses 8-4-4-4-12 hex to 16 bytes in text order', () => {
    expect([...(guidParse(U) ?? [])]).toEqual([
      0x5a, 0xc1, 0xfb, 0x20, 0x2b, 0xbf, 0x48, 0x42, 0xbb, 0x7e, 0x36, 0xc5, 0x8c, 0x3b, 0xe9, 0xcd,
    ]);
  });

  it('accepts upper and mixed case; prints lower case (%pUl)', () => {
    const upper = guidParse(U.toUpperCase());
    expect(upper).toBeDefined();
    expect(formatUuid(upper ?? new Uint8Array(16))).toBe(U);
    expect(canonicalUuid('5AC1fb20-2BBF-4842-bB7E-36C58C3BE9CD')).toBe(U);
  });

  it('ignores everything after the 36th character (the 37th is never validated)', () => {
    expect(guidParse(`${U}x`)).toEqual(guidParse(U));
    expect(guidParse(`${U}\n`)).toEqual(guidParse(U));
    expect(guidParse(`${U}-garbage-that-goes-on`)).toEqual(guidParse(U));
  });

  it.each([
    ['35 characters', U.slice(0, 35)],
    ['empty', ''],
    ['hyphen missing at 8', U.replace('-', '0')],
    ['hyphen moved', '5ac1fb2-02bbf-4842-bb7e-36c58c3be9cd'],
    ['non-hex digit', U.replace('5a', 'g5')],
    ['braces', `{${U.slice(0, 34)}}`],
    ['space inside', U.replace('2bbf', '2bb ')],
    ['leading space', ` ${U}`],
    ['no hyphens (32 hex)', U.replaceAll('-', '').padEnd(36, '0')],
    ['NUL inside', `${U.slice(0, 10)}\0${U.slice(11)}`],
  ])('rejects %s', (_label, text) => {
    expect(guidParse(text)).toBeUndefined();
  });

  it('canonicalUuid wants exactly 36 characters (scenario UUIDs are whole values)', () => {
    expect(canonicalUuid(U)).toBe(U);
    expect(canonicalUuid(`${U}\n`)).toBeUndefined();
    expect(canonicalUuid(U.slice(1))).toBeUndefined();
  });

  it('formatUuid zero-pads each byte', () => {
    expect(formatUuid(new Uint8Array(16))).toBe('00000000-0000-0000-0000-000000000000');
    expect(formatUuid(Uint8Array.from({ length: 16 }, (_, i) => i))).toBe(
      '00010203-0405-0607-0809-0a0b0c0d0e0f',
    );
  });

  it('randomUuid is a v4/RFC 4122 UUID, deterministic per seed', () => {
    const a = randomUuid(new Rng(1));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(randomUuid(new Rng(1))).toBe(a);
    expect(randomUuid(new Rng(2))).not.toBe(a);
    expect(canonicalUuid(a)).toBe(a);
  });
});
