import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { MigrationResult } from '../../../migration/orchestrator/result.ts';
import { FRAME_OVERHEAD, PREAMBLE_SIZE, STREAM_VERSION } from '../../../migration/stream/constants.ts';
import { decodeStream } from '../../../migration/stream/decoder.ts';
import type { Frame } from '../../../migration/stream/frame.ts';
import { encodeFrame, encodePreamble, preambleCrc } from '../../../migration/stream/frame-codec.ts';
import { frameToWire, packHead } from '../../../migration/stream/head-codec.ts';
import { isStreamError, STREAM_ERROR_REASONS } from '../../../migration/stream/stream-error.ts';
import {
  type Baseline,
  baseline,
  digestOf,
  expectRolledBack,
  gpuPair,
  mttyPair,
  type Pair,
  type Recording,
  record,
  replay,
  run,
  truncateAt,
} from '../orchestrator/helpers.ts';

/*
 * Replays damaged copies of real recorded streams into live migrations through the `wire` tap:
 * the live stream is swapped for the damaged one on its way to the target's decoder. Whatever
 * the damage, migrate() must return (never throw), the failure must be one of the typed ones the
 * loader and the target produce, and the source must keep its state, RUNNING (DESIGN.md
 * principle 7; qemu.md §3.3 loader checks; kernel.md §5.2 mtty resume checks).
 */

const STREAM_REASON = new RegExp(
  `^stream: migration stream, offset \\d+: (${STREAM_ERROR_REASONS.join('|')}): `,
);

/** Every abort reason the orchestrator's target side can give (migration/orchestrator). */
const TYPED_REASONS: readonly RegExp[] = [
  STREAM_REASON,
  /^target data fd write: E[A-Z]+( \(.*\))?$/,
  /^target SET [A-Z_0-9]+ failed: E[A-Z]+/,
  /^target accepted \d+ of \d+ bytes$/,
  /^stream carries /,
  /^section -?\d+ is not the device's section -?\d+$/,
  /^config state mismatch: /,
  /^target driver refused the source version at (pre|stop)-copy: E[A-Z]+$/,
  /^no migration version to validate at /,
  /^device data before the target entered RESUMING$/,
  /^target did not see the end of the stream$/,
  // The simulator's own oracle: a load every check let through but that holds other state.
  /^target state digest [0-9a-f]{64} differs from the source's [0-9a-f]{64}$/,
];

/** Start offsets of the frames of a stream (after the preamble), and its end. */
function frameOffsets(stream: Buffer): number[] {
  const out: number[] = [];
  for (let at = PREAMBLE_SIZE; at < stream.length; at += FRAME_OVERHEAD + stream.readUInt32BE(at))
    out.push(at);
  out.push(stream.length);
  return out;
}

/**
 * One device under fuzz: a reference recording (from a world of its own) and a live world the
 * damaged replays run in. Every replay must leave that world as it found it, so it is reused
 * from run to run, which also checks that nothing leaks across many rollbacks; a replay that
 * completes (a mutation that undid itself) moves the instance away and gets a fresh world.
 */
class Subject {
  readonly name: string;
  readonly make: () => Promise<Pair>;
  #recording: Recording | undefined;
  #pair: Pair | undefined;
  #baseline: Baseline | undefined;

  constructor(name: string, make: () => Promise<Pair>) {
    this.name = name;
    this.make = make;
  }

  get recording(): Recording {
    if (this.#recording === undefined) throw new Error('not recorded');
    return this.#recording;
  }

  async setup(): Promise<void> {
    this.#recording = await record(await this.make());
    expect(this.#recording.result.outcome).toBe('completed');
    // Replaying the stream unchanged is the same migration: the replay tap is faithful.
    const { stream } = this.#recording;
    const again = await run(await this.make(), { wire: replay(stream, stream.length) });
    expect(again.result).toEqual(this.#recording.result);
    await this.renew();
  }

  async renew(): Promise<void> {
    this.#pair = await this.make();
    this.#baseline = baseline(this.#pair);
  }

  /** Migrates in the live world through `wire`; checks the rollback or renews after a completion. */
  async replay(wire: (chunk: Uint8Array, offset: number) => Uint8Array): Promise<MigrationResult> {
    const p = this.#pair;
    const b = this.#baseline;
    if (p === undefined || b === undefined) throw new Error('not set up');
    const { result } = await run(p, { wire });
    if (result.outcome === 'completed') {
      expect(result.targetDigest).toBe(result.sourceDigest.atStop);
      expect(digestOf(p.dst, p.uuid)).toBe(result.targetDigest);
      await this.renew();
    } else {
      expect(
        TYPED_REASONS.some((r) => r.test(result.reason)),
        result.reason,
      ).toBe(true);
      expectRolledBack(p, b, result);
    }
    return result;
  }
}

const MTTY = new Subject('mtty-2', () => mttyPair('mtty-2'));
/** No dirtying: the source's stream does not depend on how fast the target answers. */
const GPU = new Subject('gvtg 1 MiB', () => gpuPair('gvtg', { framebufferMiB: 1, dirtyRateMiBps: 0 }));

beforeAll(async () => {
  await MTTY.setup();
  await GPU.setup();
});

describe('fuzz: truncated streams (qemu.md §3.3: input ending before EOF)', () => {
  test('mtty-2: truncation at every offset -> aborted "truncated" at exactly that offset, source intact', async () => {
    const { stream } = MTTY.recording;
    expect(stream.length).toBeGreaterThan(500);
    for (let at = 0; at < stream.length; at++) {
      const result = await MTTY.replay(truncateAt(at));
      expect(
        result.reason.startsWith(`stream: migration stream, offset ${at}: truncated: input ended `),
      ).toBe(true);
    }
  });

  test('gvtg 1 MiB: truncation at every frame boundary, one byte before it (the crc cut) and at the first head byte', async () => {
    const { stream } = GPU.recording;
    const offsets = frameOffsets(stream);
    expect(offsets.at(-1)).toBe(stream.length);
    const cuts = new Set<number>([0, 1, PREAMBLE_SIZE - 1]);
    for (const at of offsets) for (const d of [-1, 0, 9]) cuts.add(at + d);
    const sorted = [...cuts].filter((c) => c >= 0 && c < stream.length).sort((a, b) => a - b);
    expect(sorted.length).toBeGreaterThan(30);
    for (const at of sorted) {
      const result = await GPU.replay(truncateAt(at));
      expect(result.reason.startsWith(`stream: migration stream, offset ${at}: truncated: `)).toBe(true);
    }
  });
});

type Mutation =
  | { readonly op: 'flip'; readonly at: number; readonly mask: number }
  | { readonly op: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly op: 'delete'; readonly at: number; readonly count: number }
  | { readonly op: 'swap-chunks'; readonly a: number; readonly b: number }
  | { readonly op: 'drop-chunk'; readonly index: number };

/**
 * Mutations of a recorded stream: byte flips, insertions and deletions (half of them aimed at the
 * frame structure around the boundaries, where a GPU stream's few bytes of framing hide among
 * megabytes of payload), and reorderings / losses of whole writer chunks.
 */
function mutations(r: Recording): fc.Arbitrary<Mutation[]> {
  const length = r.stream.length;
  const boundaries = frameOffsets(r.stream);
  const anywhere = fc.integer({ min: 0, max: length - 1 });
  const structural = fc
    .tuple(fc.constantFrom(...boundaries), fc.integer({ min: -4, max: 24 }))
    .map(([b, d]) => Math.min(length - 1, Math.max(0, b + d)));
  const at = fc.oneof(anywhere, structural);
  const chunk = fc.integer({ min: 0, max: r.chunks.length - 1 });
  const one: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ op: fc.constant('flip' as const), at, mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({
      op: fc.constant('insert' as const),
      at,
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    }),
    fc.record({ op: fc.constant('delete' as const), at, count: fc.integer({ min: 1, max: 16 }) }),
    fc.record({ op: fc.constant('swap-chunks' as const), a: chunk, b: chunk }),
    fc.record({ op: fc.constant('drop-chunk' as const), index: chunk }),
  );
  return fc.array(one, { minLength: 1, maxLength: 3 });
}

function apply(r: Recording, list: readonly Mutation[]): Buffer {
  let chunks: Buffer[] = [...r.chunks];
  // Chunk-level mutations first, on the writer's own segmentation.
  for (const m of list) {
    if (m.op === 'swap-chunks') {
      const a = chunks[m.a];
      const b = chunks[m.b];
      if (a !== undefined && b !== undefined) chunks = chunks.with(m.a, b).with(m.b, a);
    } else if (m.op === 'drop-chunk') {
      chunks = chunks.toSpliced(m.index, 1);
    }
  }
  let out = Buffer.concat(chunks);
  for (const m of list) {
    if (m.op === 'flip') {
      const at = Math.min(m.at, out.length - 1);
      if (at >= 0) out[at] = (out[at] ?? 0) ^ m.mask;
    } else if (m.op === 'insert') {
      const at = Math.min(m.at, out.length);
      out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
    } else if (m.op === 'delete') {
      const at = Math.min(m.at, out.length);
      out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.count)]);
    }
  }
  return out;
}

describe('fuzz: mutated streams replayed into live migrations (qemu.md §3.3, kernel.md §5.2)', () => {
  for (const [s, numRuns] of [
    [MTTY, 300],
    [GPU, 40],
  ] as const) {
    test(`${s.name}: flips, insertions, deletions, chunk swaps and losses -> a typed abort or the identical migration; the source keeps its state`, async () => {
      const r = s.recording;
      await fc.assert(
        fc.asyncProperty(mutations(r), async (list) => {
          const mutated = apply(r, list);
          const result = await s.replay(replay(mutated, r.stream.length));
          // Only a mutation that undid itself (a chunk swapped with itself) may complete.
          if (result.outcome === 'completed') expect(mutated.equals(r.stream)).toBe(true);
        }),
        { numRuns, seed: 0x6d646576 },
      );
    });

    test(`${s.name}: the same mutated streams straight into the decoder -> frames or StreamError, nothing else`, () => {
      const r = s.recording;
      fc.assert(
        fc.property(mutations(r), (list) => {
          const mutated = apply(r, list);
          try {
            decodeStream(mutated);
          } catch (error) {
            expect(isStreamError(error)).toBe(true);
            return;
          }
          expect(mutated.equals(r.stream)).toBe(true);
        }),
        { numRuns: numRuns * 2, seed: 0x6d646577 },
      );
    });
  }
});

/*
 * Frame-level damage with the crc chain made valid again: what a buggy or hostile source (not a
 * noisy wire) could send. It gets past the crc and reaches the frame-order checks, the target
 * loader's section and version checks, and the device's own stream parsing (mtty's header and
 * size checks, the GPU chunk format).
 */
type FrameMutation =
  | { readonly op: 'drop'; readonly i: number }
  | { readonly op: 'duplicate'; readonly i: number }
  | { readonly op: 'swap'; readonly i: number; readonly j: number }
  | { readonly op: 'flip-data'; readonly i: number; readonly at: number; readonly mask: number }
  | { readonly op: 'cut-data'; readonly i: number; readonly keep: number }
  | { readonly op: 'section-id'; readonly i: number; readonly id: number }
  | {
      readonly op: 'device';
      readonly field: 'mdevType' | 'migrationVersion' | 'aggregate';
      readonly value: number;
    };

function frameMutations(count: number): fc.Arbitrary<FrameMutation[]> {
  // Frame 0 is the header (the preamble); every other frame may be hit.
  const i = fc.integer({ min: 1, max: count - 1 });
  const one: fc.Arbitrary<FrameMutation> = fc.oneof(
    fc.record({ op: fc.constant('drop' as const), i }),
    fc.record({ op: fc.constant('duplicate' as const), i }),
    fc.record({ op: fc.constant('swap' as const), i, j: i }),
    fc.record({
      op: fc.constant('flip-data' as const),
      i,
      at: fc.nat(),
      mask: fc.integer({ min: 1, max: 255 }),
    }),
    fc.record({ op: fc.constant('cut-data' as const), i, keep: fc.nat() }),
    fc.record({ op: fc.constant('section-id' as const), i, id: fc.integer({ min: 0, max: 3 }) }),
    fc.record({
      op: fc.constant('device' as const),
      field: fc.constantFrom('mdevType' as const, 'migrationVersion' as const, 'aggregate' as const),
      value: fc.integer({ min: 0, max: 3 }),
    }),
  );
  return fc.array(one, { minLength: 1, maxLength: 3 });
}

function applyFrames(frames: readonly Frame[], list: readonly FrameMutation[]): Frame[] {
  let out = [...frames];
  for (const m of list) {
    if (m.op === 'drop') out = out.toSpliced(Math.min(m.i, out.length - 1), 1);
    else if (m.op === 'duplicate') {
      const f = out[m.i];
      if (f !== undefined) out = out.toSpliced(m.i, 0, f);
    } else if (m.op === 'swap') {
      const a = out[m.i];
      const b = out[m.j];
      if (a !== undefined && b !== undefined) out = out.with(m.i, b).with(m.j, a);
    } else if (m.op === 'flip-data' || m.op === 'cut-data') {
      const f = out[m.i];
      if (
        f === undefined ||
        (f.kind !== 'dev-data-state' && f.kind !== 'dev-config-state') ||
        f.data.length === 0
      )
        continue;
      let data = Uint8Array.from(f.data);
      if (m.op === 'flip-data') {
        const at = m.at % data.length;
        data[at] = (data[at] ?? 0) ^ m.mask;
      } else data = data.subarray(0, m.keep % data.length);
      out = out.with(m.i, { ...f, data });
    } else if (m.op === 'section-id') {
      const f = out[m.i];
      if (f !== undefined && 'sectionId' in f) out = out.with(m.i, { ...f, sectionId: m.id });
    } else {
      const at = out.findIndex((f) => f.kind === 'section-start');
      const f = out[at];
      if (f?.kind !== 'section-start') continue;
      const d = f.device;
      const device =
        m.field === 'mdevType'
          ? { ...d, mdevType: ['mtty-1', 'mtty-2', 'i915-GVTg_V5_8', 'nvidia-155'][m.value] ?? d.mdevType }
          : m.field === 'migrationVersion'
            ? { ...d, migrationVersion: [null, '', 'x', `${d.migrationVersion ?? ''}\n`][m.value] ?? null }
            : { ...d, createParams: { aggregate: m.value + 1 } };
      out = out.with(at, { ...f, device });
    }
  }
  return out;
}

/** Encodes frames in any order with a valid crc chain (the writer would refuse a bad order). */
function encodeUnchecked(frames: readonly Frame[]): Buffer {
  const preamble = encodePreamble(STREAM_VERSION);
  const parts: Uint8Array[] = [];
  let crc = 0;
  for (const f of frames) {
    if (f.kind === 'header') {
      parts.push(preamble);
      crc = preambleCrc(preamble);
      continue;
    }
    const wire = frameToWire(f);
    const encoded = encodeFrame(wire.tag, packHead(wire.head), wire.payload, crc, true);
    crc = encoded.crc;
    parts.push(...encoded.chunks);
  }
  return Buffer.concat(parts);
}

describe('fuzz: frames damaged behind a valid crc (qemu.md §3.3 order and section checks, kernel.md §5.2)', () => {
  for (const [s, numRuns] of [
    [MTTY, 200],
    [GPU, 40],
  ] as const) {
    test(`${s.name}: dropped, duplicated, swapped, altered frames -> a typed abort, or a completed migration with the exact state`, async () => {
      const r = s.recording;
      const frames = decodeStream(r.stream);
      expect(encodeUnchecked(frames).equals(r.stream)).toBe(true);
      await fc.assert(
        fc.asyncProperty(frameMutations(frames.length), async (list) => {
          const mutated = encodeUnchecked(applyFrames(frames, list));
          await s.replay(replay(mutated, r.stream.length));
        }),
        { numRuns, seed: 0x6d646578 },
      );
    });
  }
});
