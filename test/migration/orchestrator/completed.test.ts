import { describe, expect, test } from 'vitest';
import { GpuMigrationDriver } from '../../../devices/state/gpu-driver.ts';
import { MttyMigrationDriver } from '../../../devices/state/mtty-driver.ts';
import { MIG_STATE } from '../../../devices/vfio/states.ts';
import { PHASES } from '../../../migration/orchestrator/events.ts';
import { decodeStream } from '../../../migration/stream/decoder.ts';
import {
  capacity,
  digestOf,
  type GpuDriver,
  gpuPair,
  MIB,
  migState,
  mttyPair,
  type Pair,
  record,
  run,
} from './helpers.ts';

/** The source's device-state driver (held before the migration removes the instance). */
function driverOf(p: Pair) {
  const vfio = p.src.kernel.devices.get(p.uuid)?.vfio;
  if (vfio === undefined) throw new Error('no source VFIO device');
  return vfio.driver;
}

describe('completed: mtty, byte-exact (kernel.md §5.2)', () => {
  for (const [type, ports, size, left] of [
    ['mtty-1', 1, 60, { 'mtty-1': '23\n', 'mtty-2': '11\n' }],
    ['mtty-2', 2, 96, { 'mtty-1': '22\n', 'mtty-2': '11\n' }],
  ] as const) {
    test(`${type}: the target runs the source's ${size}-byte struct mtty_data; MIG_DATA_SIZE ${size} on both ends (kernel.md §5.2)`, async () => {
      const p = await mttyPair(type);
      const mtty = driverOf(p);
      if (!(mtty instanceof MttyMigrationDriver)) throw new Error('not an mtty device');
      // Guest activity before the migration, so the state is not just the seeded one.
      mtty.setPort(0, { ...mtty.port(0), divisor: 0x1234, dlab: true, fcr: 0xc7 });
      const sourcePorts = mtty.portBytes;
      const digest = digestOf(p.src, p.uuid);
      expect(p.src.vfio.open(p.uuid).getDataSize()).toBe(size);
      const srcBefore = capacity(p.src, 'mtty');
      const dstBefore = capacity(p.dst, 'mtty');

      const { result, stream } = await record(p);

      expect(result.outcome).toBe('completed');
      expect(result.reason).toBe('the target runs the source state');
      expect(result.verdict.verdict).toBe('compatible');
      expect(result.target).toEqual({ host: 'dst', parent: 'mtty', uuid: p.uuid });
      expect(result.sourceDigest).toEqual({ before: digest, atStop: digest, after: digest });
      expect(result.targetDigest).toBe(digest);
      expect(digestOf(p.dst, p.uuid)).toBe(digest);
      const target = p.dst.kernel.devices.get(p.uuid)?.vfio;
      expect(target?.getState()).toBe(MIG_STATE.RUNNING);
      expect(target?.getDataSize()).toBe(size);
      const loaded = target?.driver;
      if (!(loaded instanceof MttyMigrationDriver)) throw new Error('target is not an mtty device');
      expect(loaded.nrPorts).toBe(ports);
      expect(loaded.portBytes).toEqual(sourcePorts);
      expect(loaded.port(0)).toMatchObject({ divisor: 0x1234, dlab: true, fcr: 0xc7 });

      // The device bytes on the wire are struct mtty_data: magic, 1.0, nr_ports, flags 0, ports.
      const data = Buffer.concat(
        decodeStream(stream).flatMap((f) => (f.kind === 'dev-data-state' ? [f.data] : [])),
      );
      expect(data.length).toBe(size);
      expect(data.readBigUInt64LE(0)).toBe(0x7e9d09898c3e2c4en);
      expect([
        data.readUInt32LE(8),
        data.readUInt32LE(12),
        data.readUInt32LE(16),
        data.readUInt32LE(20),
      ]).toEqual([1, 0, ports, 0]);
      expect(Buffer.from(data.subarray(24))).toEqual(Buffer.from(sourcePorts));
      expect(result.bytesTotal).toBe(stream.length);

      // Ports go back to the source's pool and come out of the target's.
      expect(capacity(p.src, 'mtty')).toEqual({ ...dstBefore });
      expect(capacity(p.dst, 'mtty')).toEqual({ ...srcBefore });
      expect(capacity(p.dst, 'mtty').available).toEqual(left);
      expect(migState(p.src, p.uuid)).toBe('absent');
    });
  }

  test("mtty-2: the event list is QEMU's device-state sequence on both ends (qemu.md §2.3)", async () => {
    const p = await mttyPair('mtty-2');
    const { result, events } = await run(p);
    expect(result.events).toBe(events.length);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(events.map((e) => (e.detail === undefined ? e.step : `${e.step}:${e.detail}`))).toEqual([
      `handshake-start:src:${p.uuid} -> dst`,
      'handshake-verdict:compatible',
      `target-created:dst:${p.uuid}`,
      'source-state:PRE_COPY',
      'target-validated:pre-copy',
      'target-state:RESUMING',
      'setup-sent',
      'precopy-iteration:#1 pending 24 B, device stop-copy 96 B',
      'switchover:converged',
      'source-state:PRE_COPY_P2P',
      'source-state:STOP_COPY',
      'target-validated:stop-copy',
      'stream-eof',
      'target-state:RUNNING',
      'target-running:downtime 0.028 ms',
      'source-state:STOP',
      `source-removed:${p.uuid}`,
      'completed:the target runs the source state',
    ]);
    // Phases come in PHASES order and virtual time never goes back.
    const order = events.map((e) => PHASES.indexOf(e.phase));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(events.map((e) => e.at)).toEqual([...events.map((e) => e.at)].sort((a, b) => a - b));
    expect(new Set(events.map((e) => e.phase))).toEqual(
      new Set(['handshake', 'setup', 'precopy', 'stopcopy', 'resume', 'cleanup']),
    );
    // Per-phase accounting adds up to the totals.
    const phases = Object.values(result.phases);
    expect(phases.reduce((s, x) => s + x.bytes, 0)).toBe(result.bytesTotal);
    expect(phases.reduce((s, x) => s + x.ns, 0)).toBe(result.totalNs);
    expect(result.phases.handshake).toEqual({ ns: result.handshakeNs, bytes: 0 });
    expect(result.phases.rollback).toEqual({ ns: 0, bytes: 0 });
    expect(result.handshakeShare).toBeCloseTo(result.handshakeNs / result.totalNs, 12);
    expect(result.iterations).toBe(1);
    expect(result.converged).toBe(true);
    expect(result.throttle).toBe(0);
  });

  test('mtty with autoConverge: nothing to throttle, throttle stays 0 (qemu.md §4 item 5: only guest dirtying is throttled)', async () => {
    const { result, events } = await run(await mttyPair('mtty-1'), { autoConverge: true });
    expect(result.outcome).toBe('completed');
    expect(result.throttle).toBe(0);
    expect(events.some((e) => e.step === 'auto-converge')).toBe(false);
  });

  test('keepSource: the source instance stays, stopped (STOP, qemu.md §2.3 step 3), and keeps its ports', async () => {
    const p = await mttyPair('mtty-2');
    const srcBefore = capacity(p.src, 'mtty');
    const { result, events } = await run(p, { keepSource: true });
    expect(result.outcome).toBe('completed');
    expect(migState(p.src, p.uuid)).toBe(MIG_STATE.STOP);
    expect(capacity(p.src, 'mtty')).toEqual(srcBefore);
    expect(migState(p.dst, p.uuid)).toBe(MIG_STATE.RUNNING);
    expect(events.some((e) => e.step === 'source-removed')).toBe(false);
    expect(result.sourceDigest.after).toBe(result.sourceDigest.before);
  });
});

const GPU_CASES: readonly { driver: GpuDriver; aggregate: number; framebufferMiB: number; type: string }[] = [
  { driver: 'gvtg', aggregate: 1, framebufferMiB: 4, type: 'i915-GVTg_V5_4' },
  { driver: 'vgpu', aggregate: 1, framebufferMiB: 4, type: 'nvidia-155' },
  // 2 MiB x aggregate 2: the same 4 MiB of state.
  { driver: 'aggr', aggregate: 2, framebufferMiB: 2, type: 'i915-GVTg_V5_4' },
];

/** 4 MiB/s and 100 ms: the switchover threshold is 0.4 MiB, well under the 4 MiB state. */
const SLOW_LINK = { bandwidth: 4 * MIB, downtimeLimitMs: 100 } as const;

describe('completed: GPU-like devices with a dirtying guest (qemu.md §4, performance.md §B.5)', () => {
  for (const c of GPU_CASES) {
    test(`${c.driver} x${c.aggregate}, real payload, 2 MiB/s dirty: pre-copy iterates, converges, downtime ≤ the limit, digests match`, async () => {
      const p = await gpuPair(c.driver, {
        framebufferMiB: c.framebufferMiB,
        dirtyRateMiBps: 2,
        aggregate: c.aggregate,
      });
      const srcBefore = capacity(p.src, p.parent);
      const dstBefore = capacity(p.dst, p.parent);
      const { result, events } = await run(p, SLOW_LINK);

      expect(result.outcome).toBe('completed');
      expect(result.iterations).toBeGreaterThan(1);
      expect(result.converged).toBe(true);
      expect(result.downtimeNs).toBeGreaterThan(0);
      expect(result.downtimeNs).toBeLessThanOrEqual(100e6);
      expect(result.sourceDigest.atStop).toBeDefined();
      // The guest kept writing during pre-copy, so what moved is not what we started from.
      expect(result.sourceDigest.atStop).not.toBe(result.sourceDigest.before);
      expect(result.targetDigest).toBe(result.sourceDigest.atStop);
      // The iterations: each sent the pending bytes, and pending shrank to the threshold.
      const iterations = events.filter((e) => e.step === 'precopy-iteration');
      expect(iterations).toHaveLength(result.iterations);
      expect(events.find((e) => e.step === 'switchover')?.detail).toBe('converged');
      expect(result.phases.precopy.bytes).toBeGreaterThan(4 * MIB);
      expect(result.phases.stopcopy.bytes).toBeLessThanOrEqual(0.4 * MIB + 4096);
      // Pre-copy time is transfer time: bytes / bandwidth on the virtual clock.
      expect(result.phases.precopy.ns).toBeGreaterThanOrEqual(
        (result.phases.precopy.bytes / (4 * MIB)) * 1e9,
      );

      // The target instance: same type, same aggregate; the capacities trade places.
      const target = p.dst.kernel.devices.get(p.uuid);
      expect(target?.type.id).toBe(c.type);
      expect(target?.params.aggregate).toBe(c.aggregate);
      expect(migState(p.dst, p.uuid)).toBe(MIG_STATE.RUNNING);
      expect(migState(p.src, p.uuid)).toBe('absent');
      expect(capacity(p.src, p.parent)).toEqual(dstBefore);
      expect(capacity(p.dst, p.parent)).toEqual(srcBefore);
      if (c.driver === 'aggr') {
        expect(p.dst.fs.readFileSync(`/sys/bus/mdev/devices/${p.uuid}/aggregated_instances`, 'latin1')).toBe(
          '2\n',
        );
      }
    });
  }

  test('gvtg, guest dirtying 8 MiB/s over a 4 MiB/s link: maxIterations ends pre-copy unconverged, downtime over the limit, state still exact (qemu.md §4 item 6)', async () => {
    const p = await gpuPair('gvtg', { framebufferMiB: 4, dirtyRateMiBps: 8 });
    const { result, events } = await run(p, { ...SLOW_LINK, maxIterations: 5 });
    expect(result.outcome).toBe('completed');
    expect(result.iterations).toBe(5);
    expect(result.converged).toBe(false);
    expect(events.find((e) => e.step === 'switchover')?.detail).toBe('iterations exhausted');
    expect(result.downtimeNs).toBeGreaterThan(100e6);
    expect(result.throttle).toBe(0);
    expect(result.targetDigest).toBe(result.sourceDigest.atStop);
  });

  test('gvtg with autoConverge: throttle 20 % after two high-dirty periods, then +10 % (qemu.md §4 item 5)', async () => {
    const p = await gpuPair('gvtg', { framebufferMiB: 4, dirtyRateMiBps: 8 });
    const gpu = driverOf(p);
    if (!(gpu instanceof GpuMigrationDriver)) throw new Error('not a GPU device');
    const { result, events } = await run(p, { ...SLOW_LINK, maxIterations: 8, autoConverge: true });
    expect(result.outcome).toBe('completed');
    const steps = events.filter((e) => e.step === 'auto-converge').map((e) => e.detail);
    expect(steps).toEqual([
      'guest throttled to 20 %',
      'guest throttled to 30 %',
      'guest throttled to 40 %',
      'guest throttled to 50 %',
    ]);
    // Each step follows two iterations whose dirtying outran 50 % of what they sent.
    const at = events.flatMap((e, i) => (e.step === 'auto-converge' ? [i] : []));
    for (const i of at) expect(events[i - 1]?.step).toBe('precopy-iteration');
    const iterationsBefore = at.map(
      (i) => events.slice(0, i).filter((e) => e.step === 'precopy-iteration').length,
    );
    expect(iterationsBefore).toEqual([2, 4, 6, 8]);
    expect(result.throttle).toBeCloseTo(0.5, 12);
    expect(gpu.dirtyProcess.throttle).toBeCloseTo(0.5, 12);
    expect(result.targetDigest).toBe(result.sourceDigest.atStop);
  });

  test('autoConverge lets a 3 MiB/s guest converge sooner than without it (qemu.md §4 item 5)', async () => {
    const opts = { ...SLOW_LINK, maxIterations: 30 };
    const plain = await run(await gpuPair('gvtg', { framebufferMiB: 4, dirtyRateMiBps: 3 }), opts);
    const throttled = await run(await gpuPair('gvtg', { framebufferMiB: 4, dirtyRateMiBps: 3 }), {
      ...opts,
      autoConverge: true,
    });
    expect(throttled.result.converged).toBe(true);
    expect(throttled.result.throttle).toBeCloseTo(0.2, 12);
    expect(throttled.result.iterations).toBeLessThanOrEqual(plain.result.iterations);
    expect(throttled.result.targetDigest).toBe(throttled.result.sourceDigest.atStop);
  });

  test('vgpu, modeled payload, 512 MiB: sizes and time without the bytes; total ≥ bytes / bandwidth (performance.md §B.5)', async () => {
    const p = await gpuPair('vgpu', { framebufferMiB: 512, dirtyRateMiBps: 0, payload: 'modeled' });
    const { result } = await run(p);
    expect(result.outcome).toBe('completed');
    expect(result.bytesTotal).toBeGreaterThan(512 * MIB);
    expect(result.converged).toBe(true);
    expect(result.iterations).toBe(1);
    // 128 MiB/s default: over 4 virtual seconds, almost all of it in pre-copy.
    expect(result.totalNs).toBeGreaterThanOrEqual((result.bytesTotal / (128 * MIB)) * 1e9);
    expect(result.phases.precopy.bytes).toBeGreaterThan(512 * MIB);
    expect(result.downtimeNs).toBeLessThanOrEqual(300e6);
    expect(result.targetDigest).toBe(result.sourceDigest.atStop);
    expect(p.dst.kernel.devices.get(p.uuid)?.type.id).toBe('nvidia-155');
  });

  test('determinism (DESIGN.md principle 4): same seed and inputs give the same result and events; another seed does not', async () => {
    const once = async (seed: number) =>
      run(await gpuPair('vgpu', { framebufferMiB: 2, dirtyRateMiBps: 3, seed }), {
        ...SLOW_LINK,
        autoConverge: true,
      });
    const a = await once(21);
    const b = await once(21);
    expect(b.result).toEqual(a.result);
    expect(b.events).toEqual(a.events);
    expect(a.result.iterations).toBeGreaterThan(1);
    const c = await once(22);
    expect(c.result.sourceDigest.before).not.toBe(a.result.sourceDigest.before);
  });
});
