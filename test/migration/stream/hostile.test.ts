import { describe, expect, it } from 'vitest';
import { decodeStream, type StreamErrorReason } from '../../../migration/stream/index.ts';
import { CONFIG, expectStreamError, FRAME_TAG, RawStream } from './fixtures.ts';

/** msgpack bytes for a str/key. */
function str(text: string): number[] {
  const b = [...Buffer.from(text, 'utf8')];
  if (b.length > 31) throw new Error('fixstr only');
  return [0xa0 | b.length, ...b];
}

/** A configuration head with `extra` spliced in as a fourth entry (raw msgpack bytes). */
function configWith(extra: number[]): Uint8Array {
  return Uint8Array.from([
    0x84,
    ...str('host'),
    ...str('src-host'),
    ...str('seed'),
    0x2a,
    ...str('capabilities'),
    0x90,
    ...extra,
  ]);
}

/** A stream whose configuration frame has these head bytes, with a correct crc. */
function streamWithConfigHead(head: Uint8Array): Buffer {
  return new RawStream().raw(FRAME_TAG.CONFIGURATION, head).bytes();
}

const cases: [name: string, head: Uint8Array, reason: StreamErrorReason][] = [
  [
    'a str32 declaring 4 GiB',
    configWith([...str('x'), 0xdb, 0xff, 0xff, 0xff, 0xff, 0x61]),
    'hostile-msgpack',
  ],
  ['a bin32 declaring 4 GiB', configWith([...str('x'), 0xc6, 0xff, 0xff, 0xff, 0xff]), 'hostile-msgpack'],
  [
    'an array32 declaring 4G elements',
    configWith([...str('x'), 0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0]),
    'hostile-msgpack',
  ],
  [
    'a map32 declaring 4G entries',
    Uint8Array.from([0xdf, 0xff, 0xff, 0xff, 0xff, ...str('host')]),
    'hostile-msgpack',
  ],
  ['a __proto__ key', configWith([...str('__proto__'), 0x81, ...str('polluted'), 0xc3]), 'hostile-msgpack'],
  [
    'a constructor key',
    configWith([...str('constructor'), 0x81, ...str('prototype'), 0xc3]),
    'hostile-msgpack',
  ],
  ['a fixext 1 (ext type 5)', configWith([...str('x'), 0xd4, 0x05, 0x01]), 'hostile-msgpack'],
  [
    'an ext 8 record definition (msgpackr 0x72)',
    configWith([...str('x'), 0xc7, 0x01, 0x72, 0x40]),
    'hostile-msgpack',
  ],
  [
    'a bigint extension (msgpackr 0x42)',
    configWith([...str('x'), 0xd5, 0x42, 0x01, 0x02]),
    'hostile-msgpack',
  ],
  ['a timestamp extension (-1)', configWith([...str('x'), 0xd6, 0xff, 0, 0, 0, 0]), 'hostile-msgpack'],
  ['the reserved byte 0xc1', configWith([...str('x'), 0xc1]), 'hostile-msgpack'],
  [
    '1000-deep nesting',
    configWith([...str('x'), ...new Array<number>(1000).fill(0x91), 0xc0]),
    'hostile-msgpack',
  ],
  ['invalid UTF-8', configWith([...str('x'), 0xa2, 0xc3, 0x28]), 'hostile-msgpack'],
  ['a duplicate key', configWith([...str('seed'), 0x01]), 'hostile-msgpack'],
  ['a non-string key', configWith([0x01, 0x02]), 'hostile-msgpack'],
  [
    'bytes after the head value',
    Uint8Array.from([...configWith([...str('x'), 0xc0]), 0xc0]),
    'hostile-msgpack',
  ],
  ['a truncated head', configWith([...str('x'), 0xa5, 0x61]), 'hostile-msgpack'],
  ['an empty head', new Uint8Array(0), 'hostile-msgpack'],
  ['a head that is an array', Uint8Array.from([0x91, 0xc0]), 'bad-field'],
  ['an extra (well-formed) field', configWith([...str('x'), 0xc0]), 'bad-field'],
];

describe('hostile msgpack heads (correct crc, so the head layer must refuse them)', () => {
  for (const [name, head, reason] of cases) {
    it(`refuses ${name} with ${reason}`, () => {
      const error = expectStreamError(() => decodeStream(streamWithConfigHead(head)), reason);
      expect(error.offset).toBe(12); // the configuration frame starts right after the preamble
    });
  }

  it('never pollutes Object.prototype', () => {
    const head = configWith([...str('__proto__'), 0x81, ...str('polluted'), 0xc3]);
    expectStreamError(() => decodeStream(streamWithConfigHead(head)), 'hostile-msgpack');
    expect((Object.prototype as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('accepts the same hand-built head without the hostile part (the crafting is right)', () => {
    const head = Uint8Array.from([
      0x83,
      ...str('host'),
      ...str('src-host'),
      ...str('seed'),
      0x2a,
      ...str('capabilities'),
      0x90,
    ]);
    const stream = new RawStream().raw(FRAME_TAG.CONFIGURATION, head).head(FRAME_TAG.EOF, {}).bytes();
    expect(decodeStream(stream).map((f) => f.kind)).toEqual(['header', 'configuration', 'eof']);
  });

  it('refuses hostile bytes in a section head too', () => {
    const start = Uint8Array.from([0x81, ...str('sectionId'), 0xdd, 0x7f, 0xff, 0xff, 0xff]);
    const stream = new RawStream().frame(CONFIG).raw(FRAME_TAG.SECTION_PART, start).bytes();
    expectStreamError(() => decodeStream(stream), 'hostile-msgpack');
  });
});
