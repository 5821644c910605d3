/**
 * Checks on driver-supplied facts before a policy prints them into a `migration_version` string,
 * which must be ASCII and at most PATH_MAX long (kernel.md §2.2 R5). Facts that fail make the type
 * "not migratable": show() and store() answer ENODEV (kernel.md §2.2 R6, §2.3).
 */

/** Four lower-case hex digits, as `%04x` prints a PCI id (kernel.md §2.3). */
export function isPciId(text: string): boolean {
  return /^[0-9a-f]{4}$/.test(text);
}

/** A printable ASCII token without spaces or the separators `;` and `=`, 1–128 characters. */
export function isToken(text: string): boolean {
  return /^[\x21-\x3a\x3c\x3e-\x7e]{1,128}$/.test(text);
}

/** A short, printable rendering of untrusted input for an errno's `reason` (never parsed). */
export function logQuote(text: string, max = 48): string {
  let out = '';
  for (const ch of text.slice(0, max)) {
    const code = ch.charCodeAt(0);
    if (code >= 0x20 && code < 0x7f && ch !== "'") out += ch;
    else out += code > 0xff ? `\\u{${code.toString(16)}}` : `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return `'${out}'${text.length > max ? `…(${text.length} chars)` : ''}`;
}
