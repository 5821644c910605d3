import { Packr, Unpackr } from 'msgpackr';
import { FRAME_TAG, type FrameTag, MAX_HEAD_DEPTH, VFIO_MIG_FLAG } from './constants.ts';
import type { Frame } from './frame.ts';
import { checkHeadBytes } from './msgpack-guard.ts';
import { StreamError } from './stream-error.ts';

/**
 * msgpackr set up for heads (performance.md §B.1 gotchas): no records/shared structures (output
 * must be readable by a fresh loader, and records are a way to smuggle state), maps as plain
 * objects, `toJSON` ignored, the smallest map header (heads are tiny, so fixmap saves 2 bytes a
 * frame), and 64-bit integers as bigint so the VFIO marker values
 * (0xffffffffef10000N, qemu.md §2.1) survive exactly.
 */
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  useToJSON: false,
  variableMapSize: true,
  int64AsType: 'bigint',
});
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'bigint' });

/** A frame split into what goes on the wire: tag, msgpack head fields, raw payload. */
export interface WireFrame {
  readonly tag: FrameTag;
  readonly head: Readonly<Record<string, unknown>>;
  readonly payload: Uint8Array | undefined;
}

/** Maps a typed frame onto tag + head + payload. The header frame is not framed (see preamble.ts). */
export function frameToWire(frame: Exclude<Frame, { kind: 'header' }>): WireFrame {
  switch (frame.kind) {
    case 'configuration':
      return wire(FRAME_TAG.CONFIGURATION, {
        host: frame.host,
        seed: frame.seed,
        capabilities: frame.capabilities,
      });
    case 'section-start':
      return wire(FRAME_TAG.SECTION_START, {
        sectionId: frame.sectionId,
        idstr: frame.idstr,
        instanceId: frame.instanceId,
        versionId: frame.versionId,
        device: {
          uuid: frame.device.uuid,
          mdevType: frame.device.mdevType,
          migrationVersion: frame.device.migrationVersion,
          createParams: { aggregate: frame.device.createParams.aggregate },
        },
      });
    case 'section-full':
      return wire(FRAME_TAG.SECTION_FULL, {
        sectionId: frame.sectionId,
        idstr: frame.idstr,
        instanceId: frame.instanceId,
        versionId: frame.versionId,
      });
    case 'section-part':
      return wire(FRAME_TAG.SECTION_PART, { sectionId: frame.sectionId });
    case 'section-end':
      return wire(FRAME_TAG.SECTION_END, { sectionId: frame.sectionId });
    case 'dev-setup-state':
      return marker(VFIO_MIG_FLAG.DEV_SETUP_STATE, frame.sectionId);
    case 'end-of-state':
      return marker(VFIO_MIG_FLAG.END_OF_STATE, frame.sectionId);
    case 'dev-init-data-sent':
      return marker(VFIO_MIG_FLAG.DEV_INIT_DATA_SENT, frame.sectionId);
    case 'dev-data-state':
      return marker(VFIO_MIG_FLAG.DEV_DATA_STATE, frame.sectionId, frame.data);
    case 'dev-config-state':
      return marker(VFIO_MIG_FLAG.DEV_CONFIG_STATE, frame.sectionId, frame.data);
    case 'eof':
      return wire(FRAME_TAG.EOF, {});
  }
}

function wire(tag: FrameTag, head: Record<string, unknown>, payload?: Uint8Array): WireFrame {
  return { tag, head, payload };
}

/** Marker head: the 64-bit marker, the section it belongs to, and for data-carrying markers the size. */
function marker(flag: bigint, sectionId: number, data?: Uint8Array): WireFrame {
  const head: Record<string, unknown> =
    data === undefined ? { marker: flag, sectionId } : { marker: flag, sectionId, size: data.byteLength };
  return wire(FRAME_TAG.VFIO_MARKER, head, data);
}

/** msgpack bytes of a head. The result may be a view into msgpackr's reused slab: copy it at once. */
export function packHead(head: Readonly<Record<string, unknown>>): Uint8Array {
  return packr.pack(head);
}

/**
 * Decodes head bytes into an `unknown` for the field checks: the guard first (so msgpackr only
 * ever sees the plain subset), then msgpackr. Anything either refuses is 'hostile-msgpack'.
 */
export function unpackHead(bytes: Uint8Array, offset: number): unknown {
  const problem = checkHeadBytes(bytes, MAX_HEAD_DEPTH);
  if (problem !== undefined)
    throw new StreamError('hostile-msgpack', offset, `frame head refused: ${problem}`);
  try {
    return unpackr.unpack(bytes) as unknown;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new StreamError('hostile-msgpack', offset, `frame head does not decode: ${why}`);
  }
}
