import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDecoderStream,
  createEncoderStream,
  encodeStream,
  type Frame,
  isStreamError,
} from '../../../migration/stream/index.ts';
import { bytes, plain, realisticFrames } from './fixtures.ts';

/** A Writable that collects decoded frames. */
function collector(into: Frame[]): Writable {
  return new Writable({
    objectMode: true,
    write(frame: Frame, _encoding, callback) {
      into.push(frame);
      callback();
    },
  });
}

/** Frames with a few larger data chunks so the byte stream is split across many reads. */
function framesWithBulk(): Frame[] {
  const frames = realisticFrames();
  const end = frames.findIndex((f) => f.kind === 'section-end');
  frames.splice(end + 1, 0, { kind: 'dev-data-state', sectionId: 7, data: bytes(300_000, 9) });
  return frames;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('node:stream adapters', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mdevsim-stream-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through pipeline: frames → encoder → decoder → frames', async () => {
    const frames = framesWithBulk();
    const out: Frame[] = [];
    await pipeline(Readable.from(frames), createEncoderStream(), createDecoderStream(), collector(out));
    expect(plain(out)).toEqual(plain(frames));
  });

  it('round-trips through a temp file read back in small chunks', async () => {
    const frames = framesWithBulk();
    const file = join(dir, 'stream.bin');
    await pipeline(Readable.from(frames), createEncoderStream(), createWriteStream(file));
    expect((await readFile(file)).equals(encodeStream(frames))).toBe(true);
    const out: Frame[] = [];
    await pipeline(createReadStream(file, { highWaterMark: 1000 }), createDecoderStream(), collector(out));
    expect(plain(out)).toEqual(plain(frames));
  });

  it('round-trips over a TCP socket', async () => {
    const frames = framesWithBulk();
    const out: Frame[] = [];
    const server = createServer((socket) => {
      pipeline(socket, createDecoderStream(), collector(out)).then(
        () => server.emit('done'),
        (error: unknown) => server.emit('done', error),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const done = new Promise<unknown>((resolve) => server.once('done', resolve));
    await pipeline(Readable.from(frames), createEncoderStream(), connect(port, '127.0.0.1'));
    expect(await done).toBeUndefined();
    server.close();
    expect(plain(out)).toEqual(plain(frames));
  });

  it('fails the pipeline with StreamError(truncated) for a cut file', async () => {
    const file = join(dir, 'cut.bin');
    const full = encodeStream(realisticFrames());
    await writeFile(file, full.subarray(0, full.length - 5));
    const error = await rejection(pipeline(createReadStream(file), createDecoderStream(), collector([])));
    expect(isStreamError(error) && error.reason).toBe('truncated');
  });

  it('fails the pipeline with StreamError on a corrupt byte', async () => {
    const bad = Buffer.from(encodeStream(realisticFrames()));
    bad[200] = (bad[200] ?? 0) ^ 0x55;
    const error = await rejection(pipeline(Readable.from([bad]), createDecoderStream(), collector([])));
    expect(isStreamError(error)).toBe(true);
  });

  it('fails the encoder when its input ends before EOF, or a frame is out of order', async () => {
    const frames = realisticFrames();
    const early = await rejection(
      pipeline(Readable.from(frames.slice(0, -1)), createEncoderStream(), new PassThrough().resume()),
    );
    expect(isStreamError(early) && early.reason).toBe('wrong-order');
    const disorder = await rejection(
      pipeline(Readable.from([frames[0], frames[2]]), createEncoderStream(), new PassThrough().resume()),
    );
    expect(isStreamError(disorder) && disorder.reason).toBe('wrong-order');
  });
});
