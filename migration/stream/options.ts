import { DEFAULT_MAX_FRAME_SIZE, MAX_FRAME_SIZE_LIMIT } from './constants.ts';

/** Options shared by the writer and the decoder. */
export interface StreamOptions {
  /**
   * Largest whole frame (prefix + head + payload + crc) accepted, in bytes. The decoder refuses a
   * longer length prefix as soon as it has read it, before buffering or allocating anything for
   * the frame; the writer refuses to emit one. Default 16 MiB, at most 1 GiB.
   */
  readonly maxFrameSize?: number;
}

/** Smallest allowed `maxFrameSize`: enough for any head of a normal stream. */
export const MIN_MAX_FRAME_SIZE = 8 * 1024;

/** Resolves `maxFrameSize`. A bad option is a programming error, not bad input: RangeError. */
export function resolveMaxFrameSize(options: StreamOptions | undefined): number {
  const value = options?.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  if (!Number.isInteger(value) || value < MIN_MAX_FRAME_SIZE || value > MAX_FRAME_SIZE_LIMIT) {
    throw new RangeError(
      `maxFrameSize must be an integer in [${MIN_MAX_FRAME_SIZE}, ${MAX_FRAME_SIZE_LIMIT}], got ${value}`,
    );
  }
  return value;
}
