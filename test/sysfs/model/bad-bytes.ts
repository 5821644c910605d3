import fc from 'fast-check';
import { UUID_POOL } from './world-model.ts';

const enc = (s: string): Uint8Array => Buffer.from(s, 'latin1');

const uuid = fc.constantFrom(...UUID_POOL);

/** Whitespace and case variants of a UUID and its neighbours in length (35/36/37/38 bytes). */
const uuidVariants = fc
  .tuple(
    uuid,
    fc.constantFrom('lower', 'upper', 'mixed'),
    fc.constantFrom('', ' ', '\t', '\n', '\0'),
    fc.constantFrom('', '\n', '\n\n', ' ', '\0', '\0x', 'x', '\r\n', ' \n'),
    fc.constantFrom('whole', 'drop-last', 'drop-first', 'no-hyphens'),
  )
  .map(([u, letterCase, prefix, suffix, cut]) => {
    let s =
      letterCase === 'upper'
        ? u.toUpperCase()
        : letterCase === 'mixed'
          ? u.replace(/[a-f]/, (c) => c.toUpperCase())
          : u;
    if (cut === 'drop-last') s = s.slice(0, 35);
    if (cut === 'drop-first') s = s.slice(1);
    if (cut === 'no-hyphens') s = s.replaceAll('-', '');
    return enc(`${prefix}${s}${suffix}`);
  });

/** `<uuid>,aggregate=N` and its near misses (kernel.md §2.4). */
const aggregateParams = fc
  .tuple(
    uuid,
    fc.constantFrom(',', ', ', ',,', ';', ''),
    fc.constantFrom('aggregate=', 'AGGREGATE=', 'aggregate', 'instances=', 'aggregate= '),
    fc.constantFrom(
      '0',
      '1',
      '2',
      '3',
      '4',
      '8',
      '9',
      '0x2',
      '+2',
      '-1',
      '02',
      '4294967296',
      '',
      'two',
      '2\n',
      '2\n\n',
      '2\0junk',
    ),
  )
  .map(([u, comma, key, n]) => enc(`${u}${comma}${key}${n}`));

/** Values for `remove` (kernel.md §1.4) and near misses. */
const numbers = fc
  .constantFrom(
    '0',
    '1',
    '0\n',
    '1\n',
    '0x1',
    '+1',
    '-1',
    '0x',
    '08',
    ' 1',
    '1 ',
    '\n',
    '00',
    '1\0junk',
    '0\u00001',
    '18446744073709551615',
    '18446744073709551616',
    '99999999999999999999999',
    'yes',
    'true',
  )
  .map(enc);

/** Longer than a page: the 4096-byte cut (§8) and the RFC's E2BIG (§2.4). */
const long = fc
  .tuple(
    fc.integer({ min: 4095, max: 9000 }),
    fc.constantFrom(0x30, 0x31, 0x00, 0x0a, 0xff, 0x2c),
    uuid,
    fc.boolean(),
  )
  .map(([len, fill, u, prefixed]) => {
    const buf = Buffer.alloc(len, fill);
    if (prefixed) buf.write(`${u},aggregate=`, 'latin1');
    return new Uint8Array(buf);
  });

/** Writes that are valid (or nearly so): they create, collide (EEXIST) and exhaust pools. */
const validish = fc
  .tuple(uuid, fc.constantFrom('', '\n', '\0', 'x'), fc.boolean())
  .map(([u, suffix, upper]) => enc(`${upper ? u.toUpperCase() : u}${suffix}`));

/** Random bytes, mostly not UTF-8, NULs included. */
const random = fc.uint8Array({ maxLength: 80 });

/** Everything a careless or hostile writer sends to a sysfs attribute. */
export const badBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: fc.constant(new Uint8Array(0)), weight: 1 },
  { arbitrary: random, weight: 4 },
  { arbitrary: validish, weight: 3 },
  { arbitrary: uuidVariants, weight: 5 },
  { arbitrary: aggregateParams, weight: 3 },
  { arbitrary: numbers, weight: 4 },
  { arbitrary: long, weight: 2 },
  {
    arbitrary: fc
      .string({ unit: 'grapheme', maxLength: 40 })
      .map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
    weight: 1,
  },
);
