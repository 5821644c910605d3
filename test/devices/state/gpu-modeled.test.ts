import { describe, expect, it } from 'vitest';
import { NS_PER_MS, VirtualClock } from '../../../core/clock.ts';
import { isErrno } from '../../../core/result.ts';
import { Rng } from '../../../core/rng.ts';
import { createGpuMigration, type GpuMigrationOptions } from '../../../devices/state/gpu-driver.ts';
import {
  CHUNK_KIND,
  GPU_CHUNK_HEADER_BYTES,
  GPU_MODELED_BLOCK_BYTES,
  GPU_MODELED_PAGES_PER_BLOCK,
  GPU_PAGE_SIZE,
  parseChunkHeader,
  writeChunkHeader,
} from '../../../devices/state/gpu-format.ts';
import { GPU_MODELED_READ_BYTES } from '../../../devices/state/gpu-modeled-read.ts';
import type { MigrationDataFile } from '../../../devices/vfio/data-file.ts';
import { MIG_STATE } from '../../../devices/vfio/states.ts';
import { VfioMigrationDevice } from '../../../devices/vfio/vfio-device.ts';
import { ok, value } from '../vfio/helpers.ts';

const { STOP, STOP_COPY, RESUMING, PRE_COPY } = MIG_STATE;
const MiB = 1 << 20;
const GiB = 1024 * MiB;
const REGS = 64 * 1024;

function gpu(clock: VirtualClock, seed: number, extra: Partial<GpuMigrationOptions> = {}) {
  const driver = createGpuMigration({
    framebufferBytes: GiB,
    dirtyRateBytesPerSec: 0,
    payload: 'modeled',
    clock,
    rng: new Rng(seed),
    ...extra,
  });
  return { driver, device: new VfioMigrationDevice(driver) };
}

function file(device: VfioMigrationDevice, to: typeof PRE_COPY | typeof RESUMING | typeof STOP_COPY) {
  const f = ok(device.setState(to)).dataFile;
  if (f === undefined) throw new Error('no data file');
  return f;
}

/**
 * Walks a GPU stream as reads deliver it (chunks may span reads, reads may hold many chunks),
 * keeping the headers and checking, without copying, that every FB payload byte is zero.
 */
class Walker {
  readonly chunks: { kind: number; index: number; length: number }[] = [];
  readonly #header = new Uint8Array(GPU_CHUNK_HEADER_BYTES);
  #fill = 0;
  #payloadLeft = 0;
  #isFb = false;
  bytes = 0;
  nonZeroPayload = 0;

  push(read: Uint8Array): void {
    this.bytes += read.length;
    let i = 0;
    while (i < read.length) {
      if (this.#payloadLeft > 0) {
        const n = Math.min(this.#payloadLeft, read.length - i);
        const part = Buffer.from(read.buffer, read.byteOffset + i, n);
        if (this.#isFb && !part.equals(zeros(n))) this.nonZeroPayload++;
        this.#payloadLeft -= n;
        i += n;
        continue;
      }
      const n = Math.min(GPU_CHUNK_HEADER_BYTES - this.#fill, read.length - i);
      this.#header.set(read.subarray(i, i + n), this.#fill);
      this.#fill += n;
      i += n;
      if (this.#fill === GPU_CHUNK_HEADER_BYTES) {
        this.#fill = 0;
        const h = value(parseChunkHeader(this.#header));
        this.chunks.push({ kind: h.kind, index: h.index, length: h.length });
        this.#payloadLeft = h.kind === CHUNK_KIND.BEGIN ? 0 : h.length;
        this.#isFb = h.kind === CHUNK_KIND.FB;
      }
    }
  }
}

let zeroPool = Buffer.alloc(0);
function zeros(n: number): Buffer {
  if (zeroPool.length < n) zeroPool = Buffer.alloc(n);
  return zeroPool.subarray(0, n);
}

/** Reads until the device has nothing now (ENOMSG or 0), handing each read to `sink`; the count. */
function readAll(out: MigrationDataFile, max: number, sink: (read: Uint8Array) => void): number {
  for (let reads = 0; ; reads++) {
    const chunk = out.read(max);
    if (isErrno(chunk)) {
      expect(chunk.errno).toBe('ENOMSG');
      return reads;
    }
    if (chunk.length === 0) return reads;
    expect(chunk.length).toBeLessThanOrEqual(max);
    sink(chunk);
  }
}

describe('GPU modeled payload: 256 MiB chunks, whole chunks per read (gpu-format.ts, gpu-modeled-read.ts)', () => {
  it('16 GiB: one read per 256 MiB chunk, PRE_COPY info falls by exactly each read, the target takes it', () => {
    const clock = new VirtualClock();
    const src = gpu(clock, 1, { framebufferBytes: 16 * GiB });
    const dst = gpu(clock, 2, { framebufferBytes: 16 * GiB });
    expect(src.driver.preferredReadBytes).toBe(GPU_MODELED_READ_BYTES);
    const size = value(src.device.getDataSize());
    expect(size).toBe(16 + 16 * GiB + 64 * 16 + 16 + REGS + 16);
    const out = file(src.device, PRE_COPY);
    const into = file(dst.device, RESUMING);
    let initial = value(out.precopyInfo()).initialBytes;
    const lengths: number[] = [];
    for (;;) {
      const chunk = out.read(GPU_MODELED_READ_BYTES);
      if (isErrno(chunk)) break;
      lengths.push(chunk.length);
      expect(value(into.write(chunk))).toBe(chunk.length);
      const info = value(out.precopyInfo());
      expect(info.initialBytes).toBe(initial - chunk.length);
      expect(info.dirtyBytes).toBe(0);
      initial = info.initialBytes;
    }
    // BEGIN, 64 whole FB chunks of header + 256 MiB, then the registers (header, payload).
    expect(lengths).toEqual([16, ...Array(64).fill(16 + GPU_MODELED_BLOCK_BYTES), 16, REGS]);
    ok(src.device.setState(STOP_COPY));
    readAll(out, GPU_MODELED_READ_BYTES, (chunk) => value(into.write(chunk)));
    ok(dst.device.setState(STOP));
    expect(dst.driver.stats.bytesLoaded).toBe(src.driver.stats.bytesSaved);
    expect(src.driver.stats.bytesSaved).toBe(size + 16 + REGS); // initial registers + final ones
    expect(dst.driver.stateDigest()).toBe(src.driver.stateDigest());
  });

  it('dirty runs while the guest writes: batched reads give the same bytes as 1 MiB reads, with exact dirty_bytes', () => {
    const clock = new VirtualClock();
    // Same seed on one clock: identical guests. One is read in batches, the other QEMU's way.
    const options = { framebufferBytes: 512 * MiB, dirtyRateBytesPerSec: 400 * MiB };
    const batched = gpu(clock, 3, options);
    const piecewise = gpu(clock, 3, options);
    const dst = gpu(clock, 4, options);
    const a = file(batched.device, PRE_COPY);
    const b = file(piecewise.device, PRE_COPY);
    const into = file(dst.device, RESUMING);
    const walkA = new Walker();
    const walkB = new Walker();
    let dirtyRounds = 0;
    for (let round = 0; round < 6; round++) {
      const infoA = value(a.precopyInfo());
      expect(value(b.precopyInfo())).toEqual(infoA);
      const before = { bytes: walkA.bytes, chunks: walkA.chunks.length };
      const readsA = readAll(a, GPU_MODELED_READ_BYTES, (read) => {
        walkA.push(read);
        value(into.write(read)); // the target accepts the stream whatever the read size
      });
      readAll(b, MiB, (read) => walkB.push(read));
      expect(walkA.bytes - before.bytes).toBe(infoA.initialBytes + infoA.dirtyBytes);
      if (round > 0 && infoA.dirtyBytes > 0) {
        dirtyRounds++;
        // Several dirty runs, each a whole chunk, ride in one read.
        expect(readsA).toBeLessThan(walkA.chunks.length - before.chunks);
      }
      clock.advance(20 * NS_PER_MS); // 400 MiB/s x 20 ms = 2,048 page writes
    }
    expect(dirtyRounds).toBeGreaterThan(3);
    // Byte for byte the same stream: the same chunks, and zero payloads on both sides (even where
    // an earlier batch had put a header in the reused buffer).
    expect(walkA.bytes).toBe(walkB.bytes);
    expect(walkA.chunks).toEqual(walkB.chunks);
    expect(walkA.nonZeroPayload).toBe(0);
    expect(walkB.nonZeroPayload).toBe(0);
    for (const c of walkA.chunks.filter((x) => x.kind === CHUNK_KIND.FB)) {
      // A chunk stays inside one 256 MiB block.
      const last = c.index + c.length / GPU_PAGE_SIZE - 1;
      expect(Math.floor(c.index / GPU_MODELED_PAGES_PER_BLOCK)).toBe(
        Math.floor(last / GPU_MODELED_PAGES_PER_BLOCK),
      );
    }
    expect(walkA.chunks.filter((x) => x.kind === CHUNK_KIND.FB).length).toBeGreaterThan(100);
    ok(batched.device.setState(STOP_COPY));
    readAll(a, GPU_MODELED_READ_BYTES, (read) => value(into.write(read)));
    ok(dst.device.setState(STOP));
    expect(dst.driver.stateDigest()).toBe(batched.driver.stateDigest());
  });

  it('the loader holds modeled chunks to the 256 MiB block and real ones to 1 MiB', () => {
    const clock = new VirtualClock();
    const begin = (pages: number, modeled: boolean) => {
      const h = new Uint8Array(GPU_CHUNK_HEADER_BYTES);
      writeChunkHeader(h, { kind: CHUNK_KIND.BEGIN, flags: modeled ? 1 : 0, index: pages, length: REGS });
      return h;
    };
    const fb = (index: number, length: number) => {
      const h = new Uint8Array(GPU_CHUNK_HEADER_BYTES);
      writeChunkHeader(h, { kind: CHUNK_KIND.FB, flags: 0, index, length });
      return h;
    };
    const attempt = (modeled: boolean, index: number, length: number) => {
      const bytes = modeled ? GiB : 4 * MiB;
      const t = gpu(clock, 5, {
        payload: modeled ? 'modeled' : 'real',
        framebufferBytes: bytes,
        initialContent: 'zero',
      });
      const into = file(t.device, RESUMING);
      value(into.write(begin(bytes / GPU_PAGE_SIZE, modeled)));
      return into.write(fb(index, length));
    };
    expect(attempt(true, 0, GPU_MODELED_BLOCK_BYTES)).toBe(16);
    expect(attempt(true, 0, GPU_MODELED_BLOCK_BYTES + GPU_PAGE_SIZE)).toMatchObject({ errno: 'EINVAL' });
    expect(attempt(true, GPU_MODELED_PAGES_PER_BLOCK - 1, 2 * GPU_PAGE_SIZE)).toMatchObject({
      errno: 'EINVAL',
    });
    expect(attempt(false, 0, MiB)).toBe(16);
    expect(attempt(false, 0, 2 * MiB)).toMatchObject({ errno: 'EINVAL' });
  });
});
