import { describe, expect, it } from 'vitest';
import { NS_PER_MS, NS_PER_S, VirtualClock } from '../../../core/clock.ts';
import { isErrno } from '../../../core/result.ts';
import { Rng } from '../../../core/rng.ts';
import { createGpuMigration, type GpuMigrationOptions } from '../../../devices/state/gpu-driver.ts';
import {
  GPU_CHUNK_HEADER_BYTES,
  GPU_MAX_CHUNK_PAYLOAD,
  GPU_MODELED_BLOCK_BYTES,
} from '../../../devices/state/gpu-format.ts';
import type { MigrationDataFile } from '../../../devices/vfio/data-file.ts';
import { MIG_STATE } from '../../../devices/vfio/states.ts';
import { VfioMigrationDevice } from '../../../devices/vfio/vfio-device.ts';
import { drain, ok, state, value, writeAll } from '../vfio/helpers.ts';

const { STOP, RUNNING, STOP_COPY, RESUMING, PRE_COPY, PRE_COPY_P2P } = MIG_STATE;
const MiB = 1 << 20;
const REGS = 64 * 1024;

function gpu(clock: VirtualClock, seed: number, extra: Partial<GpuMigrationOptions> = {}) {
  const driver = createGpuMigration({
    framebufferBytes: 8 * MiB,
    dirtyRateBytesPerSec: 40 * MiB,
    payload: 'real',
    clock,
    rng: new Rng(seed),
    ...extra,
  });
  return { driver, device: new VfioMigrationDevice(driver) };
}

function file(reply: ReturnType<VfioMigrationDevice['setState']>): MigrationDataFile {
  const f = ok(reply).dataFile;
  if (f === undefined) throw new Error('no data file');
  return f;
}

/** Full stream size of an idle device: BEGIN, FB chunks (one per block), REGS, END. */
function fullSize(fbBytes: number, regs = REGS, block = MiB): number {
  return 16 + fbBytes + Math.ceil(fbBytes / block) * 16 + 16 + regs + 16;
}

describe('GPU state: live migration with pre-copy (kernel.md §3.3, §3.8; qemu.md §2.3)', () => {
  it('real payload: pre-copy rounds while the guest writes, stop-copy, target digest equals source', () => {
    const clock = new VirtualClock();
    const src = gpu(clock, 1);
    const dst = gpu(clock, 2);
    expect(dst.driver.stateDigest()).not.toBe(src.driver.stateDigest());
    const out = file(src.device.setState(PRE_COPY));
    const into = file(dst.device.setState(RESUMING));
    let drained = 0;
    for (let round = 0; round < 5000 && drained < 3; round++) {
      const chunk = out.read(MiB);
      if (isErrno(chunk)) {
        // Temporary end of the pre-copy stream (§3.8): only once the initial bytes are out.
        expect(chunk.errno).toBe('ENOMSG');
        expect(value(out.precopyInfo())).toEqual({ initialBytes: 0, dirtyBytes: 0 });
        drained++;
        clock.advance(5 * NS_PER_MS);
        continue;
      }
      writeAll(into, chunk);
      clock.advance(10_000); // 10 us per read: the guest writes ~0.1 page meanwhile, so it converges
    }
    expect(drained).toBe(3);
    expect(src.driver.stats.pagesDirtied).toBeGreaterThan(0);
    ok(src.device.setState(STOP_COPY));
    const frozen = src.driver.stateDigest();
    writeAll(into, drain(out));
    ok(dst.device.setState(RUNNING));
    ok(src.device.setState(STOP));
    expect(src.driver.stateDigest()).toBe(frozen);
    expect(dst.driver.stateDigest()).toBe(frozen);
    expect(dst.driver.stats.bytesLoaded).toBe(src.driver.stats.bytesSaved);
  });

  it('§3.8: PRE_COPY info is exact: initial = whole state, falls by what is read; dirty grows with time', () => {
    const clock = new VirtualClock();
    const { device } = gpu(clock, 3);
    expect(device.getDataSize()).toBe(fullSize(8 * MiB));
    const out = file(device.setState(PRE_COPY));
    const initial = fullSize(8 * MiB) + 16 + REGS - 16 - REGS - 16; // BEGIN + FB + REGS, no END
    expect(value(out.precopyInfo())).toEqual({ initialBytes: initial, dirtyBytes: 0 });
    let read = 0;
    for (let i = 0; i < 5; i++) read += value(out.read(100_000)).length;
    expect(value(out.precopyInfo())).toEqual({ initialBytes: initial - read, dirtyBytes: 0 });
    while (value(out.precopyInfo()).initialBytes > 0) read += value(out.read(MiB)).length;
    expect(read).toBe(initial);
    expect(out.read(MiB)).toMatchObject({ errno: 'ENOMSG' });
    clock.advance(100 * NS_PER_MS); // 40 MiB/s x 0.1 s = 1024 page writes, some to the same page
    const { initialBytes, dirtyBytes } = value(out.precopyInfo());
    expect(initialBytes).toBe(0);
    expect(dirtyBytes).toBeGreaterThan(700 * 4096); // ~806 distinct pages of 2048 expected
    expect(dirtyBytes).toBeLessThanOrEqual(1024 * (4096 + 16));
    let dirtyRead = 0;
    for (;;) {
      const chunk = out.read(MiB);
      if (isErrno(chunk)) break;
      dirtyRead += chunk.length;
    }
    expect(dirtyRead).toBe(dirtyBytes);
    // STOP_COPY then sends only what is left: registers and END.
    expect(device.getDataSize()).toBe(16 + REGS + 16);
    ok(device.setState(STOP_COPY));
    expect(drain(out)).toHaveLength(16 + REGS + 16);
    expect(device.getDataSize()).toBe(0);
  });

  it('§3.8 vs §5.2: with precopyEmptyRead "zero" a drained PRE_COPY read returns 0 instead of ENOMSG', () => {
    const clock = new VirtualClock();
    const { device } = gpu(clock, 13, { precopyEmptyRead: 'zero', framebufferBytes: MiB });
    const out = file(device.setState(PRE_COPY));
    expect(drain(out)).toHaveLength(16 + MiB + 16 + 16 + REGS);
    expect(value(out.read(MiB))).toHaveLength(0);
  });

  it('STOP->SC without pre-copy: the stream is exactly MIG_DATA_SIZE, in reads of at most 1 MiB', () => {
    const clock = new VirtualClock();
    const { device } = gpu(clock, 4, { framebufferBytes: 3 * MiB + 8192 });
    ok(device.setState(STOP));
    const size = value(device.getDataSize());
    expect(size).toBe(fullSize(3 * MiB + 8192));
    const out = file(device.setState(STOP_COPY));
    let total = 0;
    for (;;) {
      const chunk = value(out.read(4 * MiB));
      if (chunk.length === 0) break;
      expect(chunk.length).toBeLessThanOrEqual(GPU_MAX_CHUNK_PAYLOAD);
      total += chunk.length;
    }
    expect(total).toBe(size);
    expect(value(out.read(10))).toHaveLength(0);
  });

  it('the guest dirties only while running, deterministically, and the throttle slows it', () => {
    const clock = new VirtualClock();
    const a = gpu(clock, 5);
    const b = gpu(clock, 5);
    for (let i = 0; i < 20; i++) {
      clock.advance(5 * NS_PER_MS);
      a.driver.stateDigest(); // a looks often, b only at the end
    }
    expect(a.driver.stateDigest()).toBe(b.driver.stateDigest());
    expect(a.driver.stats.pagesDirtied).toBe(Math.floor((40 * MiB * 0.1) / 4096));
    ok(a.device.setState(STOP));
    const stopped = a.driver.stateDigest();
    clock.advance(NS_PER_S);
    expect(a.driver.stateDigest()).toBe(stopped);
    ok(a.device.setState(RUNNING));
    a.driver.setThrottle(1);
    clock.advance(NS_PER_S);
    expect(a.driver.stateDigest()).toBe(stopped);
    a.driver.setThrottle(0.75);
    const before = a.driver.stats.pagesDirtied;
    clock.advance(NS_PER_S);
    a.driver.stateDigest();
    expect(a.driver.stats.pagesDirtied - before).toBe(Math.floor((40 * MiB * 0.25) / 4096));
    expect(() => a.driver.setThrottle(1.5)).toThrow(RangeError);
  });

  it('a failed or cancelled migration leaves the source state intact', () => {
    const clock = new VirtualClock();
    const src = gpu(clock, 6, { dirtyRateBytesPerSec: 0 });
    const before = src.driver.stateDigest();
    const out = file(src.device.setState(PRE_COPY));
    out.read(MiB);
    ok(src.device.setState(STOP_COPY));
    out.read(MiB);
    ok(src.device.setState(RUNNING));
    expect(out.read(1)).toMatchObject({ errno: 'ENODEV' });
    expect(src.driver.stateDigest()).toBe(before);
  });

  it.each([1, 5])('reduced flags %i: a full migration works (PC->SC is one arc with flags 5)', (flags) => {
    const clock = new VirtualClock();
    const src = gpu(clock, 7, { migrationFlags: flags, framebufferBytes: MiB });
    const dst = gpu(clock, 8, { migrationFlags: flags, framebufferBytes: MiB });
    const into = file(dst.device.setState(RESUMING));
    let out: MigrationDataFile;
    if (flags === 5) {
      out = file(src.device.setState(PRE_COPY));
      writeAll(into, drain(out));
      expect(ok(src.device.setState(STOP_COPY)).dataFile).toBeUndefined();
    } else {
      expect(src.device.setState(PRE_COPY)).toMatchObject({ errno: 'EINVAL' });
      out = file(src.device.setState(STOP_COPY));
    }
    writeAll(into, drain(out));
    ok(dst.device.setState(RUNNING));
    expect(dst.driver.stateDigest()).toBe(src.driver.stateDigest());
  });
});

describe('GPU stream validation on resume (EINVAL)', () => {
  function streams() {
    const clock = new VirtualClock();
    const src = gpu(clock, 9, { framebufferBytes: 2 * MiB });
    ok(src.device.setState(STOP));
    const stream = drain(file(src.device.setState(STOP_COPY)));
    const target = (extra: Partial<GpuMigrationOptions> = {}) => {
      const t = gpu(clock, 10, { framebufferBytes: 2 * MiB, ...extra });
      return { ...t, into: file(t.device.setState(RESUMING)) };
    };
    return { stream, target };
  }

  it('a byte-at-a-time stream is accepted (segmentation need not be preserved, §3.3)', () => {
    const { stream, target } = streams();
    const t = target();
    for (let i = 0; i < 4096; i++) expect(t.into.write(stream.subarray(i, i + 1))).toBe(1);
    writeAll(t.into, stream.subarray(4096), 777_777);
    ok(t.device.setState(STOP));
  });

  it.each([
    ['bad magic', (s: Uint8Array) => s.fill(0, 0, 4)],
    ['bad version', (s: Uint8Array) => s.fill(9, 4, 5)],
    ['unknown kind', (s: Uint8Array) => s.fill(7, 5, 6)],
    ['first chunk not BEGIN', (s: Uint8Array) => s.fill(2, 5, 6)],
    ['page count mismatch', (s: Uint8Array) => s.fill(1, 8, 9)],
  ])('%s in the first header fails the write and the load', (_name, damage) => {
    const { stream, target } = streams();
    const t = target();
    const bad = stream.slice();
    damage(bad);
    expect(t.into.write(bad.subarray(0, 100))).toMatchObject({ errno: 'EINVAL' });
    expect(t.into.write(stream.subarray(0, 16))).toMatchObject({ errno: 'EINVAL' });
    expect(t.device.setState(STOP)).toMatchObject({ errno: 'EINVAL', requested: STOP });
    expect(state(t.device)).toBe(RESUMING);
  });

  it('geometry and payload-mode mismatches are refused', () => {
    const { stream, target } = streams();
    expect(target({ registerBytes: 4096 }).into.write(stream)).toMatchObject({ errno: 'EINVAL' });
    expect(target({ framebufferBytes: 4 * MiB }).into.write(stream)).toMatchObject({ errno: 'EINVAL' });
    expect(target({ payload: 'modeled' }).into.write(stream)).toMatchObject({ errno: 'EINVAL' });
  });

  it('a corrupt chunk header mid-stream, or data after END, is EINVAL', () => {
    const { stream, target } = streams();
    const second = 16; // the first FB header follows BEGIN
    const bad = stream.slice();
    bad[second + 12] = 1; // length not a page multiple
    const t = target();
    expect(t.into.write(bad)).toMatchObject({ errno: 'EINVAL' });
    const t2 = target();
    expect(t2.into.write(stream)).toBe(stream.length);
    expect(t2.into.write(new Uint8Array(1))).toMatchObject({ errno: 'EINVAL' });
  });

  it('a truncated stream fails at RES->STOP with EINVAL and the device stays RESUMING', () => {
    const { stream, target } = streams();
    const t = target();
    expect(t.into.write(stream.subarray(0, stream.length - GPU_CHUNK_HEADER_BYTES))).toBe(
      stream.length - GPU_CHUNK_HEADER_BYTES,
    );
    expect(t.device.setState(RUNNING)).toMatchObject({ errno: 'EINVAL' });
    expect(state(t.device)).toBe(RESUMING);
    expect(t.into.write(stream.subarray(stream.length - GPU_CHUNK_HEADER_BYTES))).toBe(16);
    ok(t.device.setState(RUNNING));
  });
});

describe('GPU modeled payload', () => {
  it('a 16 GiB modeled device migrates by sizes only, with no framebuffer allocated', () => {
    const clock = new VirtualClock();
    const rss = process.memoryUsage().rss;
    const make = (seed: number) =>
      gpu(clock, seed, { framebufferBytes: 16 * 1024 * MiB, payload: 'modeled', dirtyRateBytesPerSec: 1e9 });
    const src = make(11);
    const dst = make(12);
    expect(src.driver.device.framebuffer).toBeUndefined();
    const size = value(src.device.getDataSize());
    // Modeled streams cut the framebuffer in 256 MiB blocks (gpu-format.ts).
    expect(size).toBe(fullSize(16 * 1024 * MiB, REGS, GPU_MODELED_BLOCK_BYTES));
    const out = file(src.device.setState(PRE_COPY_P2P));
    const into = file(dst.device.setState(RESUMING));
    clock.advance(10 * NS_PER_MS);
    let moved = 0;
    for (;;) {
      const chunk = out.read(MiB);
      if (isErrno(chunk)) break;
      moved += chunk.length;
      value(into.write(chunk));
    }
    ok(src.device.setState(STOP_COPY));
    for (;;) {
      const chunk = value(out.read(MiB));
      if (chunk.length === 0) break;
      moved += chunk.length;
      value(into.write(chunk));
    }
    expect(moved).toBeGreaterThan(size);
    expect(src.driver.stats.bytesSaved).toBe(moved);
    ok(dst.device.setState(STOP));
    expect(dst.driver.stats.bytesLoaded).toBe(moved);
    expect(dst.driver.stateDigest()).toBe(src.driver.stateDigest());
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * MiB);
  });
});
