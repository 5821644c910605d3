import { type Errno, fail } from '../../core/result.ts';

/*
 * mdevsim's own stream format for GPU-like device state (the gvtg, vgpu and aggr models). The
 * stream is opaque to userspace (kernel.md §3.3), so the format is ours; it only has to let the
 * target validate what it receives. A stream is a sequence of chunks, each a 16-byte header and
 * an optional payload:
 *
 *   offset 0  u32 magic   0x6776646d ("mdvg" in memory)
 *   offset 4  u8  version 1
 *   offset 5  u8  kind    BEGIN 1 | FB 2 | REGS 3 | END 4
 *   offset 6  u16 flags   BEGIN: bit 0 = modeled payload; other kinds: 0
 *   offset 8  u32 index   BEGIN: framebuffer pages; FB: first page; REGS, END: 0
 *   offset 12 u32 length  BEGIN: register bytes (no payload); FB, REGS: payload bytes; END: 0
 *
 * all little-endian. FB payloads cover whole 4 KiB pages of one aligned 1 MiB block, so a chunk
 * never exceeds QEMU's 1 MiB read buffer (VFIO_MIG_DEFAULT_DATA_BUFFER_SIZE, qemu.md §2.1).
 * A modeled stream (BEGIN flag bit 0: sizes only, the payload is zeros the target drops) has
 * 256 MiB blocks instead: nothing of it is buffered anywhere, and a 16 GiB device is 64 chunks
 * rather than 16,384, each costing header and page-bitmap work on both ends. Reads of a chunk may
 * still be any size (a 1 MiB reader gets the payload in 1 MiB pieces).
 */

export const GPU_PAGE_SIZE = 4096;
export const GPU_CHUNK_MAGIC = 0x6776646d;
export const GPU_STREAM_VERSION = 1;
export const GPU_CHUNK_HEADER_BYTES = 16;
/** Largest payload of one chunk: QEMU's VFIO_MIG_DEFAULT_DATA_BUFFER_SIZE. */
export const GPU_MAX_CHUNK_PAYLOAD = 1 << 20;
/** Pages per aligned block; an FB chunk never crosses a block boundary. */
export const GPU_PAGES_PER_BLOCK = GPU_MAX_CHUNK_PAYLOAD / GPU_PAGE_SIZE;
/** Block (and largest FB payload) of a modeled stream. */
export const GPU_MODELED_BLOCK_BYTES = 256 << 20;
export const GPU_MODELED_PAGES_PER_BLOCK = GPU_MODELED_BLOCK_BYTES / GPU_PAGE_SIZE;

/** Pages per block of a real or a modeled stream. */
export function pagesPerBlock(modeled: boolean): number {
  return modeled ? GPU_MODELED_PAGES_PER_BLOCK : GPU_PAGES_PER_BLOCK;
}

export const CHUNK_KIND = {
  BEGIN: 1,
  FB: 2,
  REGS: 3,
  END: 4,
} as const;

export type ChunkKind = (typeof CHUNK_KIND)[keyof typeof CHUNK_KIND];

export const BEGIN_FLAG_MODELED = 1;

export interface ChunkHeader {
  readonly kind: ChunkKind;
  readonly flags: number;
  readonly index: number;
  readonly length: number;
}

/** Writes a header into the first 16 bytes of `target`. */
export function writeChunkHeader(target: Uint8Array, header: ChunkHeader): void {
  const view = new DataView(target.buffer, target.byteOffset, GPU_CHUNK_HEADER_BYTES);
  view.setUint32(0, GPU_CHUNK_MAGIC, true);
  view.setUint8(4, GPU_STREAM_VERSION);
  view.setUint8(5, header.kind);
  view.setUint16(6, header.flags, true);
  view.setUint32(8, header.index, true);
  view.setUint32(12, header.length, true);
}

/** Decodes and checks the fixed fields of a 16-byte header; EINVAL names the first problem. */
export function parseChunkHeader(bytes: Uint8Array): ChunkHeader | Errno {
  const view = new DataView(bytes.buffer, bytes.byteOffset, GPU_CHUNK_HEADER_BYTES);
  const magic = view.getUint32(0, true);
  if (magic !== GPU_CHUNK_MAGIC) return fail('EINVAL', `bad chunk magic 0x${magic.toString(16)}`);
  const version = view.getUint8(4);
  if (version !== GPU_STREAM_VERSION) return fail('EINVAL', `unknown stream version ${version}`);
  const kind = view.getUint8(5);
  if (kind < CHUNK_KIND.BEGIN || kind > CHUNK_KIND.END) return fail('EINVAL', `unknown chunk kind ${kind}`);
  return {
    kind: kind as ChunkKind,
    flags: view.getUint16(6, true),
    index: view.getUint32(8, true),
    length: view.getUint32(12, true),
  };
}

/** Stream bytes of the FB chunks covering `pages` pages from a block boundary. */
export function fbStreamBytes(pages: number, blockPages: number = GPU_PAGES_PER_BLOCK): number {
  return pages * GPU_PAGE_SIZE + Math.ceil(pages / blockPages) * GPU_CHUNK_HEADER_BYTES;
}
