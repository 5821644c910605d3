/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna), seeded through splitmix32 so any
 * 32-bit seed gives a well-mixed state. Every simulation draws from an Rng derived from the
 * scenario seed; nothing reads Math.random, so the same seed gives the same trace.
 */
export class Rng {
  readonly #s = new Uint32Array(4);
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    let x = this.seed;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.#s[0]! | this.#s[1]! | this.#s[2]! | this.#s[3]!) === 0) this.#s[0] = 1;
  }

  /** An independent stream named by `label`, so adding draws in one place never shifts another. */
  fork(label: string): Rng {
    return new Rng(hash32(label, this.seed));
  }

  nextU32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2] = (s[2]! ^ s[0]!) >>> 0;
    s[3] = (s[3]! ^ s[1]!) >>> 0;
    s[1] = (s[1]! ^ s[2]!) >>> 0;
    s[0] = (s[0]! ^ s[3]!) >>> 0;
    s[2] = (s[2]! ^ t) >>> 0;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits. */
  float(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** Exponentially distributed with the given mean (for Poisson-like processes). */
  exponential(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  fill(target: Uint8Array): Uint8Array {
    let i = 0;
    for (; i + 4 <= target.length; i += 4) {
      const v = this.nextU32();
      target[i] = v & 0xff;
      target[i + 1] = (v >>> 8) & 0xff;
      target[i + 2] = (v >>> 16) & 0xff;
      target[i + 3] = v >>> 24;
    }
    if (i < target.length) {
      let v = this.nextU32();
      for (; i < target.length; i++, v >>>= 8) target[i] = v & 0xff;
    }
    return target;
  }

  bytes(length: number): Uint8Array {
    return this.fill(new Uint8Array(length));
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** FNV-1a over the UTF-16 code units of `text`, mixed with `seed`. */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
