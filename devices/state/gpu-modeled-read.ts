import {
  CHUNK_KIND,
  GPU_CHUNK_HEADER_BYTES,
  GPU_MODELED_BLOCK_BYTES,
  GPU_PAGE_SIZE,
  writeChunkHeader,
} from './gpu-format.ts';

/**
 * Largest read a modeled session fills in one go: a whole 256 MiB chunk with its header, or as
 * many smaller whole chunks (dirty runs) as fit. Modeled payload bytes are zeros nobody looks at,
 * so header and payload come in one read, one stream frame: 16 GiB is 64 frames instead of
 * 16,384 chunks read as header + payload (32,768 frames). A read may end past a chunk boundary,
 * as read() on a data fd may (kernel.md §3.3: segmentation need not be preserved).
 */
export const GPU_MODELED_READ_BYTES = GPU_MODELED_BLOCK_BYTES + 64 * 1024;

/**
 * The read buffer of a modeled saving session: whole FB chunks laid end to end, headers written,
 * payloads left zero. One buffer per session, reused by every batch the way QEMU reuses its
 * `data_buffer` for every read() (qemu.md §2.2): like the framebuffer views of real mode, a
 * returned view changes later, so a reader that keeps one copies it (SaveSession.read contract).
 * The buffer comes from `new Uint8Array` (zeroed, lazily faulted): only the pages under headers
 * are ever touched, so its 256 MiB are address space, not memory. Ended sessions hand their batch
 * back (releaseBatch) for the next session: a fresh 256 MiB ArrayBuffer per migration makes V8
 * collect garbage for "external memory pressure", which cost more than the whole modeled transfer.
 */
export class ModeledBatch {
  #buffer: Uint8Array | undefined;
  /** Offsets of the headers written since the last begin(): zeroed again before reuse. */
  readonly #headers: number[] = [];
  #limit = 0;
  #used = 0;

  /** Starts a batch of at most `max` bytes (and at most GPU_MODELED_READ_BYTES); grows the buffer to fit. */
  begin(max: number): void {
    const limit = Math.min(max, GPU_MODELED_READ_BYTES);
    let buffer = this.#buffer;
    if (buffer === undefined || buffer.length < limit) {
      buffer = new Uint8Array(limit);
      this.#buffer = buffer;
      this.#headers.length = 0;
    }
    // The previous batch's headers sit where this batch may put payload, which must read as zero.
    for (const at of this.#headers) buffer.fill(0, at, at + GPU_CHUNK_HEADER_BYTES);
    this.#headers.length = 0;
    this.#limit = limit;
    this.#used = 0;
  }

  /** Appends the FB chunk of `pages` pages from `first` if it fits whole; false if it does not. */
  add(first: number, pages: number): boolean {
    const length = pages * GPU_PAGE_SIZE;
    const buffer = this.#buffer;
    if (buffer === undefined || this.#used + GPU_CHUNK_HEADER_BYTES + length > this.#limit) return false;
    const at = this.#used;
    writeChunkHeader(buffer.subarray(at), { kind: CHUNK_KIND.FB, flags: 0, index: first, length });
    this.#headers.push(at);
    this.#used = at + GPU_CHUNK_HEADER_BYTES + length;
    return true;
  }

  /** The batch's bytes (empty when nothing was added). */
  take(): Uint8Array {
    return this.#buffer === undefined ? new Uint8Array(0) : this.#buffer.subarray(0, this.#used);
  }
}

const idle: ModeledBatch[] = [];
/** Batches kept for reuse; more only matter with that many sessions saving at once. */
const MAX_IDLE = 2;

export function acquireBatch(): ModeledBatch {
  return idle.pop() ?? new ModeledBatch();
}

/** The session ended: its batch may serve the next one (which clears the old headers first). */
export function releaseBatch(batch: ModeledBatch): void {
  if (idle.length < MAX_IDLE && !idle.includes(batch)) idle.push(batch);
}
