import { crc32 } from 'node:zlib';
import {
  FRAME_OVERHEAD,
  FRAME_PREFIX_SIZE,
  FRAME_TRAILER_SIZE,
  type FrameTag,
  PREAMBLE_SIZE,
  STREAM_MAGIC,
} from './constants.ts';

/**
 * Byte layout of the stream (all integers big-endian, like QEMU's, qemu.md §3):
 *
 *   preamble  = magic[8] "MDEVSIM1" | be32 version                 (QEMU: be32 magic | be32 version)
 *   frame     = be32 bodyLength | u8 tag | be32 headLength         (9-byte prefix)
 *               | head[headLength]                                 (msgpack map, small)
 *               | payload[bodyLength - headLength]                 (raw bytes: device data only)
 *               | be32 crc32                                       (over prefix + head + payload)
 *
 * With the `unchecked-payload` capability (constants.ts) the crc covers prefix + head only.
 *
 * The crc is chained: each frame's crc32 starts from the previous frame's crc (the first from the
 * preamble's), so a frame that is lost, repeated or moved fails the check just like a corrupted
 * one, at no extra cost. QEMU's stream has no checksum at all and uses a section footer (qemu.md
 * §3.2) to catch a loader that read too much or too little; explicit lengths make that desync
 * impossible here, so there is no footer.
 *
 * The payload is written and read raw, never through msgpack, so bulk device data is copied at
 * most once on each side (and not at all when the sink or the input keeps whole frames).
 */

/** The crc chain's starting value for a stream with this preamble. */
export function preambleCrc(preamble: Uint8Array): number {
  return crc32(preamble);
}

export function encodePreamble(version: number): Buffer {
  const out = Buffer.allocUnsafe(PREAMBLE_SIZE);
  out.set(STREAM_MAGIC, 0);
  out.writeUInt32BE(version, STREAM_MAGIC.length);
  return out;
}

/** The encoded frame as chunks to hand on in order, and the crc that continues the chain. */
export interface EncodedFrame {
  readonly chunks: readonly Uint8Array[];
  readonly size: number;
  readonly crc: number;
}

/**
 * Frames `head` (msgpack bytes) and `payload`. The payload is not copied: it is handed on as its
 * own chunk between the prefix+head chunk and the 4-byte crc chunk.
 */
export function encodeFrame(
  tag: FrameTag,
  head: Uint8Array,
  payload: Uint8Array | undefined,
  prevCrc: number,
  coverPayload: boolean,
): EncodedFrame {
  const payloadLength = payload === undefined ? 0 : payload.byteLength;
  const bodyLength = head.byteLength + payloadLength;
  const headEnd = FRAME_PREFIX_SIZE + head.byteLength;
  const inline = payloadLength === 0;
  const first = Buffer.allocUnsafe(inline ? headEnd + FRAME_TRAILER_SIZE : headEnd);
  first.writeUInt32BE(bodyLength, 0);
  first[4] = tag;
  first.writeUInt32BE(head.byteLength, 5);
  first.set(head, FRAME_PREFIX_SIZE);
  let crc = crc32(first.subarray(0, headEnd), prevCrc);
  const size = FRAME_OVERHEAD + bodyLength;
  if (inline) {
    first.writeUInt32BE(crc, headEnd);
    return { chunks: [first], size, crc };
  }
  if (coverPayload) crc = crc32(payload as Uint8Array, crc);
  const trailer = Buffer.allocUnsafe(FRAME_TRAILER_SIZE);
  trailer.writeUInt32BE(crc, 0);
  return { chunks: [first, payload as Uint8Array, trailer], size, crc };
}

/** Continues the crc chain over `parts` in order (pieces of one frame, no copy needed). */
export function crcOf(parts: readonly Uint8Array[], prevCrc: number): number {
  let crc = prevCrc;
  for (const part of parts) crc = crc32(part, crc);
  return crc;
}

export function readU32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at);
}
