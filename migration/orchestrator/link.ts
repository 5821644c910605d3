import { StreamDecoder } from '../stream/decoder.ts';
import { isStreamError } from '../stream/stream-error.ts';
import { MigrationAbort } from './abort.ts';
import type { Accounting } from './accounting.ts';
import type { TargetLoader } from './target-loader.ts';

/**
 * The wire between the two hosts: stream bytes from the source's writer go (through an optional
 * fault-injecting tap) into the target's strict decoder, and every decoded frame is applied at
 * once. Transfer time (bytes / bandwidth) is owed per byte and paid at `settle()`, which the flow
 * calls between frames, so virtual time never moves while a frame is half-delivered.
 */
export class Link {
  readonly #decoder: StreamDecoder;
  readonly #loader: TargetLoader;
  readonly #acc: Accounting;
  readonly #nsPerByte: number;
  readonly #wire: ((chunk: Uint8Array, offset: number) => Uint8Array) | undefined;
  #bytes = 0;
  #owed = 0;

  constructor(
    loader: TargetLoader,
    acc: Accounting,
    options: {
      bandwidth: number;
      maxFrameSize: number;
      wire?: (chunk: Uint8Array, offset: number) => Uint8Array;
    },
  ) {
    this.#decoder = new StreamDecoder({ maxFrameSize: options.maxFrameSize });
    this.#loader = loader;
    this.#acc = acc;
    this.#nsPerByte = 1e9 / options.bandwidth;
    this.#wire = options.wire;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The writer's sink. */
  readonly send = (chunk: Uint8Array): void => {
    const delivered = this.#wire === undefined ? chunk : this.#wire(chunk, this.#bytes);
    this.#bytes += chunk.length;
    this.#acc.addBytes(chunk.length);
    this.#owed += chunk.length * this.#nsPerByte;
    let frames: ReturnType<StreamDecoder['push']>;
    try {
      frames = this.#decoder.push(delivered);
    } catch (error) {
      if (isStreamError(error)) throw new MigrationAbort(`stream: ${error.message}`);
      throw error;
    }
    for (const frame of frames) this.#loader.apply(frame);
  };

  /** Pays the transfer time owed so far (between frames only). */
  settle(): void {
    const owed = this.#owed;
    this.#owed = 0;
    this.#acc.spend(owed);
  }

  /** End of stream: truncation is an error (the decoder knows whether EOF was seen). */
  finish(): void {
    this.settle();
    try {
      this.#decoder.finish();
    } catch (error) {
      if (isStreamError(error)) throw new MigrationAbort(`stream: ${error.message}`);
      throw error;
    }
  }
}
