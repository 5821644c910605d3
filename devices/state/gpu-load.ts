import { type Errno, fail, isErrno } from '../../core/result.ts';
import type { ResumeSession } from '../vfio/driver.ts';
import { PageBitmap } from './gpu-bitmap.ts';
import {
  BEGIN_FLAG_MODELED,
  CHUNK_KIND,
  type ChunkHeader,
  GPU_CHUNK_HEADER_BYTES,
  GPU_PAGE_SIZE,
  GPU_PAGES_PER_BLOCK,
  pagesPerBlock,
  parseChunkHeader,
} from './gpu-format.ts';
import type { GpuDeviceState } from './gpu-state.ts';

/**
 * The resuming side of the GPU stream (format in gpu-format.ts). Writes may split the stream
 * anywhere (segmentation need not be preserved, kernel.md §3.3): headers are gathered across
 * writes, payloads are copied straight into the device (`set()` into the one framebuffer Buffer,
 * through GpuDeviceState.load*() so the digest cache sees the change). Anything malformed fails
 * that write with EINVAL and poisons the session, so the RES->STOP that follows fails too.
 * finish() is the load-time check: BEGIN matched, END seen, every page and the registers received
 * at least once.
 */
export class GpuLoadStream implements ResumeSession {
  readonly kind = 'resume';
  readonly #state: GpuDeviceState;
  readonly #header = new Uint8Array(GPU_CHUNK_HEADER_BYTES);
  readonly #received: PageBitmap;
  #headerFill = 0;
  #payloadKind: 'fb' | 'regs' = 'fb';
  #payloadAt = 0;
  #payloadLeft = 0;
  #begun = false;
  /** Pages per stream block, known from BEGIN (gpu-format.ts). */
  #blockPages = GPU_PAGES_PER_BLOCK;
  #ended = false;
  #registersSeen = false;
  #broken: Errno | undefined;
  #disabled = false;
  #bytesWritten = 0;

  constructor(state: GpuDeviceState) {
    this.#state = state;
    this.#received = new PageBitmap(state.pages);
  }

  get disabled(): boolean {
    return this.#disabled;
  }

  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  write(bytes: Uint8Array): number | Errno {
    if (this.#disabled) return fail('ENODEV', 'migration file is disabled');
    if (this.#broken !== undefined) return fail('EINVAL', `stream already rejected: ${this.#broken.reason}`);
    let i = 0;
    while (i < bytes.length) {
      if (this.#payloadLeft > 0) {
        const n = Math.min(this.#payloadLeft, bytes.length - i);
        this.#copyPayload(bytes.subarray(i, i + n));
        i += n;
        continue;
      }
      if (this.#ended) return this.#reject(fail('EINVAL', 'data after the END chunk'));
      const n = Math.min(GPU_CHUNK_HEADER_BYTES - this.#headerFill, bytes.length - i);
      this.#header.set(bytes.subarray(i, i + n), this.#headerFill);
      this.#headerFill += n;
      i += n;
      if (this.#headerFill === GPU_CHUNK_HEADER_BYTES) {
        this.#headerFill = 0;
        const header = parseChunkHeader(this.#header);
        const accepted = isErrno(header) ? header : this.#accept(header);
        if (accepted !== undefined) return this.#reject(accepted);
      }
    }
    this.#bytesWritten += bytes.length;
    return bytes.length;
  }

  /** Load-time validation at RES->STOP: undefined when the stream was complete and valid. */
  finish(): Errno | undefined {
    if (this.#broken !== undefined) return fail('EINVAL', `stream rejected: ${this.#broken.reason}`);
    if (!this.#ended) return fail('EINVAL', 'stream incomplete: no END chunk');
    if (this.#received.count < this.#state.pages) {
      return fail(
        'EINVAL',
        `stream incomplete: ${this.#state.pages - this.#received.count} pages never received`,
      );
    }
    if (!this.#registersSeen) return fail('EINVAL', 'stream incomplete: no registers');
    return undefined;
  }

  disable(): void {
    this.#disabled = true;
  }

  #reject(errno: Errno): Errno {
    this.#broken = errno;
    return errno;
  }

  #accept(h: ChunkHeader): Errno | undefined {
    const { pages, registers, geometry } = this.#state;
    if (!this.#begun) {
      if (h.kind !== CHUNK_KIND.BEGIN) return fail('EINVAL', 'stream does not start with BEGIN');
      const modeled = (h.flags & BEGIN_FLAG_MODELED) !== 0;
      if (h.flags & ~BEGIN_FLAG_MODELED) return fail('EINVAL', `unknown BEGIN flags ${h.flags}`);
      if (h.index !== pages) return fail('EINVAL', `framebuffer of ${h.index} pages, target has ${pages}`);
      if (h.length !== registers.length)
        return fail('EINVAL', `${h.length} register bytes, target has ${registers.length}`);
      if (modeled !== (geometry.payload === 'modeled'))
        return fail('EINVAL', 'payload mode differs from the target');
      this.#begun = true;
      this.#blockPages = pagesPerBlock(modeled);
      return undefined;
    }
    if (h.flags !== 0) return fail('EINVAL', `chunk flags ${h.flags} must be 0`);
    switch (h.kind) {
      case CHUNK_KIND.BEGIN:
        return fail('EINVAL', 'second BEGIN chunk');
      case CHUNK_KIND.FB: {
        const count = h.length / GPU_PAGE_SIZE;
        const block = this.#blockPages;
        if (h.length === 0 || count > block || !Number.isInteger(count)) {
          return fail('EINVAL', `bad framebuffer chunk length ${h.length}`);
        }
        const last = h.index + count - 1;
        if (last >= pages) return fail('EINVAL', `pages ${h.index}..${last} beyond ${pages}`);
        if (Math.floor(h.index / block) !== Math.floor(last / block)) {
          return fail('EINVAL', 'framebuffer chunk crosses a block');
        }
        this.#received.setRange(h.index, last + 1);
        this.#startPayload('fb', h.index * GPU_PAGE_SIZE, h.length);
        return undefined;
      }
      case CHUNK_KIND.REGS:
        if (h.index !== 0 || h.length !== registers.length) return fail('EINVAL', 'bad register chunk');
        this.#registersSeen = true;
        this.#startPayload('regs', 0, h.length);
        return undefined;
      case CHUNK_KIND.END:
        if (h.index !== 0 || h.length !== 0) return fail('EINVAL', 'bad END chunk');
        this.#ended = true;
        return undefined;
    }
  }

  #startPayload(kind: 'fb' | 'regs', at: number, length: number): void {
    this.#payloadKind = kind;
    this.#payloadAt = at;
    this.#payloadLeft = length;
  }

  #copyPayload(part: Uint8Array): void {
    // Modeled payloads carry no bytes worth keeping (loadFramebuffer drops them): only the count moves.
    if (this.#payloadKind === 'regs') this.#state.loadRegisters(this.#payloadAt, part);
    else this.#state.loadFramebuffer(this.#payloadAt, part);
    this.#payloadAt += part.length;
    this.#payloadLeft -= part.length;
  }
}
