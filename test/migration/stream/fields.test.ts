import { describe, expect, it } from 'vitest';
import { PREAMBLE_SIZE } from '../../../migration/stream/constants.ts';
import {
  decodeStream,
  encodeStream,
  type Frame,
  isStreamError,
  StreamDecoder,
  StreamError,
  type StreamErrorReason,
  StreamWriter,
} from '../../../migration/stream/index.ts';
import {
  CONFIG,
  device,
  expectStreamError,
  FRAME_TAG,
  HOST,
  RawStream,
  realisticFrames,
} from './fixtures.ts';

const START = {
  sectionId: 1,
  idstr: `${HOST}/${device(1).uuid}/vfio`,
  instanceId: 0,
  versionId: 1,
  device: {
    uuid: device(1).uuid,
    mdevType: 'i915-GVTg_V5_4',
    migrationVersion: 'v1',
    createParams: { aggregate: 1 },
  },
};

/** A stream whose frame after the configuration has this tag/head/payload (correct crc). */
function streamWith(tag: number, head: Record<string, unknown>, payload?: Uint8Array): Buffer {
  return new RawStream()
    .frame(CONFIG)
    .head(tag as 0, head, payload)
    .bytes();
}

describe('header checks (qemu.md §3.3)', () => {
  const good = encodeStream(realisticFrames());

  it('refuses a wrong magic: "Not a migration stream" at offset 0', () => {
    const bad = Buffer.from(good);
    bad.write('QEVM', 0, 'latin1');
    const error = expectStreamError(() => decodeStream(bad), 'bad-magic');
    expect(error.offset).toBe(0);
    expect(error.message).toMatch(
      /^migration stream, offset 0: bad-magic: Not a migration stream, magic 0x5145564d/,
    );
  });

  it('refuses a wrong magic as soon as the first differing byte arrives', () => {
    const decoder = new StreamDecoder();
    decoder.push(good.subarray(0, 2));
    expectStreamError(() => decoder.push(Uint8Array.of(0)), 'bad-magic');
  });

  it('refuses another version: "Unsupported migration stream version" at offset 8', () => {
    const bad = Buffer.from(good);
    bad.writeUInt32BE(2, 8);
    const error = expectStreamError(() => decodeStream(bad), 'unsupported-version');
    expect(error.offset).toBe(8);
    expect(error.message).toMatch(/Unsupported migration stream version 2/);
    expectStreamError(
      () => new StreamWriter(() => {}).write({ kind: 'header', version: 2 }),
      'unsupported-version',
    );
  });

  it('refuses a newer section version: "savevm: unsupported version"', () => {
    const error = expectStreamError(
      () => decodeStream(streamWith(FRAME_TAG.SECTION_START, { ...START, versionId: 2 })),
      'unsupported-version',
    );
    expect(error.message).toMatch(/savevm: unsupported version 2 for 'src-host\/.*\/vfio' v1/);
  });
});

describe('framing checks', () => {
  it('refuses an unknown frame tag ("Unknown savevm section type")', () => {
    const error = expectStreamError(() => decodeStream(streamWith(0x05, {})), 'unknown-frame');
    expect(error.message).toMatch(/Unknown savevm section type 5/);
    expect(error.offset).toBe(new RawStream().frame(CONFIG).bytes().length);
  });

  it('refuses an unknown VFIO marker ("Unknown tag"), e.g. DEV_CONFIG_LOAD_READY', () => {
    const stream = new RawStream()
      .frame(CONFIG)
      .head(FRAME_TAG.SECTION_START, START)
      .head(FRAME_TAG.VFIO_MARKER, { marker: 0xffffffffef100006n, sectionId: 1 })
      .bytes();
    const error = expectStreamError(() => decodeStream(stream), 'unknown-marker');
    expect(error.message).toMatch(/Unknown tag 0xffffffffef100006/);
  });

  it('refuses a payload on a frame that carries none', () => {
    expectStreamError(
      () => decodeStream(streamWith(FRAME_TAG.SECTION_PART, { sectionId: 1 }, Uint8Array.of(1))),
      'bad-field',
    );
    expectStreamError(
      () =>
        decodeStream(
          streamWith(FRAME_TAG.VFIO_MARKER, { marker: 0xffffffffef100003n, sectionId: 1 }, Uint8Array.of(1)),
        ),
      'bad-field',
    );
  });

  it('refuses a head length beyond the body length', () => {
    const prefix = Buffer.alloc(13);
    prefix.writeUInt32BE(0, 0);
    prefix[4] = FRAME_TAG.EOF;
    prefix.writeUInt32BE(1, 5);
    const stream = Buffer.concat([new RawStream().frame(CONFIG).bytes(), prefix]);
    expectStreamError(() => decodeStream(stream), 'bad-field');
  });

  it('refuses a crc mismatch, naming the frame offset', () => {
    const frames = realisticFrames();
    const bad = encodeStream(frames);
    const last = bad.length - 1; // the EOF frame's crc
    bad[last] = (bad[last] ?? 0) ^ 1;
    const error = expectStreamError(() => decodeStream(bad), 'crc-mismatch');
    expect(error.offset).toBe(encodeStream(frames.slice(0, -1)).length); // where the EOF frame starts
  });
});

const fieldCases: [name: string, tag: number, head: Record<string, unknown>, reason: StreamErrorReason][] = [
  ['seed as a string', FRAME_TAG.CONFIGURATION, { host: HOST, seed: '42', capabilities: [] }, 'bad-field'],
  ['seed negative', FRAME_TAG.CONFIGURATION, { host: HOST, seed: -1, capabilities: [] }, 'bad-field'],
  ['seed a float', FRAME_TAG.CONFIGURATION, { host: HOST, seed: 1.5, capabilities: [] }, 'bad-field'],
  ['seed beyond u32', FRAME_TAG.CONFIGURATION, { host: HOST, seed: 2 ** 32, capabilities: [] }, 'bad-field'],
  ['a missing field', FRAME_TAG.CONFIGURATION, { host: HOST, seed: 1 }, 'bad-field'],
  ['an extra field', FRAME_TAG.CONFIGURATION, { host: HOST, seed: 1, capabilities: [], x: 1 }, 'bad-field'],
  ['an empty host', FRAME_TAG.CONFIGURATION, { host: '', seed: 1, capabilities: [] }, 'bad-field'],
  ['a host with /', FRAME_TAG.CONFIGURATION, { host: 'a/b', seed: 1, capabilities: [] }, 'bad-field'],
  ['a host with a newline', FRAME_TAG.CONFIGURATION, { host: 'a\n', seed: 1, capabilities: [] }, 'bad-field'],
  [
    'a 300-byte host',
    FRAME_TAG.CONFIGURATION,
    { host: 'h'.repeat(300), seed: 1, capabilities: [] },
    'bad-field',
  ],
  [
    'capabilities not an array',
    FRAME_TAG.CONFIGURATION,
    { host: HOST, seed: 1, capabilities: 'x' },
    'bad-field',
  ],
  [
    'a capability twice',
    FRAME_TAG.CONFIGURATION,
    { host: HOST, seed: 1, capabilities: ['switchover-ack', 'switchover-ack'] },
    'bad-field',
  ],
  [
    'an unknown capability',
    FRAME_TAG.CONFIGURATION,
    { host: HOST, seed: 1, capabilities: ['mapped-ram'] },
    'unknown-capability',
  ],
];

describe('configuration field checks', () => {
  for (const [name, tag, head, reason] of fieldCases) {
    it(`refuses ${name} with ${reason}`, () => {
      const stream = new RawStream().head(tag as 0, head).bytes();
      expectStreamError(() => decodeStream(stream), reason);
    });
  }
});

const startCases: [name: string, patch: (s: typeof START) => unknown][] = [
  ['sectionId negative', (s) => ({ ...s, sectionId: -1 })],
  ['instanceId a string', (s) => ({ ...s, instanceId: '0' })],
  ['versionId 0', (s) => ({ ...s, versionId: 0 })],
  ['idstr too long', (s) => ({ ...s, idstr: 'x'.repeat(256) })],
  ['no device', ({ device: _, ...rest }) => rest],
  ['an upper-case uuid', (s) => ({ ...s, device: { ...s.device, uuid: s.device.uuid.toUpperCase() } })],
  ['a bad uuid', (s) => ({ ...s, device: { ...s.device, uuid: 'not-a-uuid' } })],
  ['migrationVersion a number', (s) => ({ ...s, device: { ...s.device, migrationVersion: 1 } })],
  [
    'migrationVersion over 4096 bytes',
    (s) => ({ ...s, device: { ...s.device, migrationVersion: 'v'.repeat(4097) } }),
  ],
  ['aggregate 0', (s) => ({ ...s, device: { ...s.device, createParams: { aggregate: 0 } } })],
  [
    'extra create parameter',
    (s) => ({ ...s, device: { ...s.device, createParams: { aggregate: 1, fps: 30 } } }),
  ],
  ['mdevType with /', (s) => ({ ...s, device: { ...s.device, mdevType: 'a/b' } })],
];

describe('section and marker field checks', () => {
  for (const [name, patch] of startCases) {
    it(`refuses a START with ${name}`, () => {
      const stream = streamWith(FRAME_TAG.SECTION_START, patch(START) as Record<string, unknown>);
      expectStreamError(() => decodeStream(stream), 'bad-field');
    });
  }

  it('accepts the unpatched START (the cases above fail for their own reason)', () => {
    const stream = new RawStream()
      .frame(CONFIG)
      .head(FRAME_TAG.SECTION_START, START)
      .head(FRAME_TAG.VFIO_MARKER, { marker: 0xffffffffef100003n, sectionId: 1 })
      .bytes();
    const decoder = new StreamDecoder();
    expect(decoder.push(stream).map((f) => f.kind)).toEqual([
      'header',
      'configuration',
      'section-start',
      'dev-setup-state',
    ]);
  });

  it('refuses a marker that is a plain number, and a size that disagrees with the payload', () => {
    expectStreamError(
      () => decodeStream(streamWith(FRAME_TAG.VFIO_MARKER, { marker: 0xef100001, sectionId: 1 })),
      'bad-field',
    );
    const marker = { marker: 0xffffffffef100004n, sectionId: 1, size: 3 };
    expectStreamError(
      () => decodeStream(streamWith(FRAME_TAG.VFIO_MARKER, marker, Uint8Array.of(1, 2))),
      'bad-field',
    );
  });

  it('makes the writer refuse what the decoder would refuse, before emitting anything', () => {
    const chunks: Uint8Array[] = [];
    const writer = new StreamWriter((c) => chunks.push(c));
    writer.write({ kind: 'header', version: 1 });
    const bad: Frame = { kind: 'configuration', host: 'a/b', seed: 1, capabilities: [] };
    expectStreamError(() => writer.write(bad), 'bad-field');
    expect(chunks.length).toBe(1);
    expect(writer.bytesWritten).toBe(PREAMBLE_SIZE);
  });
});

describe('StreamError', () => {
  it('has a literal name, a reason, an offset and a message naming both', () => {
    const error = new StreamError('truncated', 17, 'input ended');
    expect(error.name).toBe('StreamError');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('migration stream, offset 17: truncated: input ended');
    expect(isStreamError(error)).toBe(true);
    expect(isStreamError(new Error('x'))).toBe(false);
    const lookalike = Object.assign(new Error('x'), { name: 'StreamError', reason: 'truncated', offset: 1 });
    expect(isStreamError(lookalike)).toBe(true);
  });
});
