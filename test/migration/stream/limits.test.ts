import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_FRAME_SIZE,
  FRAME_OVERHEAD,
  MAX_HEAD_SIZE,
} from '../../../migration/stream/constants.ts';
import {
  decodeStream,
  encodeStream,
  MIN_MAX_FRAME_SIZE,
  StreamDecoder,
  StreamWriter,
} from '../../../migration/stream/index.ts';
import { CONFIG, expectStreamError, FRAME_TAG, RawStream, realisticFrames } from './fixtures.ts';

/** Header + configuration: the point where the first section frame would start. */
const prologue = new RawStream().frame(CONFIG).bytes();

describe('frame size bound', () => {
  it('refuses a 4 GiB length prefix in a 10-byte chunk at once, without allocating it', () => {
    const decoder = new StreamDecoder();
    expect(decoder.push(prologue).map((f) => f.kind)).toEqual(['header', 'configuration']);
    const hostile = Uint8Array.from([0xff, 0xff, 0xff, 0xff, FRAME_TAG.SECTION_START, 0, 0, 0, 0x10, 0]);
    const before = process.memoryUsage().arrayBuffers;
    const error = expectStreamError(() => decoder.push(hostile), 'frame-too-large');
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(error.offset).toBe(prologue.length);
    expect(error.message).toMatch(/4294967308 bytes exceeds the 16777216-byte limit/);
    expect(grown).toBeLessThan(1024 * 1024);
  });

  it('needs only the 4 length bytes to refuse', () => {
    const decoder = new StreamDecoder();
    decoder.push(prologue);
    expectStreamError(() => decoder.push(Uint8Array.from([0x7f, 0xff, 0xff, 0xff])), 'frame-too-large');
  });

  it('refuses the same as a whole buffer, even though the input is tiny', () => {
    const input = Buffer.concat([prologue, Uint8Array.from([0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0, 0])]);
    expectStreamError(() => decodeStream(input), 'frame-too-large');
  });

  it('accepts a frame exactly at maxFrameSize and refuses one byte more (decoder and writer)', () => {
    const maxFrameSize = 64 * 1024;
    const frames = realisticFrames().slice(0, 5); // header, config, START+setup of one device
    // The data frame's overhead (prefix, head, crc) for a payload size with a 16-bit size field.
    const probe = encodeStream([...frames, { kind: 'section-part', sectionId: 7 }]).length;
    const withData = (n: number) =>
      encodeStream([
        ...frames,
        { kind: 'section-part', sectionId: 7 },
        { kind: 'dev-data-state', sectionId: 7, data: new Uint8Array(n) },
      ]).length - probe;
    const overhead = withData(0xffff) - 0xffff;
    const fits = maxFrameSize - overhead;
    const stream = (n: number) =>
      new RawStream()
        .frames(frames)
        .frame({ kind: 'section-part', sectionId: 7 })
        .frame({ kind: 'dev-data-state', sectionId: 7, data: new Uint8Array(n) })
        .bytes();
    const atLimit = new StreamDecoder({ maxFrameSize });
    expect(atLimit.push(stream(fits)).at(-1)?.kind).toBe('dev-data-state');
    expectStreamError(() => new StreamDecoder({ maxFrameSize }).push(stream(fits + 1)), 'frame-too-large');

    const writer = new StreamWriter(() => {}, { maxFrameSize });
    for (const f of [...frames, { kind: 'section-part', sectionId: 7 } as const]) writer.write(f);
    expectStreamError(
      () => writer.write({ kind: 'dev-data-state', sectionId: 7, data: new Uint8Array(fits + 1) }),
      'frame-too-large',
    );
    writer.write({ kind: 'dev-data-state', sectionId: 7, data: new Uint8Array(fits) }); // still usable
  });

  it('refuses a head longer than the head bound before reading it', () => {
    const prefix = Buffer.alloc(9);
    prefix.writeUInt32BE(MAX_HEAD_SIZE + 1, 0);
    prefix[4] = FRAME_TAG.SECTION_PART;
    prefix.writeUInt32BE(MAX_HEAD_SIZE + 1, 5);
    const decoder = new StreamDecoder();
    decoder.push(prologue);
    expectStreamError(() => decoder.push(prefix), 'frame-too-large');
  });

  it('rejects bad options with a RangeError (a programming error, not input)', () => {
    expect(() => new StreamDecoder({ maxFrameSize: MIN_MAX_FRAME_SIZE - 1 })).toThrow(RangeError);
    expect(() => new StreamDecoder({ maxFrameSize: 2 ** 31 })).toThrow(RangeError);
    expect(() => new StreamWriter(() => {}, { maxFrameSize: 1.5 * MIN_MAX_FRAME_SIZE + 0.5 })).toThrow(
      RangeError,
    );
    expect(new StreamDecoder().bytesConsumed).toBe(0);
    expect(DEFAULT_MAX_FRAME_SIZE).toBeGreaterThan(FRAME_OVERHEAD + 1024 * 1024);
  });
});
