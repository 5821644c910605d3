/**
 * A byte-level pre-scan of a frame head before msgpackr sees it. Heads are small maps of strings,
 * integers, booleans, nil and arrays; anything outside that subset is hostile or corrupt and is
 * refused here with a description, without building any value:
 *  - extension types (msgpackr would run its built-in extensions: records, bigint, errors, …) and
 *    the reserved byte 0xc1;
 *  - declared lengths or element counts larger than the bytes that are left (no allocation is
 *    ever sized from a declared length);
 *  - nesting deeper than `maxDepth`;
 *  - map keys that are not strings, duplicate keys, and `__proto__` / `constructor` /
 *    `prototype` keys (msgpackr renames `__proto__`, but a loader should not rely on that);
 *  - strings that are not valid UTF-8 (msgpackr would substitute characters silently);
 *  - anything after the single top-level value.
 * The format is the MessagePack spec (msgpack/msgpack spec.md); this is our own reading of it.
 */

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class HeadProblem {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

class Scanner {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #maxDepth: number;
  pos = 0;

  constructor(bytes: Uint8Array, maxDepth: number) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#maxDepth = maxDepth;
  }

  get left(): number {
    return this.#bytes.byteLength - this.pos;
  }

  #need(n: number, what: string): void {
    if (n > this.left) throw new HeadProblem(`${what} declares ${n} bytes but only ${this.left} are left`);
  }

  /** Reads an unsigned big-endian integer of `size` bytes (a type byte, a length or a count). */
  #uint(size: 1 | 2 | 4): number {
    this.#need(size, 'length field');
    const p = this.pos;
    this.pos += size;
    if (size === 1) return this.#view.getUint8(p);
    return size === 2 ? this.#view.getUint16(p) : this.#view.getUint32(p);
  }

  #skip(n: number, what: string): void {
    this.#need(n, what);
    this.pos += n;
  }

  #string(length: number): string {
    this.#need(length, 'string');
    const start = this.pos;
    this.pos += length;
    try {
      return utf8.decode(this.#bytes.subarray(start, this.pos));
    } catch {
      throw new HeadProblem(`string at head offset ${start} is not valid UTF-8`);
    }
  }

  #key(): string {
    const at = this.pos;
    const t = this.#uint(1);
    let length: number;
    if (t >= 0xa0 && t <= 0xbf) length = t & 0x1f;
    else if (t === 0xd9) length = this.#uint(1);
    else if (t === 0xda) length = this.#uint(2);
    else if (t === 0xdb) length = this.#uint(4);
    else throw new HeadProblem(`map key at head offset ${at} is not a string (type byte 0x${hex(t)})`);
    const key = this.#string(length);
    if (FORBIDDEN_KEYS.has(key)) throw new HeadProblem(`forbidden map key '${key}' at head offset ${at}`);
    return key;
  }

  #array(count: number, depth: number): void {
    // Every element takes at least one byte: a count beyond the bytes left is a lie.
    if (count > this.left)
      throw new HeadProblem(`array declares ${count} elements but ${this.left} bytes are left`);
    for (let i = 0; i < count; i++) this.value(depth + 1);
  }

  #map(count: number, depth: number): void {
    if (count * 2 > this.left)
      throw new HeadProblem(`map declares ${count} entries but ${this.left} bytes are left`);
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      const key = this.#key();
      if (seen.has(key)) throw new HeadProblem(`duplicate map key '${key}'`);
      seen.add(key);
      this.value(depth + 1);
    }
  }

  value(depth: number): void {
    if (depth > this.#maxDepth) throw new HeadProblem(`nesting deeper than ${this.#maxDepth}`);
    const at = this.pos;
    const t = this.#uint(1);
    if (t <= 0x7f || t >= 0xe0) return; // positive / negative fixint
    if (t <= 0x8f) this.#map(t & 0x0f, depth);
    else if (t <= 0x9f) this.#array(t & 0x0f, depth);
    else if (t <= 0xbf) this.#string(t & 0x1f);
    else this.#typed(t, at, depth);
  }

  /** Type bytes 0xc0–0xdf: nil, booleans, bin, numbers, str/array/map 8–32; ext is refused. */
  #typed(t: number, at: number, depth: number): void {
    switch (t) {
      case 0xc0: // nil
      case 0xc2: // false
      case 0xc3: // true
        break;
      case 0xc4:
      case 0xc5:
      case 0xc6:
        this.#skip(this.#uint(LENGTH_SIZE[t - 0xc4] ?? 4), 'bin');
        break;
      case 0xca: // float 32
      case 0xce: // uint 32
      case 0xd2: // int 32
        this.#skip(4, 'number');
        break;
      case 0xcb: // float 64
      case 0xcf: // uint 64
      case 0xd3: // int 64
        this.#skip(8, 'number');
        break;
      case 0xcc:
      case 0xd0:
        this.#skip(1, 'number');
        break;
      case 0xcd:
      case 0xd1:
        this.#skip(2, 'number');
        break;
      case 0xd9:
      case 0xda:
      case 0xdb:
        this.#string(this.#uint(LENGTH_SIZE[t - 0xd9] ?? 4));
        break;
      case 0xdc:
      case 0xdd:
        this.#array(this.#uint(t === 0xdc ? 2 : 4), depth);
        break;
      case 0xde:
      case 0xdf:
        this.#map(this.#uint(t === 0xde ? 2 : 4), depth);
        break;
      default:
        // 0xc1 (never used), 0xc7–0xc9 ext 8/16/32, 0xd4–0xd8 fixext.
        throw new HeadProblem(
          t === 0xc1
            ? `reserved type byte 0xc1 at head offset ${at}`
            : `extension type (type byte 0x${hex(t)}) at head offset ${at}`,
        );
    }
  }
}

/** Width of the length field of the 8/16/32 variants (bin 0xc4–0xc6, str 0xd9–0xdb). */
const LENGTH_SIZE = [1, 2, 4] as const;

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/**
 * Checks that `bytes` hold exactly one msgpack value of the head subset. Returns undefined when it
 * does, else a description of the first problem found.
 */
export function checkHeadBytes(bytes: Uint8Array, maxDepth: number): string | undefined {
  const scanner = new Scanner(bytes, maxDepth);
  try {
    scanner.value(1);
  } catch (error) {
    if (error instanceof HeadProblem) return error.message;
    throw error;
  }
  if (scanner.left !== 0) return `${scanner.left} bytes after the head value`;
  return undefined;
}
