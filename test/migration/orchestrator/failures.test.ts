import { describe, expect, test } from 'vitest';
import { fail } from '../../../core/result.ts';
import { Rng } from '../../../core/rng.ts';
import type { VersionPolicy } from '../../../devices/policies/policy.ts';
import { getPolicy } from '../../../devices/policies/registry.ts';
import { MttyMigrationDriver } from '../../../devices/state/mtty-driver.ts';
import { FaultInjectingDriver } from '../../../devices/vfio/fault-injection.ts';
import { MIG_STATE, type MigState } from '../../../devices/vfio/states.ts';
import { VfioMigrationDevice } from '../../../devices/vfio/vfio-device.ts';
import type { MigrationEvent } from '../../../migration/orchestrator/events.ts';
import { decodeStream } from '../../../migration/stream/decoder.ts';
import type { Frame } from '../../../migration/stream/frame.ts';
import {
  baseline,
  capacity,
  dataFrameIndex,
  digestOf,
  expectRolledBack,
  gpuPair,
  injectFaults,
  migState,
  mttyPair,
  type Pair,
  record,
  replay,
  rewrite,
  run,
  truncateAt,
} from './helpers.ts';

const { RUNNING, STOP, STOP_COPY, RESUMING, RUNNING_P2P, PRE_COPY, PRE_COPY_P2P } = MIG_STATE;

/** The devices every failure path runs on; GPU without dirtying so its digest is stable. */
const SUBJECTS: readonly { readonly name: string; readonly make: () => Promise<Pair> }[] = [
  { name: 'mtty-2', make: () => mttyPair('mtty-2') },
  { name: 'gvtg 1 MiB', make: () => gpuPair('gvtg', { framebufferMiB: 1, dirtyRateMiBps: 0 }) },
];

interface ArcCase {
  readonly from: MigState;
  readonly to: MigState;
  readonly intoError?: boolean;
  readonly reason: string;
}

const SOURCE_ARCS: readonly ArcCase[] = [
  {
    from: RUNNING,
    to: PRE_COPY,
    reason: 'source SET PRE_COPY failed: EIO (injected fault on RUNNING->PRE_COPY); device in RUNNING',
  },
  {
    from: PRE_COPY,
    to: PRE_COPY_P2P,
    reason:
      'source SET PRE_COPY_P2P failed: EIO (injected fault on PRE_COPY->PRE_COPY_P2P); device in PRE_COPY',
  },
  {
    from: PRE_COPY_P2P,
    to: STOP_COPY,
    intoError: true,
    reason: 'source SET STOP_COPY failed: EIO (injected fault on PRE_COPY_P2P->STOP_COPY); device in ERROR',
  },
];

const TARGET_ARCS: readonly ArcCase[] = [
  {
    from: STOP,
    to: RESUMING,
    reason: 'target SET RESUMING failed: EIO (injected fault on STOP->RESUMING); device in STOP',
  },
  {
    from: RESUMING,
    to: STOP,
    intoError: true,
    reason: 'target SET RUNNING failed: EIO (injected fault on RESUMING->STOP); device in ERROR',
  },
  {
    from: RUNNING_P2P,
    to: RUNNING,
    reason: 'target SET RUNNING failed: EIO (injected fault on RUNNING_P2P->RUNNING); device in RUNNING_P2P',
  },
];

const arcName = (a: ArcCase) =>
  `${Object.entries(MIG_STATE).find(([, v]) => v === a.from)?.[0]}->${Object.entries(MIG_STATE).find(([, v]) => v === a.to)?.[0]}${a.intoError ? ' (into ERROR)' : ''}`;

describe('aborted: a driver step fails, everything rolls back (qemu.md §2.3 failure path, kernel.md §3.3)', () => {
  for (const s of SUBJECTS) {
    for (const arc of SOURCE_ARCS) {
      test(`${s.name}: source arc ${arcName(arc)} fails -> source RUNNING, state intact, target removed`, async () => {
        const p = await s.make();
        const b = baseline(p);
        const fault = injectFaults(p.src, p.uuid, [
          { from: arc.from, to: arc.to, errno: 'EIO', ...(arc.intoError ? { intoError: true } : {}) },
        ]);
        const { result, events } = await run(p);
        expect(fault.armed).toEqual([]);
        expect(result.reason).toBe(arc.reason);
        expectRolledBack(p, b, result);
        expect(events.at(-1)?.step).toBe('aborted');
        expect(events.filter((e) => e.step === 'target-removed')).toHaveLength(1);
        expect(result.phases.rollback.ns).toBeGreaterThan(0);
      });
    }
    for (const arc of TARGET_ARCS) {
      test(`${s.name}: target arc ${arcName(arc)} fails -> source RUNNING, state intact, target removed`, async () => {
        const p = await s.make();
        const b = baseline(p);
        let fault: FaultInjectingDriver | undefined;
        const onEvent = (e: MigrationEvent) => {
          if (e.step === 'target-created') {
            fault = injectFaults(p.dst, p.uuid, [
              { from: arc.from, to: arc.to, errno: 'EIO', ...(arc.intoError ? { intoError: true } : {}) },
            ]);
          }
        };
        const { result } = await run(p, { onEvent });
        expect(fault?.armed).toEqual([]);
        expect(result.reason).toBe(arc.reason);
        expectRolledBack(p, b, result);
      });
    }
  }
});

describe('aborted: the stream is damaged on the wire (qemu.md §3.3 loader checks)', () => {
  for (const s of SUBJECTS) {
    test(`${s.name}: one flipped byte in the section start is a crc mismatch -> aborted, rolled back`, async () => {
      const p = await s.make();
      const b = baseline(p);
      const wire = (chunk: Uint8Array, offset: number) => {
        const at = 120 - offset;
        if (at < 0 || at >= chunk.length) return chunk;
        const copy = Uint8Array.from(chunk);
        copy[at] = (copy[at] ?? 0) ^ 0x40;
        return copy;
      };
      const { result } = await run(p, { wire });
      expect(result.reason).toMatch(/^stream: migration stream, offset \d+: crc-mismatch: /);
      expectRolledBack(p, b, result);
    });

    test(`${s.name}: a flipped device byte in stop-copy is caught after the source stopped -> rolled back from STOP_COPY`, async () => {
      const p = await s.make();
      const b = baseline(p);
      const reference = await record(await s.make());
      const frames = decodeStream(reference.stream);
      // The first byte of the last device data frame's payload.
      const last = lastDataFrameOffset(reference.stream, frames);
      const { result, events } = await run(p, {
        wire: (chunk, offset) => {
          const at = last - offset;
          if (at < 0 || at >= chunk.length) return chunk;
          const copy = Uint8Array.from(chunk);
          copy[at] = (copy[at] ?? 0) ^ 1;
          return copy;
        },
      });
      expect(result.reason).toMatch(/crc-mismatch/);
      expect(events.some((e) => e.step === 'source-state' && e.detail === 'STOP_COPY')).toBe(true);
      expect(result.downtimeNs).toBeGreaterThan(0);
      expectRolledBack(p, b, result);
    });

    test(`${s.name}: the stream is cut short -> truncated at EOF, aborted, rolled back`, async () => {
      const p = await s.make();
      const b = baseline(p);
      const { result } = await run(p, { wire: truncateAt(500) });
      expect(result.reason).toMatch(/^stream: migration stream, offset \d+: truncated: input ended/);
      expectRolledBack(p, b, result);
    });
  }
});

/** Stream offset of the first payload byte of the last data frame (found by searching its bytes). */
function lastDataFrameOffset(stream: Buffer, frames: readonly Frame[]): number {
  const last = frames.findLast((f) => f.kind === 'dev-data-state');
  if (last?.kind !== 'dev-data-state') throw new Error('no data frame');
  const at = stream.lastIndexOf(Buffer.from(last.data));
  if (at < 0) throw new Error('payload not found');
  return at;
}

/** Creates instances through sysfs until the parent is full (ENOSPC), like another tenant would. */
function fill(p: Pair, type: string): number {
  let n = 0;
  for (;;) {
    const uuid = `00000000-0000-4000-8000-${(0xf00 + n).toString(16).padStart(12, '0')}`;
    try {
      p.dst.fs.writeFileSync(`/sys/class/mdev_bus/${p.parent}/mdev_supported_types/${type}/create`, uuid);
    } catch {
      return n;
    }
    n++;
  }
}

describe('aborted: the world changes between the handshake and its use (time of check / time of use, kernel.md §2.5)', () => {
  for (const [name, make, type, filler, count] of [
    ['mtty-2', () => mttyPair('mtty-2'), 'mtty-2', 'mtty-1', 24],
    ['gvtg', () => gpuPair('gvtg'), 'i915-GVTg_V5_4', 'i915-GVTg_V5_8', 8],
  ] as const) {
    test(`${name}: the target's capacity is taken after the handshake -> create fails ENOSPC, nothing to roll back (kernel.md §1.3, §5.1)`, async () => {
      const p = await make();
      const digest = digestOf(p.src, p.uuid);
      const src = capacity(p.src, p.parent);
      let full: ReturnType<typeof capacity> | undefined;
      const { result, events } = await run(p, {
        onEvent: (e) => {
          if (e.step !== 'handshake-verdict') return;
          expect(fill(p, filler)).toBe(count);
          full = capacity(p.dst, p.parent);
        },
      });
      expect(result.outcome).toBe('aborted');
      expect(result.verdict.verdict).toBe('compatible');
      expect(result.reason).toBe(`creating the target ${type} on dst:${p.parent} failed: ENOSPC`);
      expect(result.bytesTotal).toBe(0);
      expect(events.some((e) => e.step === 'target-created')).toBe(false);
      expect(capacity(p.dst, p.parent)).toEqual(full);
      expect(capacity(p.src, p.parent)).toEqual(src);
      expect(migState(p.src, p.uuid)).toBe(RUNNING);
      expect(result.sourceDigest).toEqual({ before: digest, after: digest });
    });
  }

  /** A driver update that refuses every string (what a policy change mid-migration looks like). */
  const refuseAll: VersionPolicy = {
    name: 'refuse-all',
    description: 'refuses every migration version (test fixture)',
    show: () => 'updated-driver',
    store: () => fail('EINVAL', 'driver updated: no longer compatible'),
  };
  const notReflexive = getPolicy('broken-not-reflexive');
  if (notReflexive === undefined) throw new Error('broken-not-reflexive is not registered');

  for (const s of SUBJECTS) {
    for (const [policyName, policy] of [
      ['broken-not-reflexive', notReflexive],
      ['an inline refuse-all', refuseAll],
    ] as const) {
      test(`${s.name}: the target driver switches to ${policyName} after the handshake -> refused at the pre-copy re-validation (kernel.md §2.5)`, async () => {
        const p = await s.make();
        const b = baseline(p);
        const { result, events } = await run(p, {
          onEvent: (e) => {
            if (e.step !== 'handshake-verdict') return;
            const parent = p.dst.kernel.parents.get(p.parent);
            if (parent === undefined) throw new Error('no target parent');
            parent.policy = policy;
          },
        });
        expect(result.verdict.verdict).toBe('compatible');
        expect(result.reason).toMatch(/^target driver refused the source version at pre-copy: E[A-Z]+$/);
        expect(events.some((e) => e.step === 'target-validated')).toBe(false);
        expectRolledBack(p, b, result);
      });
    }

    test(`${s.name}: the policy changes during pre-copy -> refused at the stop-copy re-validation, source back from STOP_COPY`, async () => {
      const p = await s.make();
      const b = baseline(p);
      const { result, events } = await run(p, {
        onEvent: (e) => {
          if (e.step !== 'switchover') return;
          const parent = p.dst.kernel.parents.get(p.parent);
          if (parent !== undefined) parent.policy = refuseAll;
        },
      });
      expect(result.reason).toBe('target driver refused the source version at stop-copy: EINVAL');
      expect(events.filter((e) => e.step === 'target-validated').map((e) => e.detail)).toEqual(['pre-copy']);
      expect(events.some((e) => e.step === 'source-state' && e.detail === 'STOP_COPY')).toBe(true);
      expectRolledBack(p, b, result);
    });
  }
});

describe('aborted: the mtty target refuses the device stream (kernel.md §5.2 resume errors)', () => {
  test('mtty-2 into a one-port device: the header check fails EFAULT on the write that completes it', async () => {
    const p = await mttyPair('mtty-2');
    const b = baseline(p);
    const { result } = await run(p, {
      onEvent: (e) => {
        if (e.step !== 'target-created') return;
        const device = p.dst.kernel.devices.get(p.uuid);
        if (device === undefined) throw new Error('no target');
        device.vfio = new VfioMigrationDevice(new MttyMigrationDriver({ nrPorts: 1, rng: new Rng(1) }));
      },
    });
    expect(result.reason).toBe('target data fd write: EFAULT (mtty stream header mismatch)');
    expectRolledBack(p, b, result);
  });

  // Header fields rewritten with a valid crc, so the stream passes and the device judges.
  for (const [field, offset, value] of [
    ['magic', 0, 0x00],
    ['major_ver', 8, 2],
    ['minor_ver', 12, 1],
    ['nr_ports', 16, 1],
    ['flags', 20, 1],
  ] as const) {
    test(`mtty-2: header ${field} rewritten (crc fixed up) -> EFAULT, aborted, rolled back`, async () => {
      const reference = await record(await mttyPair('mtty-2'));
      const mutated = rewrite(reference.stream, (frames) => {
        const i = dataFrameIndex(frames, 0);
        const f = frames[i];
        if (f?.kind !== 'dev-data-state') throw new Error('not a data frame');
        const data = Uint8Array.from(f.data);
        expect(data.length).toBe(24);
        data[offset] = value;
        return frames.with(i, { ...f, data });
      });
      expect(mutated.length).toBe(reference.stream.length);
      const p = await mttyPair('mtty-2');
      const b = baseline(p);
      const { result } = await run(p, { wire: replay(mutated, reference.stream.length) });
      expect(result.reason).toBe('target data fd write: EFAULT (mtty stream header mismatch)');
      expectRolledBack(p, b, result);
    });
  }

  test('mtty-2: the ports never arrive (stop-copy data dropped, crc fixed up) -> RESUMING->STOP fails EINVAL', async () => {
    const reference = await record(await mttyPair('mtty-2'));
    const mutated = rewrite(reference.stream, (frames) => frames.toSpliced(dataFrameIndex(frames, 1), 1));
    expect(mutated.length).toBeLessThan(reference.stream.length);
    const p = await mttyPair('mtty-2');
    const b = baseline(p);
    const { result } = await run(p, { wire: replay(mutated, reference.stream.length) });
    expect(result.reason).toBe(
      'target SET RUNNING failed: EINVAL (expected 96 bytes, got 24); device in RESUMING',
    );
    expectRolledBack(p, b, result);
  });

  test('mtty-2: extra device bytes past the stream size -> ENOMEM on the write (kernel.md §5.2)', async () => {
    const reference = await record(await mttyPair('mtty-2'));
    const mutated = rewrite(reference.stream, (frames) => {
      const i = dataFrameIndex(frames, 1);
      const f = frames[i];
      if (f?.kind !== 'dev-data-state') throw new Error('not a data frame');
      return frames.toSpliced(i + 1, 0, { ...f, data: new Uint8Array(4) });
    });
    const p = await mttyPair('mtty-2');
    const b = baseline(p);
    const { result } = await run(p, { wire: replay(mutated, reference.stream.length) });
    expect(result.reason).toBe('target data fd write: ENOMEM (write ends at 100, stream is 96 bytes)');
    expectRolledBack(p, b, result);
  });
});

/** A driver bug no check catches: the loaded device reports other state than it was sent. */
class ForgetfulDriver extends FaultInjectingDriver {
  override stateDigest(): string {
    return '0'.repeat(64);
  }
}

describe('aborted: the target runs other state than the source sent (DESIGN.md principle 7)', () => {
  for (const s of SUBJECTS) {
    test(`${s.name}: digest mismatch after the load -> aborted before target-running, source back from STOP_COPY`, async () => {
      const p = await s.make();
      const b = baseline(p);
      const { result, events } = await run(p, {
        onEvent: (e) => {
          if (e.step !== 'target-created') return;
          const device = p.dst.kernel.devices.get(p.uuid);
          if (device?.vfio === undefined) throw new Error('no target');
          device.vfio = new VfioMigrationDevice(new ForgetfulDriver(device.vfio.driver));
        },
      });
      expect(result.reason).toBe(
        `target state digest ${'0'.repeat(64)} differs from the source's ${b.digest}`,
      );
      expect(events.some((e) => e.step === 'target-state' && e.detail === 'RUNNING')).toBe(true);
      expect(events.some((e) => e.step === 'target-running')).toBe(false);
      expectRolledBack(p, b, result);
    });
  }
});
