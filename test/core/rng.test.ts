import { describe, expect, it } from 'vitest';
import { hash32, Rng } from '../../core/rng.ts';

const M32 = 0xffffffffn;

/** xoshiro128** from the reference C (prng.di.unimi.it/xoshiro128starstar.c), in BigInt, seeded as documented. */
function referenceXoshiro(seed: number): () => number {
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M32;
  const mul = (a: bigint, b: bigint) => (a * b) & M32;
  let x = BigInt(seed >>> 0);
  const s: bigint[] = [];
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9n) & M32;
    let z = x;
    z = mul(z ^ (z >> 16n), 0x85ebca6bn);
    z = mul(z ^ (z >> 13n), 0xc2b2ae35n);
    s.push(z ^ (z >> 16n));
  }
  return () => {
    const [s0 = 0n, s1 = 0n, s2 = 0n, s3 = 0n] = s;
    const result = mul(rotl(mul(s1, 5n), 7n), 9n);
    const t = (s1 << 9n) & M32;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    const n1 = s1 ^ n2;
    const n0 = s0 ^ n3;
    s[0] = n0;
    s[1] = n1;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11n);
    return Number(result);
  };
}

describe('core/rng: seeded xoshiro128**', () => {
  it('matches an independent xoshiro128** implementation for several seeds', () => {
    for (const seed of [0, 1, 7, 0xdeadbeef, 0xffffffff]) {
      const rng = new Rng(seed);
      const ref = referenceXoshiro(seed);
      for (let i = 0; i < 64; i++) expect(rng.nextU32()).toBe(ref());
    }
  });

  it('golden values for seed 7 (recorded traces depend on them)', () => {
    const rng = new Rng(7);
    expect([rng.nextU32(), rng.nextU32(), rng.nextU32(), rng.nextU32()]).toEqual([
      1004282400, 2200021487, 1928073449, 741806228,
    ]);
  });

  it('same seed, same sequence; different seeds differ', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const seqA = Array.from({ length: 100 }, () => a.nextU32());
    const seqB = Array.from({ length: 100 }, () => b.nextU32());
    const seqC = Array.from({ length: 100 }, () => c.nextU32());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
  });

  it('seeds are taken modulo 2^32 (-1 and 0xffffffff are the same stream)', () => {
    expect(new Rng(-1).seed).toBe(0xffffffff);
    expect(new Rng(-1).nextU32()).toBe(new Rng(0xffffffff).nextU32());
  });

  it('fork(label) depends only on the seed and label, not on draws made before', () => {
    const parent = new Rng(7);
    const before = parent.fork('host:src');
    for (let i = 0; i < 10; i++) parent.nextU32();
    const after = parent.fork('host:src');
    expect(Array.from({ length: 20 }, () => before.nextU32())).toEqual(
      Array.from({ length: 20 }, () => after.nextU32()),
    );
  });

  it('drawing from a fork never shifts the parent or a sibling fork', () => {
    const p1 = new Rng(9);
    const p2 = new Rng(9);
    const busy = p1.fork('a');
    for (let i = 0; i < 1000; i++) busy.nextU32();
    expect(p1.nextU32()).toBe(p2.nextU32());
    expect(p1.fork('b').nextU32()).toBe(p2.fork('b').nextU32());
  });

  it('forks with different labels are different streams', () => {
    const rng = new Rng(1);
    expect(rng.fork('a').nextU32()).not.toBe(rng.fork('b').nextU32());
    expect(rng.fork('a').seed).toBe(hash32('a', 1));
  });

  it('float() is in [0, 1), int(min, max) is inclusive and hits both ends', () => {
    const rng = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const f = rng.float();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      const n = rng.int(-2, 2);
      expect(Number.isInteger(n)).toBe(true);
      expect(n).toBeGreaterThanOrEqual(-2);
      expect(n).toBeLessThanOrEqual(2);
      seen.add(n);
    }
    expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2]);
  });

  it('exponential(mean) is non-negative with roughly the given mean', () => {
    const rng = new Rng(5);
    let sum = 0;
    for (let i = 0; i < 4000; i++) {
      const x = rng.exponential(10);
      expect(x).toBeGreaterThanOrEqual(0);
      sum += x;
    }
    // σ of the mean is 10/√4000 ≈ 0.16: ±0.8 is five σ.
    expect(sum / 4000).toBeGreaterThan(9.2);
    expect(sum / 4000).toBeLessThan(10.8);
  });

  it('bytes(n) is the little-endian byte stream of nextU32, including a partial last word', () => {
    const a = new Rng(11);
    const b = new Rng(11);
    const bytes = a.bytes(7);
    const w0 = b.nextU32();
    const w1 = b.nextU32();
    expect([...bytes]).toEqual([
      w0 & 0xff,
      (w0 >>> 8) & 0xff,
      (w0 >>> 16) & 0xff,
      w0 >>> 24,
      w1 & 0xff,
      (w1 >>> 8) & 0xff,
      (w1 >>> 16) & 0xff,
    ]);
    expect(new Rng(11).bytes(0).length).toBe(0);
  });

  it('hash32 is FNV-1a (known vectors)', () => {
    expect(hash32('')).toBe(0x811c9dc5);
    expect(hash32('a')).toBe(0xe40c292c);
    expect(hash32('abc')).toBe(0x1a47e90b);
    expect(hash32('foobar')).toBe(0xbf9cf968);
  });
});
