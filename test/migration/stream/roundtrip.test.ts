import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeStream,
  encodeStream,
  type Frame,
  StreamDecoder,
  StreamWriter,
  writeComplete,
  writeConfigState,
  writeIterate,
  writeSetup,
} from '../../../migration/stream/index.ts';
import { split, splitPoints, validStream } from './arbitraries.ts';
import { bytes, device, expectStreamError, HOST, plain, realisticFrames } from './fixtures.ts';

describe('round trips', () => {
  it('decodes what it encodes (whole buffer)', () => {
    fc.assert(
      fc.property(validStream, (frames) => {
        expect(plain(decodeStream(encodeStream(frames)))).toEqual(plain(frames));
      }),
    );
  });

  it('decodes incrementally at arbitrary split points', () => {
    fc.assert(
      fc.property(
        validStream.chain((frames) => {
          const encoded = encodeStream(frames);
          return fc.tuple(fc.constant(frames), fc.constant(encoded), splitPoints(encoded.length));
        }),
        ([frames, encoded, points]) => {
          const decoder = new StreamDecoder();
          const out: Frame[] = [];
          for (const piece of split(encoded, points)) out.push(...decoder.push(piece));
          decoder.finish();
          expect(decoder.done).toBe(true);
          expect(decoder.bytesConsumed).toBe(encoded.length);
          expect(plain(out)).toEqual(plain(frames));
        },
      ),
    );
  });

  it('re-encodes a decoded stream to the same bytes', () => {
    fc.assert(
      fc.property(validStream, (frames) => {
        const encoded = encodeStream(frames);
        expect(encodeStream(decodeStream(encoded)).equals(encoded)).toBe(true);
      }),
    );
  });

  it('feeds a writer straight into a decoder, payloads arriving as their own chunks', () => {
    fc.assert(
      fc.property(validStream, (frames) => {
        const decoder = new StreamDecoder();
        const out: Frame[] = [];
        const writer = new StreamWriter((chunk) => out.push(...decoder.push(chunk)));
        for (const f of frames) writer.write(f);
        decoder.finish();
        expect(writer.done).toBe(true);
        expect(plain(out)).toEqual(plain(frames));
      }),
    );
  });

  it('hands out payloads as views of the input, not copies', () => {
    const encoded = encodeStream(realisticFrames());
    const data = decodeStream(encoded).filter((f) => f.kind === 'dev-data-state');
    expect(data.length).toBeGreaterThan(0);
    for (const f of data) expect(f.data.buffer).toBe(encoded.buffer);
  });

  it('passes a writer payload through to the decoder without copying it', () => {
    const payload = bytes(4096, 1);
    const decoder = new StreamDecoder();
    const seen: Frame[] = [];
    const writer = new StreamWriter((chunk) => seen.push(...decoder.push(chunk)));
    for (const f of realisticFrames().slice(0, 5)) writer.write(f); // header, config, one setup block
    writer.write({ kind: 'section-part', sectionId: 7 });
    writer.write({ kind: 'dev-data-state', sectionId: 7, data: payload });
    const last = seen.at(-1);
    if (last?.kind !== 'dev-data-state') throw new Error('no data frame decoded');
    expect(last.data.buffer).toBe(payload.buffer);
    expect(last.data.byteOffset).toBe(payload.byteOffset);
    expect(last.data.byteLength).toBe(payload.byteLength);
  });

  it('save helpers write exactly the frames of the QEMU handler sequence', () => {
    const frames = realisticFrames();
    const chunks: Uint8Array[] = [];
    const w = new StreamWriter((c) => chunks.push(c));
    for (const f of frames.slice(0, 2)) w.write(f);
    const sections = [7, 8, 9].map((sectionId, i) => ({
      sectionId,
      host: HOST,
      instanceId: 0,
      device: device(i + 1, i === 1 ? null : `8086-193b-${i + 1}`),
    }));
    for (const s of sections) writeSetup(w, s);
    for (let round = 0; round < 2; round++) {
      sections.forEach((s, i) => {
        writeIterate(w, s.sectionId, [bytes(60 + i * 10, round * 7 + i)], round === 1 && i === 0);
      });
    }
    sections.forEach((s, i) => {
      writeComplete(w, s.sectionId, [bytes(100, i * 3), bytes(101, i * 3 + 1)]);
    });
    sections.forEach((s, i) => {
      writeConfigState(w, s, bytes(32, 0x40 + i));
    });
    w.write({ kind: 'eof' });
    expect(Buffer.concat(chunks).equals(encodeStream(frames))).toBe(true);
  });

  it('with unchecked-payload, heads stay covered and payload bytes are not', () => {
    const frames = realisticFrames(['switchover-ack', 'unchecked-payload']);
    const encoded = encodeStream(frames);
    expect(plain(decodeStream(encoded))).toEqual(plain(frames));
    const firstData = frames.findIndex((f) => f.kind === 'dev-data-state');
    const payload = frames[firstData];
    if (payload?.kind !== 'dev-data-state') throw new Error('fixture has no data frame');
    const at = encoded.indexOf(Buffer.from(payload.data));
    const flipped = Buffer.from(encoded);
    flipped[at] = (flipped[at] ?? 0) ^ 0xff;
    expect(decodeStream(flipped).length).toBe(frames.length); // documented trade-off
    const headFlip = Buffer.from(encoded);
    headFlip[at - 2] = (headFlip[at - 2] ?? 0) ^ 0x01; // inside the head of that frame
    expectStreamError(() => decodeStream(headFlip), 'crc-mismatch');
  });
});
