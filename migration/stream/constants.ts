/**
 * Format constants of the mdevsim migration stream. The layout mirrors QEMU's migration stream
 * (qemu.md §3.1–§3.2) and the VFIO section body (qemu.md §2.1); the byte-level framing
 * (length prefix, msgpack head, raw payload, crc32) is ours. Values are data so a reader can
 * check them against the reference line by line.
 */

/**
 * Stream magic, the first 8 bytes of every stream. Plays the role of QEMU's `QEMU_VM_FILE_MAGIC`
 * ("QEVM", qemu.md §3.1). The trailing `1` is part of the name (like PNG's signature), not the
 * version; the version follows as its own be32.
 */
export const STREAM_MAGIC: Uint8Array = new Uint8Array([0x4d, 0x44, 0x45, 0x56, 0x53, 0x49, 0x4d, 0x31]); // "MDEVSIM1"

/** Printable form of the magic, for messages. */
export const STREAM_MAGIC_TEXT = 'MDEVSIM1';

/** The only format version a loader accepts (QEMU accepts only `QEMU_VM_FILE_VERSION`, qemu.md §3.1). */
export const STREAM_VERSION = 1;

/** Magic (8 bytes) + be32 version: the stream header, unframed like QEMU's (qemu.md §3.2). */
export const PREAMBLE_SIZE = 12;

/**
 * Frame tags. Where QEMU has a section-type byte for the same thing its value is kept
 * (qemu.md §3.1: EOF 0x00, START 0x01, PART 0x02, END 0x03, FULL 0x04, CONFIGURATION 0x07).
 * QEMU writes the VFIO markers inline in a section body as be64 words (qemu.md §2.1); here each
 * marker is its own frame with tag 0x40 (unused by QEMU) and the 64-bit marker value in the head.
 */
export const FRAME_TAG = {
  EOF: 0x00,
  SECTION_START: 0x01,
  SECTION_PART: 0x02,
  SECTION_END: 0x03,
  SECTION_FULL: 0x04,
  CONFIGURATION: 0x07,
  VFIO_MARKER: 0x40,
} as const;

export type FrameTag = (typeof FRAME_TAG)[keyof typeof FRAME_TAG];

const TAGS: ReadonlySet<number> = new Set(Object.values(FRAME_TAG));

export function isFrameTag(value: number): value is FrameTag {
  return TAGS.has(value);
}

/**
 * VFIO stream markers (qemu.md §2.1): `0xffffffff` | `0xef10` | 16-bit flag. Kept as bigint
 * because the values do not fit a double exactly. `DEV_CONFIG_LOAD_READY` (0x…06) is left out on
 * purpose: it only exists with multifd device-state transfer, which this stream does not model,
 * so a loader treats it like any other unknown tag.
 */
export const VFIO_MIG_FLAG = {
  END_OF_STATE: 0xffffffffef100001n,
  DEV_CONFIG_STATE: 0xffffffffef100002n,
  DEV_SETUP_STATE: 0xffffffffef100003n,
  DEV_DATA_STATE: 0xffffffffef100004n,
  DEV_INIT_DATA_SENT: 0xffffffffef100005n,
} as const;

export type VfioMigFlag = (typeof VFIO_MIG_FLAG)[keyof typeof VFIO_MIG_FLAG];

/**
 * Version of the per-device VFIO section. QEMU registers the live VFIO section with version 1
 * (qemu.md §2.1) and refuses a section whose version is newer than its own (qemu.md §3.3).
 */
export const VFIO_SECTION_VERSION = 1;

/**
 * Capabilities a stream may announce in its configuration frame. Like QEMU's
 * `configuration/capabilities` (qemu.md §3.4) the loader refuses names it does not know.
 * `switchover-ack` is QEMU's migration capability of the same name: only with it may an
 * iteration block end in `DEV_INIT_DATA_SENT` (qemu.md §2.2, `load_state`).
 * `unchecked-payload` is ours: the frame crc of every later frame covers its prefix and head but
 * not its device bytes. QEMU's stream has no checksum at all; this exists because one crc32 pass
 * (~4.4 GB/s measured here) costs more than a copy (~11 GB/s, performance.md §B.3), so a trusted
 * in-process or already-checksummed transport can skip it. Off unless announced; the
 * configuration frame itself is always fully covered, so corruption cannot turn it on unnoticed.
 */
export const CAPABILITIES = ['switchover-ack', 'unchecked-payload'] as const;

export type Capability = (typeof CAPABILITIES)[number];

/** Frame prefix: be32 body length, u8 tag, be32 head length (see frame-codec.ts). */
export const FRAME_PREFIX_SIZE = 9;

/** Frame trailer: be32 crc32. */
export const FRAME_TRAILER_SIZE = 4;

/** Bytes a frame adds around its head and payload. */
export const FRAME_OVERHEAD = FRAME_PREFIX_SIZE + FRAME_TRAILER_SIZE;

/**
 * Default bound on a whole frame. QEMU's device data chunks are at most 1 MiB
 * (`VFIO_MIG_DEFAULT_DATA_BUFFER_SIZE`, qemu.md §2.1), so 16 MiB leaves room for bigger chunks
 * while keeping what a hostile length prefix can make a loader buffer small.
 */
export const DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;

/**
 * Hard ceiling for `maxFrameSize`. Kept under 0x4d444556 (the magic read as a be32 length) so a
 * second stream header can never pass as a plausible frame length.
 */
export const MAX_FRAME_SIZE_LIMIT = 1024 * 1024 * 1024;

/** Bound on a frame's msgpack head: heads are a few small fields, never bulk data. */
export const MAX_HEAD_SIZE = 64 * 1024;

/** idstr is sent as u8 length + bytes in QEMU (qemu.md §3.2), so at most 255 bytes. */
export const MAX_IDSTR_BYTES = 255;

/** Bound on short names (host, mdev type id). */
export const MAX_NAME_BYTES = 255;

/** A sysfs attribute shows at most PAGE_SIZE bytes; a `migration_version` string fits in that. */
export const MAX_MIGRATION_VERSION_BYTES = 4096;

/** Nesting depth a head may reach; the deepest legal head (start → device → createParams) is 3. */
export const MAX_HEAD_DEPTH = 8;
