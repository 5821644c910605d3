/**
 * Every problem the stream code finds in its input (or in frames handed to the writer) surfaces as
 * a StreamError: a closed `reason` code for programs, the byte `offset` where it was detected, and
 * a message worded like QEMU's loader where QEMU has one (qemu.md §3.3). Nothing else is thrown on
 * bad input.
 */
export const STREAM_ERROR_REASONS = [
  /** The first 8 bytes are not the stream magic ("Not a migration stream"). */
  'bad-magic',
  /** Stream version, or a section's version, newer than this loader supports. */
  'unsupported-version',
  /** Input ended before the EOF frame (inside a frame or between frames). */
  'truncated',
  /** A frame's crc32 does not match (corruption, or a frame lost/reordered: the crc is chained). */
  'crc-mismatch',
  /** A frame (or its head) is longer than the configured bound; refused before buffering it. */
  'frame-too-large',
  /** A frame tag this format does not define ("Unknown savevm section type"). */
  'unknown-frame',
  /** A VFIO marker value this format does not define ("Unknown tag 0x…"). */
  'unknown-marker',
  /** A frame that is legal in general but not at this point of the stream. */
  'wrong-order',
  /** A head field with the wrong type, range or shape, or a missing or extra field. */
  'bad-field',
  /** Bytes after the EOF frame. */
  'trailing-bytes',
  /** PART/END/FULL naming a section that was never started ("Unknown savevm section"). */
  'unknown-section',
  /** A capability the loader does not know ("Received unknown capability"). */
  'unknown-capability',
  /** A head that is not the plain msgpack subset heads use (ext types, deep nesting, bad lengths…). */
  'hostile-msgpack',
] as const;

export type StreamErrorReason = (typeof STREAM_ERROR_REASONS)[number];

export class StreamError extends Error {
  override readonly name = 'StreamError';
  readonly reason: StreamErrorReason;
  /** Stream byte offset where the problem was detected (usually the start of the offending frame). */
  readonly offset: number;
  /** The human part of the message, without reason and offset. */
  readonly detail: string;

  constructor(reason: StreamErrorReason, offset: number, detail: string) {
    super(`migration stream, offset ${offset}: ${reason}: ${detail}`);
    this.reason = reason;
    this.offset = offset;
    this.detail = detail;
  }
}

const REASONS: ReadonlySet<string> = new Set(STREAM_ERROR_REASONS);

export function isStreamError(value: unknown): value is StreamError {
  return (
    value instanceof StreamError ||
    (value instanceof Error &&
      value.name === 'StreamError' &&
      REASONS.has(String((value as { reason?: unknown }).reason)) &&
      typeof (value as { offset?: unknown }).offset === 'number')
  );
}
