import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeStream,
  encodeStream,
  type Frame,
  isStreamError,
  StreamDecoder,
  StreamError,
} from '../../../migration/stream/index.ts';
import { split, splitPoints } from './arbitraries.ts';
import { realisticFrames } from './fixtures.ts';

type Mutation =
  | { op: 'flip'; at: number; mask: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; count: number };

function mutation(length: number): fc.Arbitrary<Mutation[]> {
  const at = fc.integer({ min: 0, max: length - 1 });
  const one: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ op: fc.constant('flip' as const), at, mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({
      op: fc.constant('insert' as const),
      at: fc.integer({ min: 0, max: length }),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    }),
    fc.record({ op: fc.constant('delete' as const), at, count: fc.integer({ min: 1, max: 16 }) }),
  );
  return fc.array(one, { minLength: 1, maxLength: 4 });
}

function apply(bytes: Buffer, mutations: readonly Mutation[]): Buffer {
  let out = Buffer.from(bytes);
  for (const m of mutations) {
    const at = Math.min(m.at, out.length);
    if (m.op === 'flip' && at < out.length) {
      out[at] = (out[at] ?? 0) ^ m.mask;
    } else if (m.op === 'insert') {
      out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
    } else if (m.op === 'delete') {
      out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.count)]);
    }
  }
  return out;
}

/** Only StreamError may escape; a successful decode must be of the unmutated bytes. */
function checkOutcome(original: Buffer, mutated: Buffer, decode: () => Frame[]): void {
  let frames: Frame[] | undefined;
  try {
    frames = decode();
  } catch (error) {
    expect(error).toBeInstanceOf(StreamError);
    expect(isStreamError(error)).toBe(true);
    return;
  }
  // Every byte is covered by the chained crc or checked exactly, so a mutation that decodes
  // must have left the bytes as they were (e.g. a flip undone by a later flip).
  expect(mutated.equals(original)).toBe(true);
  expect(frames.at(-1)?.kind).toBe('eof');
}

describe('random mutations of a real stream', () => {
  const original = encodeStream(realisticFrames());

  it('give a StreamError, never another exception or wrong frames (whole buffer)', () => {
    fc.assert(
      fc.property(mutation(original.length), (mutations) => {
        const mutated = apply(original, mutations);
        checkOutcome(original, mutated, () => decodeStream(mutated));
      }),
      { numRuns: 2000 },
    );
  });

  it('give a StreamError when fed incrementally at random split points', () => {
    fc.assert(
      fc.property(
        mutation(original.length).chain((mutations) => {
          const mutated = apply(original, mutations);
          return fc.tuple(fc.constant(mutated), splitPoints(mutated.length));
        }),
        ([mutated, points]) => {
          checkOutcome(original, mutated, () => {
            const decoder = new StreamDecoder();
            const out: Frame[] = [];
            for (const piece of split(mutated, points)) out.push(...decoder.push(piece));
            decoder.finish();
            return out;
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('catch every single-byte flip at every offset', () => {
    for (let at = 0; at < original.length; at++) {
      const mutated = Buffer.from(original);
      mutated[at] = (mutated[at] ?? 0) ^ 0x10;
      checkOutcome(original, mutated, () => decodeStream(mutated));
    }
  });

  it('catch a whole frame dropped, repeated or swapped (the crc is chained)', () => {
    const frames = realisticFrames();
    const sizes = frames.map((_, i) => encodeStream(frames.slice(0, i + 1)).length);
    const bounds = (i: number): [number, number] => [sizes[i - 1] ?? 0, sizes[i] ?? 0];
    // A data frame in the middle of the END section of the first device.
    const index = frames.findIndex(
      (f, i) => f.kind === 'dev-data-state' && frames[i - 1]?.kind === 'section-end',
    );
    const [from, to] = bounds(index);
    const [nextFrom, nextTo] = bounds(index + 1);
    const frame = original.subarray(from, to);
    const dropped = Buffer.concat([original.subarray(0, from), original.subarray(to)]);
    const repeated = Buffer.concat([original.subarray(0, to), frame, original.subarray(to)]);
    const swapped = Buffer.concat([
      original.subarray(0, from),
      original.subarray(nextFrom, nextTo),
      frame,
      original.subarray(nextTo),
    ]);
    for (const mutated of [dropped, repeated, swapped]) {
      checkOutcome(original, mutated, () => decodeStream(mutated));
      expect(() => decodeStream(mutated)).toThrow(/crc-mismatch/);
    }
  });
});
