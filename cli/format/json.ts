/**
 * serde_json's `to_string_pretty` (2-space indent, `"key": value`, `[]`/`{}` when empty, no
 * trailing newline), which is what mdevctl prints for `--dumpjson` (ecosystem.md §1.4, §5).
 *
 * Objects given as a `Map` keep their insertion order exactly, like serde_json with
 * `preserve_order`. (A plain JS object would move integer-like keys such as `"5"` to the front.)
 * Plain objects are accepted too, in `Object.entries` order, with JSON.stringify's rules:
 * `toJSON()` is called, `undefined`/functions/symbols are left out of objects and are `null` in
 * arrays, non-finite numbers are `null`, bigints are printed as integers.
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | ReadonlyMap<string, JsonValue>;

const INDENT = '  ';

export function prettyJson(value: unknown): string {
  return write(value, '', new Set()) ?? 'null';
}

function write(value: unknown, indent: string, seen: Set<object>): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return undefined;
  }
  const withJson = value as { toJSON?: unknown };
  if (typeof withJson.toJSON === 'function' && !(value instanceof Map)) {
    return write((withJson.toJSON as () => unknown).call(value), indent, seen);
  }
  if (seen.has(value)) throw new TypeError('cannot print a circular structure as JSON');
  seen.add(value);
  const inner = indent + INDENT;
  let out: string;
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => write(item, inner, seen) ?? 'null');
    out = items.length === 0 ? '[]' : `[\n${inner}${items.join(`,\n${inner}`)}\n${indent}]`;
  } else {
    const entries: [string, unknown][] =
      value instanceof Map
        ? [...(value as Map<unknown, unknown>)].map(([k, v]) => [String(k), v])
        : Object.entries(value);
    const fields: string[] = [];
    for (const [key, item] of entries) {
      const text = write(item, inner, seen);
      if (text !== undefined) fields.push(`${JSON.stringify(key)}: ${text}`);
    }
    out = fields.length === 0 ? '{}' : `{\n${inner}${fields.join(`,\n${inner}`)}\n${indent}}`;
  }
  seen.delete(value);
  return out;
}
