import type { VfioMigrationDevice } from '../../devices/vfio/vfio-device.ts';
import { MAX_FRAME_SIZE_LIMIT } from '../stream/constants.ts';

const MIB = 1024 * 1024;

interface ReadSizeHint {
  readonly preferredReadBytes: number | undefined;
}

/** Room for a data frame's prefix, head and crc beside its payload. */
export const FRAME_HEADROOM = 64 * 1024;

/**
 * The data fd read size: the `chunkBytes` option when given, else the device model's hint
 * (bounded by the frame limit), else QEMU's VFIO_MIG_DEFAULT_DATA_BUFFER_SIZE of 1 MiB
 * (qemu.md §2.1). The hint exists for modeled payloads (sizes only): there a read's bytes are a
 * view of zeros, so a 256 MiB read costs what a 1 MiB one does and only the number of frames
 * counts (a 16 GiB device in 64 data frames, not 32,768). It changes wall time only: virtual time
 * is bytes / bandwidth either way (give or take ~45 bytes of framing per frame).
 */
export function readBytesFor(
  device: VfioMigrationDevice,
  chunkBytes: number | undefined,
  maxFrameSize: number | undefined,
): number {
  if (chunkBytes !== undefined) return chunkBytes;
  const hint = (device.driver as Partial<ReadSizeHint>).preferredReadBytes;
  if (typeof hint !== 'number' || !Number.isSafeInteger(hint) || hint <= MIB) return MIB;
  return Math.max(MIB, Math.min(hint, (maxFrameSize ?? MAX_FRAME_SIZE_LIMIT) - FRAME_HEADROOM));
}

/** The frame bound both ends use: the option when given, else 16 MiB or a read's worth if larger. */
export function maxFrameSizeFor(readBytes: number, maxFrameSize: number | undefined): number {
  return maxFrameSize ?? Math.max(16 * MIB, readBytes) + FRAME_HEADROOM;
}
