import { createHash } from 'node:crypto';
import { stateDigestOf } from './digest.ts';
import { GPU_MAX_CHUNK_PAYLOAD, GPU_PAGE_SIZE } from './gpu-format.ts';
import type { GpuGeometry } from './gpu-state.ts';

/*
 * The GPU state digest, built so that a digest of unchanged state is free and a digest after a
 * few guest writes costs a few blocks, not the whole framebuffer (one sha256 pass over 256 MiB
 * takes ~150 ms in bench/stream.bench.ts, a copy of it 12 to 25 ms, performance.md §B.3).
 *
 *   digest = sha256( "gpu:<fb bytes>:<register bytes>:<payload>:b<block bytes>"
 *                    | u64 len | registers | u64 len | sha256(block 0) | sha256(block 1) | ... )
 *
 * (stateDigestOf's length-prefixed parts), where the blocks are the framebuffer cut in 1 MiB
 * pieces (the stream's blocks; the last may be shorter) and are absent in modeled mode. It is a
 * Merkle list: equal digests <=> equal registers and equal blocks <=> equal state, as long as
 * sha256 has no collisions, and any byte change changes its block's hash and so the digest.
 * blockHashesOf() and gpuDigest() compute it from scratch; BlockDigests keeps the block hashes
 * and rehashes only blocks marked changed since the last digest.
 */

/** Bytes per hashed block: one stream block (GPU_MAX_CHUNK_PAYLOAD, 256 pages). */
export const DIGEST_BLOCK_BYTES = GPU_MAX_CHUNK_PAYLOAD;
const PAGES_PER_DIGEST_BLOCK = DIGEST_BLOCK_BYTES / GPU_PAGE_SIZE;
const HASH_BYTES = 32;

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** The block hashes of `bytes`, from scratch (the reference BlockDigests must agree with). */
export function blockHashesOf(bytes: Uint8Array): Buffer {
  const blocks = Math.ceil(bytes.length / DIGEST_BLOCK_BYTES);
  const out = Buffer.allocUnsafe(blocks * HASH_BYTES);
  for (let b = 0; b < blocks; b++) {
    const at = b * DIGEST_BLOCK_BYTES;
    sha256(bytes.subarray(at, Math.min(at + DIGEST_BLOCK_BYTES, bytes.length))).copy(out, b * HASH_BYTES);
  }
  return out;
}

/** The state digest of a GPU device from its registers and (real mode) framebuffer block hashes. */
export function gpuDigest(geometry: GpuGeometry, registers: Uint8Array, blockHashes?: Uint8Array): string {
  const { framebufferBytes, registerBytes, payload } = geometry;
  const label = `gpu:${framebufferBytes}:${registerBytes}:${payload}:b${DIGEST_BLOCK_BYTES}`;
  return stateDigestOf(label, blockHashes === undefined ? [registers] : [registers, blockHashes]);
}

/** sha256 of `length` zero bytes, memoised: a fresh zero-filled device hashes nothing. */
const zeroHashes = new Map<number, Buffer>();
function zeroHash(length: number): Buffer {
  let hash = zeroHashes.get(length);
  if (hash === undefined) {
    hash = sha256(new Uint8Array(length));
    zeroHashes.set(length, hash);
  }
  return hash;
}

/**
 * Cached per-block sha256 of a byte range (the framebuffer). Writers mark what they change; the
 * next hashes() call rehashes only those blocks.
 */
export class BlockDigests {
  readonly #bytes: Uint8Array;
  readonly #hashes: Buffer;
  /** 1 where the block changed since its hash was taken. */
  readonly #stale: Uint8Array;
  #staleCount: number;

  /** `zero`: the bytes are known to be all zero (hashes are precomputed, nothing is read). */
  constructor(bytes: Uint8Array, content: 'zero' | 'unknown') {
    const blocks = Math.ceil(bytes.length / DIGEST_BLOCK_BYTES);
    this.#bytes = bytes;
    this.#hashes = Buffer.alloc(blocks * HASH_BYTES);
    this.#stale = new Uint8Array(blocks);
    if (content === 'zero') {
      for (let b = 0; b < blocks; b++) zeroHash(this.#blockLength(b)).copy(this.#hashes, b * HASH_BYTES);
      this.#staleCount = 0;
    } else {
      this.#stale.fill(1);
      this.#staleCount = blocks;
    }
  }

  /** Blocks whose hash must be recomputed before the next digest. */
  get staleBlocks(): number {
    return this.#staleCount;
  }

  /** The guest wrote to `page`. */
  markPage(page: number): void {
    this.#markBlock(Math.floor(page / PAGES_PER_DIGEST_BLOCK));
  }

  /** Bytes [start, end) changed. */
  markRange(start: number, end: number): void {
    if (end <= start) return;
    const last = Math.floor((end - 1) / DIGEST_BLOCK_BYTES);
    for (let b = Math.floor(start / DIGEST_BLOCK_BYTES); b <= last; b++) this.#markBlock(b);
  }

  /** Every block's hash, current (rehashes the stale ones). The view is valid until the next call. */
  hashes(): Buffer {
    if (this.#staleCount === 0) return this.#hashes;
    const stale = this.#stale;
    for (let b = 0; b < stale.length; b++) {
      if (stale[b] === 0) continue;
      const at = b * DIGEST_BLOCK_BYTES;
      sha256(this.#bytes.subarray(at, at + this.#blockLength(b))).copy(this.#hashes, b * HASH_BYTES);
      stale[b] = 0;
    }
    this.#staleCount = 0;
    return this.#hashes;
  }

  #markBlock(block: number): void {
    if (this.#stale[block] === 0) {
      this.#stale[block] = 1;
      this.#staleCount++;
    }
  }

  #blockLength(block: number): number {
    return Math.min(DIGEST_BLOCK_BYTES, this.#bytes.length - block * DIGEST_BLOCK_BYTES);
  }
}
