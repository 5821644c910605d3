import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/rng.ts';
import { blockHashesOf, DIGEST_BLOCK_BYTES, gpuDigest } from '../../../devices/state/gpu-digest.ts';
import { GPU_PAGE_SIZE } from '../../../devices/state/gpu-format.ts';
import { GpuDeviceState, type InitialContent } from '../../../devices/state/gpu-state.ts';

const MiB = 1 << 20;
/** Not a whole number of digest blocks, so the short last block is exercised too. */
const FB = 3 * MiB + 5 * GPU_PAGE_SIZE;
const REGS = 4096;

function state(seed: number, content: InitialContent = 'seeded', fb = FB): GpuDeviceState {
  return new GpuDeviceState(
    { framebufferBytes: fb, registerBytes: REGS, payload: 'real' },
    new Rng(seed),
    content,
  );
}

/** The digest computed from the bytes alone, no cache (gpu-digest.ts scheme). */
function fromScratch(s: GpuDeviceState): string {
  const fb = s.framebuffer;
  if (fb === undefined) throw new Error('real mode expected');
  return gpuDigest(s.geometry, s.registers, blockHashesOf(fb));
}

/** sha256 of the raw migrating bytes: what "equal state" means. */
function rawSha(s: GpuDeviceState): string {
  return createHash('sha256')
    .update(s.registers)
    .update(s.framebuffer ?? new Uint8Array(0))
    .digest('hex');
}

type Op =
  | { readonly kind: 'touch'; readonly page: number }
  | { readonly kind: 'fb'; readonly at: number; readonly length: number; readonly fill: number }
  | { readonly kind: 'regs'; readonly at: number; readonly fill: number }
  | { readonly kind: 'digest' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('touch' as const),
    page: fc.integer({ min: 0, max: FB / GPU_PAGE_SIZE - 1 }),
  }),
  fc
    .record({
      kind: fc.constant('fb' as const),
      at: fc.integer({ min: 0, max: FB - 1 }),
      length: fc.integer({ min: 1, max: 2 * MiB }),
      fill: fc.integer({ min: 0, max: 255 }),
    })
    .map((o) => ({ ...o, length: Math.min(o.length, FB - o.at) })),
  fc.record({
    kind: fc.constant('regs' as const),
    at: fc.integer({ min: 0, max: REGS - 1 }),
    fill: fc.integer({ min: 0, max: 255 }),
  }),
  fc.constant({ kind: 'digest' as const }),
);

function apply(s: GpuDeviceState, o: Op): void {
  switch (o.kind) {
    case 'touch':
      s.touch(o.page);
      return;
    case 'fb':
      s.loadFramebuffer(o.at, new Uint8Array(o.length).fill(o.fill));
      return;
    case 'regs':
      s.loadRegisters(o.at, new Uint8Array([o.fill]));
      return;
    case 'digest':
      s.digest();
      return;
  }
}

describe('GPU state digest: cached per-block sha256 (gpu-digest.ts)', () => {
  it('equals the from-scratch digest of the bytes after any sequence of guest writes, loads and digests', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.array(op, { maxLength: 25 }), (seed, ops) => {
        const s = state(seed);
        for (const o of ops) {
          apply(s, o);
          if (o.kind === 'digest') expect(s.digest()).toBe(fromScratch(s));
        }
        expect(s.digest()).toBe(fromScratch(s));
        expect(s.pendingDigestBlocks).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('equal digests <=> equal bytes (sha256 of the raw registers and framebuffer)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 6 }), fc.array(op, { maxLength: 6 }), (opsA, opsB) => {
        const a = state(1);
        const b = state(1);
        for (const o of opsA) apply(a, o);
        for (const o of opsB) apply(b, o);
        expect(a.digest() === b.digest()).toBe(rawSha(a) === rawSha(b));
      }),
      { numRuns: 30 },
    );
    // The same bytes reached by different routes digest the same.
    const a = state(1);
    const b = state(1);
    a.loadFramebuffer(10, new Uint8Array([1, 2, 3]));
    b.digest();
    b.loadFramebuffer(10, new Uint8Array([1]));
    b.loadFramebuffer(11, new Uint8Array([2, 3]));
    expect(b.digest()).toBe(a.digest());
  });

  it('any single byte change, in any block or the registers, changes the digest; undoing it restores it', () => {
    const s = state(5);
    const original = s.digest();
    const fb = s.framebuffer as Buffer;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: FB + REGS - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (at, delta) => {
          const inRegs = at >= FB;
          const old = inRegs ? (s.registers[at - FB] as number) : (fb[at] as number);
          const write = (v: number) =>
            inRegs
              ? s.loadRegisters(at - FB, new Uint8Array([v]))
              : s.loadFramebuffer(at, new Uint8Array([v]));
          write((old + delta) & 0xff);
          expect(s.digest()).not.toBe(original);
          expect(s.digest()).toBe(fromScratch(s));
          write(old);
          expect(s.digest()).toBe(original);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a digest of unchanged state hashes nothing; a change costs only the blocks it touched', () => {
    const s = state(2);
    expect(s.pendingDigestBlocks).toBe(Math.ceil(FB / DIGEST_BLOCK_BYTES)); // seeded: nothing known yet
    const g0 = s.generation;
    const first = s.digest();
    expect(s.pendingDigestBlocks).toBe(0);
    expect(s.generation).toBe(g0); // looking is not a change
    expect(s.digest()).toBe(first);
    s.touch(0);
    s.touch(1); // same block
    expect(s.generation).toBe(g0 + 2);
    expect(s.pendingDigestBlocks).toBe(1);
    s.loadFramebuffer(MiB - 2, new Uint8Array(MiB + 4)); // straddles blocks 0, 1 and 2
    expect(s.pendingDigestBlocks).toBe(3);
    s.loadRegisters(0, new Uint8Array(4)); // registers are hashed whole, no block
    expect(s.pendingDigestBlocks).toBe(3);
    expect(s.digest()).not.toBe(first);
    expect(s.pendingDigestBlocks).toBe(0);
  });

  it('a zero-filled device (runtime create) is all zeros, knows its digest without hashing, and matches from scratch', () => {
    const s = state(9, 'zero');
    expect(s.pendingDigestBlocks).toBe(0);
    expect(s.registers.every((b) => b === 0)).toBe(true);
    expect((s.framebuffer as Buffer).equals(Buffer.alloc(FB))).toBe(true);
    expect(s.digest()).toBe(fromScratch(s));
    // Seeds do not matter for zeroed devices; geometry does.
    expect(state(10, 'zero').digest()).toBe(s.digest());
    expect(state(9, 'zero', FB + GPU_PAGE_SIZE).digest()).not.toBe(s.digest());
    expect(state(9, 'seeded').digest()).not.toBe(s.digest());
  });

  it('modeled state digests its registers only and caches them the same way', () => {
    const s = new GpuDeviceState(
      { framebufferBytes: 16 * 1024 * MiB, registerBytes: REGS, payload: 'modeled' },
      new Rng(3),
    );
    const d = s.digest();
    expect(d).toBe(gpuDigest(s.geometry, s.registers));
    s.loadFramebuffer(0, new Uint8Array(GPU_PAGE_SIZE)); // modeled bytes are dropped: no change
    expect(s.digest()).toBe(d);
    s.touch(123_456);
    expect(s.digest()).not.toBe(d);
    expect(s.digest()).toBe(gpuDigest(s.geometry, s.registers));
  });
});
