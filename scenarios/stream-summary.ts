import {
  MTTY_HEADER,
  MTTY_HEADER_BYTES,
  MTTY_MAGIC,
  SERIAL_PORT_BYTES,
} from '../devices/state/mtty-layout.ts';
import { StreamDecoder } from '../migration/stream/decoder.ts';
import type { Frame } from '../migration/stream/frame.ts';
import { isStreamError } from '../migration/stream/stream-error.ts';

/** What crossed the wire, from the recorded stream bytes (decoded by the strict decoder again). */
export interface StreamSummary {
  readonly bytes: number;
  /** False when the stream stopped early (an aborted migration) or failed to decode. */
  readonly complete: boolean;
  readonly frames: number;
  readonly frameKinds: Readonly<Record<string, number>>;
  /** Concatenated DEV_DATA_STATE payloads: the device's own migration data. */
  readonly deviceBytes: number;
  /** For an mtty device: `struct mtty_data` read back from those bytes (kernel.md §5.2). */
  readonly mtty?: {
    readonly magicOk: boolean;
    readonly major: number;
    readonly minor: number;
    readonly nrPorts: number;
    readonly flags: number;
    /** 24 + 36 × nr_ports equals the device bytes: the stream is exactly `struct mtty_data`. */
    readonly sizeOk: boolean;
    readonly headerHex: string;
  };
}

export function summarizeStream(chunks: readonly Uint8Array[], mdevType: string): StreamSummary {
  const all = Buffer.concat(chunks);
  const decoder = new StreamDecoder({ maxFrameSize: 1024 * 1024 * 1024 });
  const frames: Frame[] = [];
  let complete = true;
  try {
    frames.push(...decoder.push(all));
    decoder.finish();
  } catch (error) {
    if (!isStreamError(error)) throw error;
    complete = false;
  }
  const kinds: Record<string, number> = {};
  const data: Uint8Array[] = [];
  for (const f of frames) {
    kinds[f.kind] = (kinds[f.kind] ?? 0) + 1;
    if (f.kind === 'dev-data-state') data.push(f.data);
  }
  const device = Buffer.concat(data);
  const summary: StreamSummary = {
    bytes: all.length,
    complete,
    frames: frames.length,
    frameKinds: kinds,
    deviceBytes: device.length,
  };
  if (!mdevType.startsWith('mtty-') || device.length < MTTY_HEADER_BYTES) return summary;
  const nrPorts = device.readUInt32LE(MTTY_HEADER.nrPorts);
  return {
    ...summary,
    mtty: {
      magicOk: device.readBigUInt64LE(MTTY_HEADER.magic) === MTTY_MAGIC,
      major: device.readUInt32LE(MTTY_HEADER.majorVer),
      minor: device.readUInt32LE(MTTY_HEADER.minorVer),
      nrPorts,
      flags: device.readUInt32LE(MTTY_HEADER.flags),
      sizeOk: device.length === MTTY_HEADER_BYTES + SERIAL_PORT_BYTES * nrPorts,
      headerHex: device.subarray(0, MTTY_HEADER_BYTES).toString('hex'),
    },
  };
}
