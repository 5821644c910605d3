import { describe, expect, it } from 'vitest';
import { isErrno } from '../../../core/result.ts';
import { kstrtoull } from '../../../devices/kstrto.ts';

/** The value, or the errno code, so a table reads like lib/kstrtox.c's behaviour. */
function parse(text: string, base: 0 | 8 | 10 | 16 = 0, bits: 32 | 64 = 64): bigint | string {
  const r = kstrtoull(text, base, bits);
  return isErrno(r) ? r.errno : r;
}

describe('devices/kstrto: lib/kstrtox.c kstrtoull (remove_store kernel.md §1.4; aggregate=N §2.4)', () => {
  it.each([
    ['0', 0n],
    ['1', 1n],
    ['42', 42n],
    ['+1', 1n],
    ['1\n', 1n],
    ['+0x1f\n', 31n],
    ['0x1', 1n],
    ['0X1', 1n],
    ['0xff', 255n],
    ['0xFF', 255n],
    ['010', 8n],
    ['00', 0n],
    ['0\n', 0n],
    ['18446744073709551615', 18446744073709551615n],
    ['0xffffffffffffffff', 18446744073709551615n],
    ['01777777777777777777777', 18446744073709551615n],
  ])('base 0: %j → %s', (text, value) => {
    expect(parse(text)).toBe(value);
  });

  it.each([
    ['', 'EINVAL'],
    ['\n', 'EINVAL'],
    ['+', 'EINVAL'],
    ['-1', 'EINVAL'],
    ['++1', 'EINVAL'],
    [' 1', 'EINVAL'],
    ['1 ', 'EINVAL'],
    ['1\n\n', 'EINVAL'],
    ['1\r\n', 'EINVAL'],
    ['1x', 'EINVAL'],
    ['0x', 'EINVAL'],
    ['0xg', 'EINVAL'],
    ['08', 'EINVAL'],
    ['09', 'EINVAL'],
    ['1.0', 'EINVAL'],
    ['one', 'EINVAL'],
    ['1e3', 'EINVAL'],
    ['18446744073709551616', 'ERANGE'],
    ['0x10000000000000000', 'ERANGE'],
    ['99999999999999999999999999', 'ERANGE'],
  ])('base 0: %j → %s', (text, errno) => {
    expect(parse(text)).toBe(errno);
  });

  it('overflow is ERANGE even when garbage follows (the kernel checks overflow first)', () => {
    expect(parse('18446744073709551616junk')).toBe('ERANGE');
  });

  it('32-bit (kstrtouint): 4294967295 fits, 4294967296 is ERANGE', () => {
    expect(parse('4294967295', 0, 32)).toBe(4294967295n);
    expect(parse('0xffffffff', 0, 32)).toBe(4294967295n);
    expect(parse('4294967296', 0, 32)).toBe('ERANGE');
  });

  it('explicit bases: 10 reads "010" as ten, 8 rejects "8", 16 takes digits without prefix', () => {
    expect(parse('010', 10)).toBe(10n);
    expect(parse('8', 8)).toBe('EINVAL');
    expect(parse('ff', 16)).toBe(255n);
    expect(parse('0xff', 16)).toBe(255n);
  });
});
