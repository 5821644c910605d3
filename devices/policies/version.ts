/**
 * `major.minor.bugfix` host driver versions, the shape Yan Zhao's 2020 structured proposal gave
 * `software_version` (kernel.md §2.5). Parsing is total: anything else is `undefined`.
 */
export interface SoftwareVersion {
  readonly major: number;
  readonly minor: number;
  readonly bugfix: number;
}

/** Up to 9 decimal digits per part, so every part is a safe integer; no sign, no spaces. */
const VERSION = /^(\d{1,9})\.(\d{1,9})\.(\d{1,9})$/;

export function parseVersion(text: string): SoftwareVersion | undefined {
  const m = VERSION.exec(text);
  if (m === null) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), bugfix: Number(m[3]) };
}

export function formatVersion(v: SoftwareVersion): string {
  return `${v.major}.${v.minor}.${v.bugfix}`;
}

/** A non-negative decimal integer of at most 9 digits (branch numbers, unit counts), else undefined. */
export function parseCount(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,9}$/.test(text)) return undefined;
  return Number(text);
}
