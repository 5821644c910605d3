import { describe, expect, it } from 'vitest';
import { decodeStream, encodeStream, StreamDecoder } from '../../../migration/stream/index.ts';
import { expectStreamError, realisticFrames } from './fixtures.ts';

describe('truncation', () => {
  const encoded = encodeStream(realisticFrames());

  it('uses a realistic stream of about 2 KiB with several sections', () => {
    expect(encoded.length).toBeGreaterThan(1500);
    expect(encoded.length).toBeLessThan(4096);
  });

  it('reports `truncated` at every cut, whole-buffer', () => {
    for (let cut = 0; cut < encoded.length; cut++) {
      const error = expectStreamError(() => decodeStream(encoded.subarray(0, cut)), 'truncated');
      expect(error.offset).toBe(cut);
    }
  });

  it('reports `truncated` at every cut when fed byte by byte, only at finish()', () => {
    for (let cut = 0; cut < encoded.length; cut += 7) {
      const decoder = new StreamDecoder();
      for (let i = 0; i < cut; i++) decoder.push(encoded.subarray(i, i + 1));
      expect(decoder.done).toBe(false);
      expectStreamError(() => decoder.finish(), 'truncated');
    }
  });

  it('keeps reporting the same error after a failure (sticky)', () => {
    const decoder = new StreamDecoder();
    decoder.push(encoded.subarray(0, 100));
    const first = expectStreamError(() => decoder.finish(), 'truncated');
    let again: unknown;
    try {
      decoder.push(encoded.subarray(100));
    } catch (error) {
      again = error;
    }
    expect(again).toBe(first);
  });
});
