import { describe, expect, test } from 'vitest';
import { GpuMigrationDriver } from '../../../devices/state/gpu-driver.ts';
import { GPU_MODELED_BLOCK_BYTES } from '../../../devices/state/gpu-format.ts';
import { resolveOptions } from '../../../migration/orchestrator/options.ts';
import { digestOf, gpuPair, MIB, type Pair, run } from './helpers.ts';

function gpuOf(p: Pair, side: 'src' | 'dst'): GpuMigrationDriver {
  const driver = p[side].kernel.devices.get(p.uuid)?.vfio?.driver;
  if (!(driver instanceof GpuMigrationDriver)) throw new Error(`no GPU device on ${side}`);
  return driver;
}

describe('state digests: cached, and optional (options.ts verifyDigests)', () => {
  test('default: the target is digest-checked; the source is hashed once, at-stop and after come from the cache', async () => {
    const p = await gpuPair('gvtg', { framebufferMiB: 4, dirtyRateMiBps: 0 });
    const src = gpuOf(p, 'src');
    expect(src.device.pendingDigestBlocks).toBe(4); // seeded: nothing hashed yet
    const { result } = await run(p);
    expect(result.outcome).toBe('completed');
    const d = result.sourceDigest.before;
    expect(result.sourceDigest).toEqual({ before: d, atStop: d, after: d });
    expect(result.targetDigest).toBe(d);
    expect(src.device.pendingDigestBlocks).toBe(0);
    expect(gpuOf(p, 'dst').device.pendingDigestBlocks).toBe(0);
  });

  test('a guest writing during pre-copy: at-stop differs from before, the target still matches it', async () => {
    const p = await gpuPair('vgpu', { framebufferMiB: 4, dirtyRateMiBps: 2 });
    const { result } = await run(p);
    expect(result.outcome).toBe('completed');
    expect(result.sourceDigest.atStop).not.toBe(result.sourceDigest.before);
    expect(result.targetDigest).toBe(result.sourceDigest.atStop);
    expect(result.sourceDigest.after).toBe(result.sourceDigest.atStop); // a stopped source is frozen
  });

  test('verifyDigests: false takes no digest; the states still match when compared afterwards', async () => {
    const p = await gpuPair('gvtg', { framebufferMiB: 4, dirtyRateMiBps: 0 });
    const src = gpuOf(p, 'src');
    const { result } = await run(p, { verifyDigests: false });
    expect(result.outcome).toBe('completed');
    expect(result.sourceDigest).toEqual({ before: '', after: '' });
    expect(result.targetDigest).toBeUndefined();
    expect(src.device.pendingDigestBlocks).toBe(4); // nobody hashed the source
    expect(digestOf(p.dst, p.uuid)).toBe(src.stateDigest());
  });

  test('the target is zero-filled until loaded: before the load its digest is the zero state', async () => {
    const p = await gpuPair('gvtg', { framebufferMiB: 2, dirtyRateMiBps: 0 });
    let beforeLoad = '';
    await run(p, {
      onEvent: (e) => {
        if (e.step === 'target-created') {
          const target = gpuOf(p, 'dst');
          expect(target.device.framebuffer?.every((b) => b === 0)).toBe(true);
          expect(target.device.pendingDigestBlocks).toBe(0);
          beforeLoad = target.stateDigest();
        }
      },
    });
    expect(beforeLoad).not.toBe('');
    expect(digestOf(p.dst, p.uuid)).not.toBe(beforeLoad);
  });
});

describe('data fd read size (read-size.ts)', () => {
  /** Sizes of the stream chunks the writer handed over (payloadCrc off: the tap only counts). */
  async function chunkSizes(p: Pair, options: { chunkBytes?: number } = {}) {
    const sizes: number[] = [];
    const { result } = await run(p, {
      ...options,
      payloadCrc: false,
      wire: (chunk) => {
        sizes.push(chunk.length);
        return chunk;
      },
    });
    return { result, sizes };
  }

  test('modeled: 256 MiB chunks in one read each, same virtual time as QEMU-sized 1 MiB reads', async () => {
    const modeled = { framebufferMiB: 1024, dirtyRateMiBps: 0, payload: 'modeled' as const };
    const big = await chunkSizes(await gpuPair('vgpu', modeled));
    const small = await chunkSizes(await gpuPair('vgpu', modeled), { chunkBytes: MIB });
    expect(big.result.outcome).toBe('completed');
    expect(small.result.outcome).toBe('completed');
    expect(big.sizes.filter((n) => n === GPU_MODELED_BLOCK_BYTES + 16)).toHaveLength(4);
    expect(big.sizes.length).toBeLessThan(60);
    expect(Math.max(...small.sizes)).toBeLessThanOrEqual(MIB);
    expect(small.sizes.length).toBeGreaterThan(3 * 1024);
    expect(big.result.targetDigest).toBe(small.result.targetDigest);
    // Only framing differs: ~45 bytes per frame, a few thousand frames fewer.
    const framing = small.result.bytesTotal - big.result.bytesTotal;
    expect(framing).toBeGreaterThan(0);
    expect(framing).toBeLessThan(200 * 1024);
    expect(Math.abs(small.result.totalNs - big.result.totalNs)).toBeLessThan(2e6);
  });

  test('real payload keeps QEMU reads: no stream chunk above 1 MiB', async () => {
    const { result, sizes } = await chunkSizes(await gpuPair('gvtg', { framebufferMiB: 3 }));
    expect(result.outcome).toBe('completed');
    expect(Math.max(...sizes)).toBe(MIB);
  });

  test('a maxFrameSize below the read size is refused up front, and bounds the modeled read', async () => {
    expect(() => resolveOptions({ maxFrameSize: MIB })).toThrow(/maxFrameSize/);
    expect(() => resolveOptions({ chunkBytes: 8 * MIB, maxFrameSize: 8 * MIB })).toThrow(/maxFrameSize/);
    const p = await gpuPair('vgpu', { framebufferMiB: 512, dirtyRateMiBps: 0, payload: 'modeled' });
    const sizes: number[] = [];
    const { result } = await run(p, {
      maxFrameSize: 32 * MIB,
      payloadCrc: false,
      wire: (chunk) => {
        sizes.push(chunk.length);
        return chunk;
      },
    });
    expect(result.outcome).toBe('completed');
    expect(Math.max(...sizes)).toBeLessThanOrEqual(32 * MIB);
  });
});
