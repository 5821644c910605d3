/**
 * The model's own reading of the kernel's parsers, written from kernel.md (§1.3 create_store,
 * §1.4 remove_store, §2.4 the aggregation RFC, §8 the NUL-terminated buffer), not from the
 * simulator's code: the model-based tests compare the two.
 */
export type KernelErrno = 'EINVAL' | 'ERANGE' | 'E2BIG';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;

/** What a C parser sees: bytes up to the first NUL. */
export function cString(buf: string): string {
  const nul = buf.indexOf('\0');
  return nul < 0 ? buf : buf.slice(0, nul);
}

/** guid_parse over the first 36 characters; the canonical lower-case UUID or undefined. */
export function guid(buf: string): string | undefined {
  const head = cString(buf).slice(0, 36);
  return GUID.test(head) ? head.toLowerCase() : undefined;
}

/** kstrtoull/kstrtouint with base 0 (lib/kstrtox.c). */
export function kstrtoul(text: string, bits: 32 | 64): bigint | KernelErrno {
  let s = text[0] === '+' ? text.slice(1) : text;
  let radix = 10;
  if (s[0] === '0') {
    if ((s[1] === 'x' || s[1] === 'X') && /^[0-9a-fA-F]$/.test(s[2] ?? '')) {
      radix = 16;
      s = s.slice(2);
    } else {
      radix = 8;
    }
  }
  const digit = radix === 16 ? /^[0-9a-fA-F]/ : radix === 8 ? /^[0-7]/ : /^[0-9]/;
  let i = 0;
  let value = 0n;
  const max = (1n << BigInt(bits)) - 1n;
  let overflow = false;
  while (i < s.length && digit.test(s.slice(i, i + 1))) {
    value = value * BigInt(radix) + BigInt(Number.parseInt(s.charAt(i), radix));
    if (value > max) overflow = true;
    i++;
  }
  if (overflow) return 'ERANGE';
  if (i === 0) return 'EINVAL';
  const rest = s.slice(i);
  return rest === '' || rest === '\n' ? value : 'EINVAL';
}

export interface CreateRequest {
  readonly uuid: string;
  readonly aggregate: number;
}

/** create_store on one ≤ 4096-byte chunk (latin1, one char per byte). */
export function parseCreate(chunk: string, acceptsParams: boolean): CreateRequest | KernelErrno {
  const count = chunk.length;
  let aggregate = 1;
  if (acceptsParams) {
    if (count > 4095) return 'E2BIG';
    const text = cString(chunk);
    const comma = text.indexOf(',');
    if (comma < 0) {
      if (count < 36 || count > 37) return 'EINVAL';
    } else {
      if (comma !== 36) return 'EINVAL';
      const rest = text.slice(37);
      if (!rest.startsWith('aggregate=')) return 'EINVAL';
      const n = kstrtoul(rest.slice('aggregate='.length), 32);
      if (typeof n !== 'bigint') return 'EINVAL';
      aggregate = Number(n);
    }
  } else if (count < 36 || count > 37) {
    return 'EINVAL';
  }
  const uuid = guid(chunk);
  return uuid === undefined ? 'EINVAL' : { uuid, aggregate };
}

/** remove_store on one chunk: a no-op, a destroy, or EINVAL for any kstrtoul failure (ERANGE too). */
export function parseRemove(chunk: string): 'noop' | 'destroy' | 'EINVAL' {
  const v = kstrtoul(cString(chunk), 64);
  if (typeof v !== 'bigint') return 'EINVAL';
  return v === 0n ? 'noop' : 'destroy';
}
