import { FRAME_OVERHEAD, MAX_HEAD_SIZE, STREAM_VERSION } from './constants.ts';
import type { Frame } from './frame.ts';
import { encodeFrame, encodePreamble, preambleCrc } from './frame-codec.ts';
import { frameToWire, packHead } from './head-codec.ts';
import { wireToFrame } from './head-validate.ts';
import { resolveMaxFrameSize, type StreamOptions } from './options.ts';
import { OrderChecker } from './order-checker.ts';
import { StreamError } from './stream-error.ts';

/** Where encoded bytes go. Chunks are handed over in order and never touched again by the writer. */
export type ChunkSink = (chunk: Uint8Array) => void;

/**
 * Encodes typed frames into stream bytes. Every frame is checked exactly as the decoder would
 * check it (fields, size bound, order), before any byte of it reaches the sink, so a writer can
 * only produce streams its decoder accepts; a refused frame throws StreamError and leaves the
 * writer usable.
 *
 * Device bytes (`data` of dev-data-state / dev-config-state) are not copied: the sink receives
 * the caller's Uint8Array as a chunk of its own. A caller that reuses its buffer must let the sink
 * consume (or copy) the chunk first.
 */
export class StreamWriter {
  readonly #sink: ChunkSink;
  readonly #maxFrameSize: number;
  readonly #order = new OrderChecker();
  #crc = 0;
  /** False once a configuration frame announced `unchecked-payload`. */
  #coverPayload = true;
  #written = 0;

  constructor(sink: ChunkSink, options?: StreamOptions) {
    this.#sink = sink;
    this.#maxFrameSize = resolveMaxFrameSize(options);
  }

  /** Stream bytes handed to the sink so far. */
  get bytesWritten(): number {
    return this.#written;
  }

  /** True once the EOF frame was written. */
  get done(): boolean {
    return this.#order.phase === 'done';
  }

  write(frame: Frame): void {
    const offset = this.#written;
    if (frame.kind === 'header') {
      if (frame.version !== STREAM_VERSION) {
        throw new StreamError(
          'unsupported-version',
          offset,
          `Unsupported migration stream version ${frame.version} (this writer writes ${STREAM_VERSION})`,
        );
      }
      this.#order.check(frame, offset);
      const preamble = encodePreamble(frame.version);
      this.#crc = preambleCrc(preamble);
      this.#emit([preamble], preamble.byteLength);
      return;
    }
    const wire = frameToWire(frame);
    const payload = wire.payload ?? EMPTY;
    const checked = wireToFrame(wire.tag, wire.head, payload, offset);
    const head = packHead(wire.head);
    const size = FRAME_OVERHEAD + head.byteLength + payload.byteLength;
    if (head.byteLength > MAX_HEAD_SIZE || size > this.#maxFrameSize) {
      // Heads within the field limits are far below MAX_HEAD_SIZE: in practice a data chunk
      // larger than maxFrameSize allows.
      throw new StreamError(
        'frame-too-large',
        offset,
        `${frame.kind} frame of ${size} bytes exceeds the ${this.#maxFrameSize}-byte limit`,
      );
    }
    this.#order.check(checked, offset);
    if (checked.kind === 'configuration')
      this.#coverPayload = !checked.capabilities.includes('unchecked-payload');
    const encoded = encodeFrame(wire.tag, head, wire.payload, this.#crc, this.#coverPayload);
    this.#crc = encoded.crc;
    this.#emit(encoded.chunks, encoded.size);
  }

  #emit(chunks: readonly Uint8Array[], size: number): void {
    this.#written += size;
    for (const chunk of chunks) this.#sink(chunk);
  }
}

const EMPTY = new Uint8Array(0);

/** The pure form: a whole stream as one buffer (one copy of the payloads, into the result). */
export function encodeStream(frames: Iterable<Frame>, options?: StreamOptions): Buffer {
  const chunks: Uint8Array[] = [];
  const writer = new StreamWriter((chunk) => chunks.push(chunk), options);
  for (const frame of frames) writer.write(frame);
  return Buffer.concat(chunks, writer.bytesWritten);
}
