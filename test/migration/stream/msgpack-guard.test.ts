import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { MAX_HEAD_DEPTH } from '../../../migration/stream/constants.ts';
import { packHead, unpackHead } from '../../../migration/stream/head-codec.ts';
import { checkHeadBytes } from '../../../migration/stream/msgpack-guard.ts';

/** Plain values of the head subset: no forbidden keys, nesting within the bound. */
const key = fc
  .string({ unit: 'binary', maxLength: 12 })
  .filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));
const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
  fc.double({ noNaN: true }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: MAX_HEAD_DEPTH - 2 },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));

describe('msgpack head guard', () => {
  it('accepts everything msgpackr packs from plain head values, which then round-trip', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 5 }), (head) => {
        const bytes = Buffer.from(packHead(head));
        expect(checkHeadBytes(bytes, MAX_HEAD_DEPTH)).toBeUndefined();
        expect(unpackHead(bytes, 0)).toEqual(head);
      }),
    );
  });

  it('accepts nesting up to the bound and refuses one level more', () => {
    const nested = (depth: number) => Uint8Array.from([...new Array<number>(depth - 1).fill(0x91), 0xc0]);
    expect(checkHeadBytes(nested(MAX_HEAD_DEPTH), MAX_HEAD_DEPTH)).toBeUndefined();
    expect(checkHeadBytes(nested(MAX_HEAD_DEPTH + 1), MAX_HEAD_DEPTH)).toMatch(/nesting deeper/);
  });

  it('refuses what msgpackr produces with records or extensions turned on', () => {
    const records = new Packr({ useRecords: true }).pack({ a: 1, b: 2 });
    expect(checkHeadBytes(records, MAX_HEAD_DEPTH)).toMatch(/extension type/);
    const date = new Packr({ useRecords: false }).pack({ when: new Date(0) });
    expect(checkHeadBytes(date, MAX_HEAD_DEPTH)).toMatch(/extension type/);
  });

  it('describes each refusal without throwing, for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const result = checkHeadBytes(bytes, MAX_HEAD_DEPTH);
        expect(result === undefined || typeof result === 'string').toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
