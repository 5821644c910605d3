import { StreamError } from './stream-error.ts';

/**
 * Checks that turn an `unknown` (a decoded msgpack head, or a frame handed to the writer) into
 * typed values, throwing StreamError('bad-field') with the field named. Shared by decoder and
 * writer so the writer can never produce a head the decoder would refuse.
 */

export type Fields = Readonly<Record<string, unknown>>;

/** Lone UTF-16 surrogates cannot round-trip through UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const CONTROL = /[\u0000-\u001f\u007f]/;

export class FieldReader {
  readonly #where: string;
  readonly #offset: number;

  constructor(where: string, offset: number) {
    this.#where = where;
    this.#offset = offset;
  }

  fail(detail: string): never {
    throw new StreamError('bad-field', this.#offset, `${this.#where}: ${detail}`);
  }

  /** A plain object with exactly `keys` (no missing, no extra, no inherited oddities). */
  object(value: unknown, keys: readonly string[], name = 'head'): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(`${name} must be a map, got ${describe(value)}`);
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) this.fail(`${name} must be a plain map`);
    const fields = value as Fields;
    const own = Object.keys(fields);
    for (const key of own) if (!keys.includes(key)) this.fail(`${name} has an unexpected field '${key}'`);
    for (const key of keys) if (!Object.hasOwn(fields, key)) this.fail(`${name} is missing field '${key}'`);
    return fields;
  }

  /** An unsigned 32-bit integer. */
  u32(value: unknown, name: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      this.fail(`'${name}' must be an unsigned 32-bit integer, got ${describe(value)}`);
    }
    return value;
  }

  /** A well-formed string of at most `maxBytes` UTF-8 bytes; `name` strings also refuse control characters. */
  string(
    value: unknown,
    name: string,
    maxBytes: number,
    opts: { nonEmpty: boolean; noControl: boolean },
  ): string {
    if (typeof value !== 'string') this.fail(`'${name}' must be a string, got ${describe(value)}`);
    if (opts.nonEmpty && value.length === 0) this.fail(`'${name}' must not be empty`);
    if (LONE_SURROGATE.test(value)) this.fail(`'${name}' contains a lone surrogate`);
    if (opts.noControl && CONTROL.test(value)) this.fail(`'${name}' contains a control character`);
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > maxBytes) this.fail(`'${name}' is ${bytes} bytes, more than ${maxBytes}`);
    return value;
  }

  array(value: unknown, name: string): readonly unknown[] {
    if (!Array.isArray(value)) this.fail(`'${name}' must be an array, got ${describe(value)}`);
    return value as readonly unknown[];
  }
}

/** A short description of a value's type for messages (never its content: it may be huge). */
export function describe(value: unknown): string {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? `the integer ${value}` : 'a float';
    case 'bigint':
      return `the 64-bit integer ${value}`;
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'a map';
    default:
      return typeof value;
  }
}
