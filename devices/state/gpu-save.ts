import { type Errno, fail } from '../../core/result.ts';
import type { PrecopyInfo, SaveSession } from '../vfio/driver.ts';
import { DirtyBitmap } from './gpu-bitmap.ts';
import {
  BEGIN_FLAG_MODELED,
  CHUNK_KIND,
  type ChunkHeader,
  fbStreamBytes,
  GPU_CHUNK_HEADER_BYTES,
  GPU_PAGE_SIZE,
  pagesPerBlock,
  writeChunkHeader,
} from './gpu-format.ts';
import { acquireBatch, GPU_MODELED_READ_BYTES, type ModeledBatch, releaseBatch } from './gpu-modeled-read.ts';
import { type GpuDeviceState, modeledPayload } from './gpu-state.ts';

/** Which PRECOPY_INFO counter a chunk's bytes belong to until they are read. */
type Account = 'initial' | 'dirty' | 'final';

/** The next FB chunk: pages [start, end) of one block, from the initial pass or the dirty log. */
interface FbChunk {
  readonly start: number;
  readonly end: number;
  readonly account: 'initial' | 'dirty';
}

const EMPTY = new Uint8Array(0);

export interface GpuSaveHooks {
  /** Brings the guest's dirtying up to `clock.now` before the stream is looked at. */
  readonly sync: () => void;
  /** True in PRE_COPY / PRE_COPY_P2P (where running out of data is temporary). */
  readonly inPreCopy: () => boolean;
  readonly emptyRead: 'ENOMSG' | 'zero';
}

/**
 * The saving side of the GPU stream. Order: BEGIN; the initial pass over every framebuffer block
 * (plus the registers when the session started in PRE_COPY); dirty runs as the guest makes them;
 * then, once in STOP_COPY, the final registers and END. PRE_COPY info is exact: `initialBytes` is
 * what is left of the initial pass, `dirtyBytes` what the dirty log would take now (kernel.md §3.8).
 * Pages the initial pass has not reached yet are not logged: the pass will send their latest bytes.
 * A modeled session asked for more than one chunk fills the read with as many whole FB chunks as
 * fit (gpu-modeled-read.ts); the bytes and the accounting are those of reading them one by one.
 */
export class GpuSaveStream implements SaveSession {
  readonly kind = 'save';
  readonly #state: GpuDeviceState;
  readonly #hooks: GpuSaveHooks;
  readonly #dirty: DirtyBitmap;
  /** Pages per stream block: 1 MiB, or 256 MiB for a modeled stream (gpu-format.ts). */
  readonly #blockPages: number;
  #header = new Uint8Array(GPU_CHUNK_HEADER_BYTES);
  #disabled = false;
  #beginPending = true;
  #initialNext = 0;
  #initialRegsPending: boolean;
  #final = false;
  #finalRegsPending = true;
  #endPending = true;
  #scan = 0;
  // The chunk being read: header bytes left, then payload bytes left from `payloadAt`.
  #headerLeft = 0;
  #payloadKind: 'fb' | 'regs' = 'fb';
  #payloadAt = 0;
  #payloadLeft = 0;
  #account: Account = 'initial';
  #bytesRead = 0;
  #batch: ModeledBatch | undefined;

  constructor(state: GpuDeviceState, hooks: GpuSaveHooks, startedInPreCopy: boolean) {
    this.#state = state;
    this.#hooks = hooks;
    this.#blockPages = pagesPerBlock(state.geometry.payload === 'modeled');
    this.#dirty = new DirtyBitmap(state.pages, this.#blockPages);
    this.#initialRegsPending = startedInPreCopy;
  }

  get disabled(): boolean {
    return this.#disabled;
  }

  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** The guest wrote `page` (called by the dirty process). */
  pageDirtied(page: number): void {
    if (this.#disabled || page >= this.#initialNext) return;
    this.#dirty.set(page);
  }

  /** The device entered STOP_COPY: the stream now ends with the registers and END. */
  enterStopCopy(): void {
    this.#final = true;
  }

  read(max: number): Uint8Array | Errno {
    if (this.#disabled) return fail('ENODEV', 'migration file is disabled');
    this.#hooks.sync();
    if (max === 0) return EMPTY;
    if (this.#headerLeft === 0 && this.#payloadLeft === 0 && this.#state.framebuffer === undefined) {
      const batch = this.#modeledBatch(max);
      if (batch !== undefined) {
        this.#bytesRead += batch.length;
        return batch;
      }
    }
    if (this.#headerLeft === 0 && this.#payloadLeft === 0 && !this.#nextChunk()) {
      if (this.#hooks.emptyRead === 'ENOMSG' && this.#hooks.inPreCopy()) {
        return fail('ENOMSG', 'no pre-copy data available now');
      }
      return EMPTY;
    }
    let out: Uint8Array;
    if (this.#headerLeft > 0) {
      const at = GPU_CHUNK_HEADER_BYTES - this.#headerLeft;
      const n = Math.min(max, this.#headerLeft);
      out = this.#header.subarray(at, at + n);
      this.#headerLeft -= n;
    } else {
      const n = Math.min(max, this.#payloadLeft);
      out = this.#payload(this.#payloadAt, n);
      this.#payloadAt += n;
      this.#payloadLeft -= n;
    }
    this.#bytesRead += out.length;
    return out;
  }

  precopyInfo(): PrecopyInfo | Errno {
    if (this.#disabled) return fail('ENODEV', 'migration file is disabled');
    this.#hooks.sync();
    return { initialBytes: this.#initialBytes(), dirtyBytes: this.#dirtyBytes() };
  }

  /** Bytes a STOP_COPY would still produce: everything pending, then registers and END. */
  remainingBytes(): number {
    const regs = GPU_CHUNK_HEADER_BYTES + this.#state.registers.length;
    return (
      this.#initialBytes() +
      this.#dirtyBytes() +
      (this.#finalRegsPending ? regs : 0) +
      (this.#endPending ? GPU_CHUNK_HEADER_BYTES : 0) +
      this.#inFlight('final')
    );
  }

  disable(): void {
    this.#disabled = true;
    this.#dirty.clearAll();
    if (this.#batch !== undefined) releaseBatch(this.#batch);
    this.#batch = undefined;
  }

  #initialBytes(): number {
    const begin = this.#beginPending ? GPU_CHUNK_HEADER_BYTES : 0;
    const fb = fbStreamBytes(this.#state.pages - this.#initialNext, this.#blockPages);
    const regs = this.#initialRegsPending ? GPU_CHUNK_HEADER_BYTES + this.#state.registers.length : 0;
    return begin + fb + regs + this.#inFlight('initial');
  }

  #dirtyBytes(): number {
    const d = this.#dirty;
    return d.count * GPU_PAGE_SIZE + d.runs * GPU_CHUNK_HEADER_BYTES + this.#inFlight('dirty');
  }

  #inFlight(account: Account): number {
    return this.#account === account ? this.#headerLeft + this.#payloadLeft : 0;
  }

  /** Picks the next chunk; false when there is nothing to send now. */
  #nextChunk(): boolean {
    const { pages, registers } = this.#state;
    if (this.#beginPending) {
      this.#beginPending = false;
      const flags = this.#state.geometry.payload === 'modeled' ? BEGIN_FLAG_MODELED : 0;
      this.#start({ kind: CHUNK_KIND.BEGIN, flags, index: pages, length: registers.length }, 'initial');
      return true;
    }
    const fb = this.#peekFb();
    if (fb !== undefined) {
      this.#takeFb(fb);
      this.#startFb(fb.start, fb.end, fb.account);
      return true;
    }
    if (this.#initialRegsPending) {
      this.#initialRegsPending = false;
      this.#startRegs('initial');
      return true;
    }
    if (!this.#final) return false;
    if (this.#finalRegsPending) {
      this.#finalRegsPending = false;
      this.#startRegs('final');
      return true;
    }
    if (this.#endPending) {
      this.#endPending = false;
      this.#start({ kind: CHUNK_KIND.END, flags: 0, index: 0, length: 0 }, 'final');
      return true;
    }
    return false;
  }

  /** The next chunk if it is an FB chunk (initial pass, else dirty runs once the registers went). */
  #peekFb(): FbChunk | undefined {
    if (this.#beginPending) return undefined;
    const pages = this.#state.pages;
    if (this.#initialNext < pages) {
      const start = this.#initialNext;
      return { start, end: Math.min(start + this.#blockPages, pages), account: 'initial' };
    }
    if (this.#initialRegsPending) return undefined;
    const run = this.#dirty.findRun(this.#scan);
    return run === undefined ? undefined : { start: run.start, end: run.end, account: 'dirty' };
  }

  /** Takes a peeked FB chunk out of what is pending. */
  #takeFb(fb: FbChunk): void {
    if (fb.account === 'initial') {
      this.#initialNext = fb.end;
    } else {
      this.#dirty.clearRun(fb.start, fb.end);
      this.#scan = fb.end >= this.#state.pages ? 0 : fb.end;
    }
  }

  /**
   * Modeled only: as many whole pending FB chunks as fit in `max`, in one buffer; undefined when
   * the next chunk is not an FB chunk or does not fit whole (then it is read the ordinary way).
   */
  #modeledBatch(max: number): Uint8Array | undefined {
    let fb = this.#peekFb();
    // No larger than the whole framebuffer's chunks: a small modeled device needs no 256 MiB buffer.
    const limit = Math.min(max, GPU_MODELED_READ_BYTES, fbStreamBytes(this.#state.pages, this.#blockPages));
    if (fb === undefined || GPU_CHUNK_HEADER_BYTES + (fb.end - fb.start) * GPU_PAGE_SIZE > limit)
      return undefined;
    if (this.#batch === undefined) this.#batch = acquireBatch();
    const batch = this.#batch;
    batch.begin(limit);
    while (fb !== undefined && batch.add(fb.start, fb.end - fb.start)) {
      this.#takeFb(fb);
      fb = this.#peekFb();
    }
    return batch.take();
  }

  #startFb(first: number, end: number, account: Account): void {
    const length = (end - first) * GPU_PAGE_SIZE;
    this.#start({ kind: CHUNK_KIND.FB, flags: 0, index: first, length }, account);
    this.#payloadKind = 'fb';
    this.#payloadAt = first * GPU_PAGE_SIZE;
    this.#payloadLeft = length;
  }

  #startRegs(account: Account): void {
    const length = this.#state.registers.length;
    this.#start({ kind: CHUNK_KIND.REGS, flags: 0, index: 0, length }, account);
    this.#payloadKind = 'regs';
    this.#payloadAt = 0;
    this.#payloadLeft = length;
  }

  #start(header: ChunkHeader, account: Account): void {
    // A fresh 16 bytes per chunk (not per page), so a header view a reader keeps stays intact.
    this.#header = new Uint8Array(GPU_CHUNK_HEADER_BYTES);
    writeChunkHeader(this.#header, header);
    this.#headerLeft = GPU_CHUNK_HEADER_BYTES;
    this.#payloadLeft = 0;
    this.#account = account;
  }

  /** Payload bytes as a view: device memory in real mode, the shared zero pool when modeled. */
  #payload(at: number, n: number): Uint8Array {
    if (this.#payloadKind === 'regs') return this.#state.registers.subarray(at, at + n);
    const fb = this.#state.framebuffer;
    return fb === undefined ? modeledPayload(n) : fb.subarray(at, at + n);
  }
}
