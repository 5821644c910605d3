/**
 * One-line rendering of counterexample values: strings quoted with every non-printable byte as
 * `\xNN` and long ones cut, objects as `{ key: value }`. For reports only, never parsed.
 */
export function printValue(value: unknown, maxString = 120): string {
  if (typeof value === 'string') return printString(value, maxString);
  if (Array.isArray(value)) return `[${value.map((v) => printValue(v, maxString)).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${k}: ${printValue(v, maxString)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return String(value);
}

function printString(text: string, max: number): string {
  let out = '';
  for (const ch of text.slice(0, max)) {
    const code = ch.charCodeAt(0);
    if (ch === "'" || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (code === 0) out += '\\0';
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else out += code > 0xff ? `\\u{${code.toString(16)}}` : `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return text.length > max ? `'${out}'... (${text.length} chars)` : `'${out}'`;
}
