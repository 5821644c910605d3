import type { Rng } from '../../core/rng.ts';
import { BlockDigests, gpuDigest } from './gpu-digest.ts';
import { GPU_MAX_CHUNK_PAYLOAD, GPU_PAGE_SIZE } from './gpu-format.ts';

/** `real`: the bytes exist and move; `modeled`: only sizes exist (a 16 GiB device costs ~nothing). */
export type PayloadMode = 'real' | 'modeled';

export interface GpuGeometry {
  readonly framebufferBytes: number;
  readonly registerBytes: number;
  readonly payload: PayloadMode;
}

/**
 * A shared zero pool for modeled payloads, never written: 1 MiB, grown on demand up to a modeled
 * chunk (256 MiB) for readers that take payloads in larger pieces. `new Uint8Array` memory is
 * faulted in only when read, so its size is address space until someone checksums it.
 */
let zeros: Uint8Array | undefined;
export function modeledPayload(length: number): Uint8Array {
  if (zeros === undefined || zeros.length < length)
    zeros = new Uint8Array(Math.max(length, GPU_MAX_CHUNK_PAYLOAD));
  return zeros.subarray(0, length);
}

/**
 * Where a device's initial state comes from. `seeded`: drawn from the Rng, for a device that
 * stands for a guest that has been running before the simulation starts (scenario instances);
 * `zero`: all zero, for a device created at runtime (sysfs `create`): a real driver hands a new
 * instance scrubbed memory so no previous tenant's data leaks, and the zero framebuffer is
 * allocated lazily (`Buffer.alloc`: pages are faulted in only when first written).
 */
export type InitialContent = 'seeded' | 'zero';

/**
 * The migratable state of a GPU-like mdev: an MMIO register file and a framebuffer in 4 KiB
 * pages. In `real` mode the framebuffer is one Buffer (views are handed out, never per-page
 * copies); in `modeled` mode it does not exist and only the registers carry bytes.
 *
 * Every change goes through touch() (guest writes) or the load*() methods (the resuming stream),
 * which bump `generation` and mark the changed digest blocks: digest() of unchanged state is a
 * cached string, and after a change only the changed 1 MiB blocks are hashed again
 * (gpu-digest.ts). Writing to `framebuffer` or `registers` directly bypasses that: don't.
 */
export class GpuDeviceState {
  readonly geometry: GpuGeometry;
  readonly pages: number;
  readonly registers: Uint8Array;
  /** The framebuffer (real mode only). Read-only for everyone but this class. */
  readonly framebuffer: Buffer | undefined;
  readonly #registerView: DataView;
  readonly #blocks: BlockDigests | undefined;
  #touches = 0;
  #generation = 0;
  #digest: { readonly generation: number; readonly value: string } | undefined;

  constructor(geometry: GpuGeometry, rng: Rng, content: InitialContent = 'seeded') {
    const { framebufferBytes, registerBytes } = geometry;
    if (
      !Number.isSafeInteger(framebufferBytes) ||
      framebufferBytes <= 0 ||
      framebufferBytes % GPU_PAGE_SIZE !== 0
    ) {
      throw new RangeError(`framebuffer size must be a positive multiple of 4 KiB, got ${framebufferBytes}`);
    }
    if (framebufferBytes / GPU_PAGE_SIZE > 0xffffffff)
      throw new RangeError('framebuffer too large for the stream');
    if (!Number.isInteger(registerBytes) || registerBytes < 4 || registerBytes % 4 !== 0) {
      throw new RangeError(`register file must be a positive multiple of 4 bytes, got ${registerBytes}`);
    }
    if (registerBytes > GPU_MAX_CHUNK_PAYLOAD)
      throw new RangeError('register file larger than one chunk (1 MiB)');
    this.geometry = geometry;
    this.pages = framebufferBytes / GPU_PAGE_SIZE;
    const seeded = content === 'seeded';
    this.registers = seeded ? rng.fork('registers').bytes(registerBytes) : new Uint8Array(registerBytes);
    this.#registerView = new DataView(this.registers.buffer, this.registers.byteOffset, registerBytes);
    if (geometry.payload === 'real') {
      const fb = seeded
        ? seedFramebuffer(framebufferBytes, rng.fork('framebuffer'))
        : Buffer.alloc(framebufferBytes);
      this.framebuffer = fb;
      this.#blocks = new BlockDigests(fb, seeded ? 'unknown' : 'zero');
    } else {
      this.framebuffer = undefined;
      this.#blocks = undefined;
    }
  }

  /** Page writes by the guest on this device so far (not migrated; a statistic). */
  get touches(): number {
    return this.#touches;
  }

  /** Changes to the migrating state so far: equal generations mean unchanged state. */
  get generation(): number {
    return this.#generation;
  }

  /** Framebuffer blocks the next digest() must hash (changed since the last one). */
  get pendingDigestBlocks(): number {
    return this.#blocks?.staleBlocks ?? 0;
  }

  /**
   * The guest wrote to `page`. A real page gets a new word at a rotating offset, and a register
   * word records the write, so every write changes the digest in both payload modes.
   */
  touch(page: number): void {
    const n = ++this.#touches;
    const fb = this.framebuffer;
    if (fb !== undefined) {
      fb.writeUInt32LE(mix(n, page), page * GPU_PAGE_SIZE + ((n * 4) % GPU_PAGE_SIZE));
      this.#blocks?.markPage(page);
    }
    const words = this.registers.length / 4;
    this.#registerView.setUint32((n % words) * 4, mix(page, n), true);
    this.#generation++;
  }

  /** The resuming stream's framebuffer bytes at byte offset `at` (modeled: nothing to keep). */
  loadFramebuffer(at: number, bytes: Uint8Array): void {
    const fb = this.framebuffer;
    if (fb === undefined) return;
    fb.set(bytes, at);
    this.#blocks?.markRange(at, at + bytes.length);
    this.#generation++;
  }

  /** The resuming stream's register bytes at byte offset `at`. */
  loadRegisters(at: number, bytes: Uint8Array): void {
    this.registers.set(bytes, at);
    this.#generation++;
  }

  /**
   * sha256 of geometry, registers and (real mode) the framebuffer's block hashes (gpu-digest.ts):
   * free when nothing changed since the last call, else the registers plus the changed blocks.
   */
  digest(): string {
    const cached = this.#digest;
    if (cached !== undefined && cached.generation === this.#generation) return cached.value;
    const value = gpuDigest(this.geometry, this.registers, this.#blocks?.hashes());
    this.#digest = { generation: this.#generation, value };
    return value;
  }
}

/**
 * Fills the framebuffer from a seeded 1 MiB pattern, then stamps every page with its index, so
 * pages differ and a misplaced page changes the digest. Far cheaper than drawing every byte.
 */
function seedFramebuffer(bytes: number, rng: Rng): Buffer {
  const fb = Buffer.allocUnsafe(bytes);
  const pattern = rng.bytes(Math.min(bytes, GPU_MAX_CHUNK_PAYLOAD));
  for (let off = 0; off < bytes; off += pattern.length)
    fb.set(pattern.subarray(0, Math.min(pattern.length, bytes - off)), off);
  const salt = rng.nextU32();
  for (let page = 0, off = 0; off < bytes; page++, off += GPU_PAGE_SIZE)
    fb.writeUInt32LE(mix(page, salt), off);
  return fb;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
