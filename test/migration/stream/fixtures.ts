import { expect } from 'vitest';
import {
  FRAME_TAG,
  type FrameTag,
  PREAMBLE_SIZE,
  STREAM_VERSION,
} from '../../../migration/stream/constants.ts';
import { encodeFrame, encodePreamble, preambleCrc } from '../../../migration/stream/frame-codec.ts';
import { frameToWire, packHead } from '../../../migration/stream/head-codec.ts';
import type {
  Capability,
  ConfigurationFrame,
  DeviceDescriptor,
  Frame,
} from '../../../migration/stream/index.ts';
import { isStreamError, type StreamErrorReason, vfioIdstr } from '../../../migration/stream/index.ts';

export const HOST = 'src-host';

export function device(i: number, migrationVersion: string | null = `8086-193b-${i}`): DeviceDescriptor {
  return {
    uuid: `83b8f4f2-509f-382f-3c1e-e6bfe0fa${(0x1000 + i).toString(16)}`,
    mdevType: 'i915-GVTg_V5_4',
    migrationVersion,
    createParams: { aggregate: 1 + (i % 2) },
  };
}

/** Deterministic bytes: `n` bytes starting at `seed`. */
export function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (seed + i * 31) & 0xff;
  return out;
}

/**
 * A realistic stream (≈2 KiB): three devices, setup, two iterations (one ending in
 * DEV_INIT_DATA_SENT), stop-copy with several chunks, config state, EOF.
 */
export function realisticFrames(capabilities: readonly Capability[] = ['switchover-ack']): Frame[] {
  const devices = [device(1), device(2, null), device(3)];
  const ids = [7, 8, 9];
  const frames: Frame[] = [
    { kind: 'header', version: STREAM_VERSION },
    { kind: 'configuration', host: HOST, seed: 42, capabilities },
  ];
  const header = (i: number) => ({
    sectionId: ids[i] ?? 0,
    idstr: vfioIdstr(HOST, devices[i]?.uuid ?? ''),
    instanceId: 0,
    versionId: 1,
  });
  devices.forEach((d, i) => {
    const sectionId = ids[i] ?? 0;
    frames.push({ kind: 'section-start', ...header(i), device: d });
    frames.push({ kind: 'dev-setup-state', sectionId }, { kind: 'end-of-state', sectionId });
  });
  for (let round = 0; round < 2; round++) {
    ids.forEach((sectionId, i) => {
      frames.push({ kind: 'section-part', sectionId });
      frames.push({ kind: 'dev-data-state', sectionId, data: bytes(60 + i * 10, round * 7 + i) });
      const initDone = round === 1 && i === 0 && capabilities.includes('switchover-ack');
      frames.push({ kind: initDone ? 'dev-init-data-sent' : 'end-of-state', sectionId });
    });
  }
  ids.forEach((sectionId, i) => {
    frames.push({ kind: 'section-end', sectionId });
    for (let c = 0; c < 2; c++)
      frames.push({ kind: 'dev-data-state', sectionId, data: bytes(100 + c, i * 3 + c) });
    frames.push({ kind: 'end-of-state', sectionId });
  });
  ids.forEach((sectionId, i) => {
    frames.push({ kind: 'section-full', ...header(i) });
    frames.push({ kind: 'dev-config-state', sectionId, data: bytes(32, 0x40 + i) });
    frames.push({ kind: 'end-of-state', sectionId });
  });
  frames.push({ kind: 'eof' });
  return frames;
}

/**
 * Builds stream bytes with a correct crc chain but WITHOUT any field or order checks, so tests can
 * put well-framed nonsense in front of the decoder. Heads are objects (packed with msgpackr) or
 * raw msgpack bytes.
 */
export class RawStream {
  readonly #chunks: Uint8Array[] = [];
  #crc: number;
  #coverPayload = true;

  constructor(version = STREAM_VERSION) {
    const preamble = encodePreamble(version);
    this.#chunks.push(preamble);
    this.#crc = preambleCrc(preamble.subarray(0, PREAMBLE_SIZE));
  }

  /** Appends a typed frame (its head packed as the writer would, but unchecked). */
  frame(frame: Exclude<Frame, { kind: 'header' }>): this {
    const wire = frameToWire(frame);
    if (frame.kind === 'configuration')
      this.#coverPayload = !frame.capabilities.includes('unchecked-payload');
    return this.raw(wire.tag, packHead(wire.head), wire.payload);
  }

  frames(frames: readonly Frame[]): this {
    for (const f of frames) if (f.kind !== 'header') this.frame(f);
    return this;
  }

  /** Appends a frame from a head object. */
  head(tag: FrameTag, head: Record<string, unknown>, payload?: Uint8Array): this {
    return this.raw(tag, packHead(head), payload);
  }

  /** Appends a frame from raw head bytes. */
  raw(tag: number, head: Uint8Array, payload?: Uint8Array): this {
    const encoded = encodeFrame(tag as FrameTag, Buffer.from(head), payload, this.#crc, this.#coverPayload);
    this.#crc = encoded.crc;
    this.#chunks.push(...encoded.chunks.map((c) => Buffer.from(c)));
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

/** The configuration frame of the fixtures. */
export const CONFIG: ConfigurationFrame = {
  kind: 'configuration',
  host: HOST,
  seed: 42,
  capabilities: ['switchover-ack'],
};

/**
 * A frame list with payloads as base64 text, so `toEqual` compares content only (Buffer vs
 * Uint8Array does not matter) and stays fast on large payloads.
 */
export function plain(frames: readonly Frame[]): unknown[] {
  return frames.map((f) =>
    f.kind === 'dev-data-state' || f.kind === 'dev-config-state'
      ? { ...f, data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString('base64') }
      : f,
  );
}

/** Runs `fn`, expecting a StreamError with `reason`; returns it. Fails on any other outcome. */
export function expectStreamError(fn: () => unknown, reason: StreamErrorReason): Error & { offset: number } {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(isStreamError(caught), `expected a StreamError(${reason}), got ${String(caught)}`).toBe(true);
  const error = caught as Error & { reason: string; offset: number };
  expect(error.reason, error.message).toBe(reason);
  return error;
}

export { FRAME_TAG };
