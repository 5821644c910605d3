import type { Rng } from '../../core/rng.ts';
import { stateDigestOf } from './digest.ts';
import { GPU_MAX_CHUNK_PAYLOAD, GPU_PAGE_SIZE } from './gpu-format.ts';

/** `real`: the bytes exist and move; `modeled`: only sizes exist (a 16 GiB device costs ~nothing). */
export type PayloadMode = 'real' | 'modeled';

export interface GpuGeometry {
  readonly framebufferBytes: number;
  readonly registerBytes: number;
  readonly payload: PayloadMode;
}

/** A shared zero page pool for modeled payloads: one MiB, allocated once, never written. */
let zeros: Uint8Array | undefined;
export function modeledPayload(length: number): Uint8Array {
  zeros ??= new Uint8Array(GPU_MAX_CHUNK_PAYLOAD);
  return zeros.subarray(0, length);
}

/**
 * The migratable state of a GPU-like mdev: an MMIO register file and a framebuffer in 4 KiB
 * pages. In `real` mode the framebuffer is one Buffer (views are handed out, never per-page
 * copies); in `modeled` mode it does not exist and only the registers carry bytes.
 */
export class GpuDeviceState {
  readonly geometry: GpuGeometry;
  readonly pages: number;
  readonly registers: Uint8Array;
  /** The framebuffer (real mode only). */
  readonly framebuffer: Buffer | undefined;
  readonly #registerView: DataView;
  #touches = 0;

  constructor(geometry: GpuGeometry, rng: Rng) {
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
    this.registers = rng.fork('registers').bytes(registerBytes);
    this.#registerView = new DataView(this.registers.buffer, this.registers.byteOffset, registerBytes);
    this.framebuffer =
      geometry.payload === 'real' ? seedFramebuffer(framebufferBytes, rng.fork('framebuffer')) : undefined;
  }

  /** Page writes by the guest on this device so far (not migrated; a statistic). */
  get touches(): number {
    return this.#touches;
  }

  /**
   * The guest wrote to `page`. A real page gets a new word at a rotating offset, and a register
   * word records the write, so every write changes the digest in both payload modes.
   */
  touch(page: number): void {
    const n = ++this.#touches;
    const fb = this.framebuffer;
    if (fb !== undefined) fb.writeUInt32LE(mix(n, page), page * GPU_PAGE_SIZE + ((n * 4) % GPU_PAGE_SIZE));
    const words = this.registers.length / 4;
    this.#registerView.setUint32((n % words) * 4, mix(page, n), true);
  }

  /** sha256 of geometry, registers and (real mode) the framebuffer. */
  digest(): string {
    const { framebufferBytes, registerBytes, payload } = this.geometry;
    const label = `gpu:${framebufferBytes}:${registerBytes}:${payload}`;
    const fb = this.framebuffer;
    return stateDigestOf(label, fb === undefined ? [this.registers] : [this.registers, fb]);
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
