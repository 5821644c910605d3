import { ByteQueue } from './byte-queue.ts';
import {
  FRAME_OVERHEAD,
  FRAME_PREFIX_SIZE,
  FRAME_TAG,
  FRAME_TRAILER_SIZE,
  isFrameTag,
  MAX_HEAD_SIZE,
  PREAMBLE_SIZE,
  STREAM_MAGIC,
  STREAM_MAGIC_TEXT,
  STREAM_VERSION,
} from './constants.ts';
import type { Frame } from './frame.ts';
import { crcOf, preambleCrc, readU32 } from './frame-codec.ts';
import { unpackHead } from './head-codec.ts';
import { wireToFrame } from './head-validate.ts';
import { resolveMaxFrameSize, type StreamOptions } from './options.ts';
import { OrderChecker } from './order-checker.ts';
import { StreamError } from './stream-error.ts';

/**
 * The strict loader, incremental: `push` chunks of any size and get back the frames they
 * complete; `finish` when the input ends. Checks, in the order a byte arrives: magic and version
 * (qemu.md §3.3), the length prefix against `maxFrameSize` (before anything is buffered for the
 * frame), the tag, the crc chain, the msgpack head (guard + msgpackr), every head field, and the
 * frame order (order.ts). Errors are StreamError only, at the offset of the offending frame (or
 * of the first byte that could not be explained), and are sticky: after one, every call rethrows it.
 *
 * Payloads (`data`) are views into the pushed chunks when a frame arrived in one chunk, else one
 * copy; a producer that reuses its chunk buffers must copy them before pushing.
 */
export class StreamDecoder {
  readonly #queue = new ByteQueue();
  readonly #maxFrameSize: number;
  readonly #order = new OrderChecker();
  /** Stream offset of the first queued byte. */
  #offset = 0;
  #crc = 0;
  /** False once the configuration frame announced `unchecked-payload`. */
  #coverPayload = true;
  #stage: 'preamble' | 'frames' | 'done' = 'preamble';
  #failure: StreamError | undefined;

  constructor(options?: StreamOptions) {
    this.#maxFrameSize = resolveMaxFrameSize(options);
  }

  /** True once the EOF frame was decoded. */
  get done(): boolean {
    return this.#stage === 'done';
  }

  /** Bytes decoded into frames so far. */
  get bytesConsumed(): number {
    return this.#offset;
  }

  push(chunk: Uint8Array): Frame[] {
    if (this.#failure !== undefined) throw this.#failure;
    this.#queue.push(chunk);
    const frames: Frame[] = [];
    try {
      for (let frame = this.#next(); frame !== undefined; frame = this.#next()) frames.push(frame);
    } catch (error) {
      if (error instanceof StreamError) this.#failure = error;
      throw error;
    }
    return frames;
  }

  /** Declares the end of input: anything short of a complete stream is `truncated`. */
  finish(): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#stage !== 'done') {
      const where = this.#queue.length === 0 ? 'between frames' : `${this.#queue.length} bytes into a frame`;
      const what = this.#stage === 'preamble' ? 'the stream header' : 'EOF';
      this.#failure = new StreamError(
        'truncated',
        this.#offset + this.#queue.length,
        `input ended ${where} before ${what}`,
      );
      throw this.#failure;
    }
  }

  /** Decodes one frame if its bytes are all queued; undefined when more input is needed. */
  #next(): Frame | undefined {
    if (this.#stage === 'preamble') return this.#preamble();
    const q = this.#queue;
    if (this.#stage === 'done') {
      if (q.length > 0) throw new StreamError('trailing-bytes', this.#offset, `${q.length} bytes after EOF`);
      return undefined;
    }
    if (q.length < 4) return undefined;
    if (this.#startsWithMagic(4)) {
      if (q.length < STREAM_MAGIC.length) return undefined;
      if (this.#startsWithMagic(STREAM_MAGIC.length)) {
        throw new StreamError('wrong-order', this.#offset, 'a second stream header');
      }
    }
    const bodyLength = q.u32At(0);
    const size = FRAME_OVERHEAD + bodyLength;
    if (size > this.#maxFrameSize) {
      throw new StreamError(
        'frame-too-large',
        this.#offset,
        `frame of ${size} bytes exceeds the ${this.#maxFrameSize}-byte limit`,
      );
    }
    if (q.length < FRAME_PREFIX_SIZE) return undefined;
    const tag = q.byteAt(4);
    // qemu.md §3.3: "Unknown savevm section type %d".
    if (!isFrameTag(tag))
      throw new StreamError('unknown-frame', this.#offset, `Unknown savevm section type ${tag}`);
    const headLength = q.u32At(5);
    if (headLength > MAX_HEAD_SIZE) {
      throw new StreamError(
        'frame-too-large',
        this.#offset,
        `head of ${headLength} bytes exceeds ${MAX_HEAD_SIZE}`,
      );
    }
    if (headLength > bodyLength) {
      throw new StreamError(
        'bad-field',
        this.#offset,
        `head length ${headLength} exceeds body length ${bodyLength}`,
      );
    }
    if (headLength < bodyLength && tag !== FRAME_TAG.VFIO_MARKER) {
      throw new StreamError(
        'bad-field',
        this.#offset,
        `frame type ${tag} carries ${bodyLength - headLength} payload bytes`,
      );
    }
    if (q.length < size) return undefined;

    const offset = this.#offset;
    this.#offset += size;
    // Prefix + head contiguous (small), payload as views of the input chunks, then the crc: the
    // crc runs over the pieces, and the payload is copied only if it straddles input chunks.
    const headEnd = FRAME_PREFIX_SIZE + headLength;
    const front = q.take(headEnd);
    const segments = q.takeSegments(bodyLength - headLength);
    const stored = readU32(q.take(FRAME_TRAILER_SIZE), 0);
    const headCrc = crcOf([front], this.#crc);
    const crc = this.#coverPayload ? crcOf(segments, headCrc) : headCrc;
    if (crc !== stored) throw new StreamError('crc-mismatch', offset, 'frame crc32 does not match');
    const head = unpackHead(front.subarray(FRAME_PREFIX_SIZE, headEnd), offset);
    const frame = wireToFrame(tag, head, joined(segments, bodyLength - headLength), offset);
    this.#order.check(frame, offset);
    this.#crc = crc;
    if (frame.kind === 'configuration')
      this.#coverPayload = !frame.capabilities.includes('unchecked-payload');
    if (frame.kind === 'eof') this.#stage = 'done';
    return frame;
  }

  #preamble(): Frame | undefined {
    const q = this.#queue;
    const known = Math.min(q.length, STREAM_MAGIC.length);
    if (!this.#startsWithMagic(known)) {
      // qemu.md §3.3: "Not a migration stream".
      let seen = '';
      for (let i = 0; i < known; i++) seen += q.byteAt(i).toString(16).padStart(2, '0');
      throw new StreamError(
        'bad-magic',
        0,
        `Not a migration stream, magic 0x${seen} != ${STREAM_MAGIC_TEXT}`,
      );
    }
    if (q.length < PREAMBLE_SIZE) return undefined;
    const version = q.u32At(STREAM_MAGIC.length);
    if (version !== STREAM_VERSION) {
      throw new StreamError(
        'unsupported-version',
        STREAM_MAGIC.length,
        `Unsupported migration stream version ${version} (supported: ${STREAM_VERSION})`,
      );
    }
    const frame: Frame = { kind: 'header', version };
    this.#order.check(frame, 0);
    this.#crc = preambleCrc(q.take(PREAMBLE_SIZE));
    this.#offset = PREAMBLE_SIZE;
    this.#stage = 'frames';
    return frame;
  }

  #startsWithMagic(count: number): boolean {
    for (let i = 0; i < count; i++) if (this.#queue.byteAt(i) !== STREAM_MAGIC[i]) return false;
    return true;
  }
}

const EMPTY = new Uint8Array(0);

/** One contiguous payload: the single view when there is one, else a copy of the pieces. */
function joined(segments: readonly Uint8Array[], length: number): Uint8Array {
  if (segments.length <= 1) return segments[0] ?? EMPTY;
  return Buffer.concat(segments, length);
}

/** Whole-buffer parse: every frame of a complete stream, or StreamError. Payloads are views into `bytes`. */
export function decodeStream(bytes: Uint8Array, options?: StreamOptions): Frame[] {
  const decoder = new StreamDecoder(options);
  const frames = decoder.push(bytes);
  decoder.finish();
  return frames;
}
