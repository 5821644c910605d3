import type { Rng } from './rng.ts';

/** UUID_STRING_LEN in include/linux/uuid.h. */
export const UUID_STRING_LEN = 36;

const HYPHEN_AT = [8, 13, 18, 23] as const;

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * lib/uuid.c `guid_parse`: the first 36 characters must be 8-4-4-4-12 hex digits (either case)
 * with hyphens at 8, 13, 18 and 23; anything after them is not looked at. Returns the 16 bytes in
 * text order (guid byte order is irrelevant here: we only compare and print), or undefined.
 */
export function guidParse(text: string): Uint8Array | undefined {
  if (text.length < UUID_STRING_LEN) return undefined;
  const out = new Uint8Array(16);
  let byte = 0;
  for (let i = 0; i < UUID_STRING_LEN; ) {
    if ((HYPHEN_AT as readonly number[]).includes(i)) {
      if (text.charCodeAt(i) !== 0x2d) return undefined;
      i++;
      continue;
    }
    const hi = hexValue(text.charCodeAt(i));
    const lo = hexValue(text.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[byte++] = (hi << 4) | lo;
    i += 2;
  }
  return out;
}

/** `%pUl`: lower-case 8-4-4-4-12, as the kernel names an mdev device. */
export function formatUuid(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Canonical (lower-case) form of a UUID string, or undefined when `guidParse` rejects it. */
export function canonicalUuid(text: string): string | undefined {
  if (text.length !== UUID_STRING_LEN) return undefined;
  const bytes = guidParse(text);
  return bytes === undefined ? undefined : formatUuid(bytes);
}

/** A random (version 4, RFC 4122 variant) UUID drawn from a seeded Rng, like `uuidgen -r`. */
export function randomUuid(rng: Rng): string {
  const bytes = rng.bytes(16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return formatUuid(bytes);
}
