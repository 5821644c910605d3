import { type Errno, fail } from '../core/result.ts';

/**
 * lib/kstrtox.c `kstrtoull(s, base)` as used by `kstrtoul(buf, 0)` (remove_store, kernel.md §1.4)
 * and `kstrtouint(.., 0)` (aggregate=N, §2.4): an optional '+', radix from the prefix when base is
 * 0 ("0x" + hex digit → 16, leading "0" → 8, else 10), at least one digit, one optional trailing
 * newline, nothing else. Overflow of `bits` → ERANGE; anything malformed → EINVAL.
 */
export function kstrtoull(text: string, base: 0 | 8 | 10 | 16, bits: 32 | 64 = 64): bigint | Errno {
  let s = text.startsWith('+') ? text.slice(1) : text;
  let radix: number = base;
  const hexPrefix = s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && isDigit(s[2], 16);
  if (base === 0) radix = hexPrefix ? 16 : s[0] === '0' ? 8 : 10;
  if (radix === 16 && hexPrefix) s = s.slice(2);
  const limit = (1n << BigInt(bits)) - 1n;
  let value = 0n;
  let digits = 0;
  while (digits < s.length && isDigit(s[digits], radix)) {
    value = value * BigInt(radix) + BigInt(Number.parseInt(s[digits] as string, radix));
    if (value > limit) return fail('ERANGE', `'${text}' overflows ${bits} bits`);
    digits++;
  }
  if (digits === 0) return fail('EINVAL', `no digits in '${text}'`);
  let rest = s.slice(digits);
  if (rest.startsWith('\n')) rest = rest.slice(1);
  if (rest.length > 0) return fail('EINVAL', `trailing characters in '${text}'`);
  return value;
}

function isDigit(ch: string | undefined, radix: number): boolean {
  if (ch === undefined) return false;
  const v = Number.parseInt(ch, 36);
  return !Number.isNaN(v) && v < radix && /^[0-9a-zA-Z]$/.test(ch);
}
