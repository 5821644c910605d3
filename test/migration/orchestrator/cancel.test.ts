import { describe, expect, test } from 'vitest';
import { MIG_STATE } from '../../../devices/vfio/states.ts';
import {
  baseline,
  capacity,
  digestOf,
  expectRolledBack,
  gpuPair,
  injectFaults,
  migState,
  mttyPair,
  type Pair,
  run,
} from './helpers.ts';

/*
 * The point of no return (qemu.md §2.3, §4 item 6). `migrate_cancel` moves QEMU to CANCELLING and
 * the PRECOPY_FAILED notifiers put the source device back to RUNNING, but only while the
 * migration has not completed; once the destination's vCPUs run the guest there, nothing can
 * un-migrate it (a second running copy would be split brain). The orchestrator therefore honours
 * a cancel at every event up to and including `stream-eof` (the target holds the whole state in
 * RESUMING, the source is still in STOP_COPY), and ignores it from the moment it tells the target
 * to run: the `target-state: RUNNING` event and everything after it.
 */
const COMMIT_STEP = { step: 'target-state', detail: 'RUNNING' } as const;

const SUBJECTS: readonly { readonly name: string; readonly make: () => Promise<Pair> }[] = [
  { name: 'mtty-2', make: () => mttyPair('mtty-2') },
  { name: 'gvtg 1 MiB (no dirtying)', make: () => gpuPair('gvtg', { framebufferMiB: 1, dirtyRateMiBps: 0 }) },
  { name: 'aggr x2 (no dirtying)', make: () => gpuPair('aggr', { framebufferMiB: 1, aggregate: 2 }) },
];

describe('cancellation at every event index (qemu.md §2.3 failure/cancel, §4 item 6)', () => {
  for (const s of SUBJECTS) {
    test(`${s.name}: cancel at event k rolls back for every k before the target runs; after that it completes unchanged`, async () => {
      const reference = await run(await s.make());
      expect(reference.result.outcome).toBe('completed');
      const n = reference.events.length;
      const commit = reference.events.findIndex(
        (e) => e.step === COMMIT_STEP.step && e.detail === COMMIT_STEP.detail,
      );
      expect(commit).toBeGreaterThan(0);
      expect(reference.events[commit - 1]?.step).toBe('stream-eof');

      for (let k = 0; k < n; k++) {
        const p = await s.make();
        const b = baseline(p);
        let asked = 0;
        const { result, events } = await run(p, {
          cancel: (e) => {
            if (e.seq === k) asked++;
            return e.seq === k;
          },
        });
        // Past the point of no return the hook is not even consulted.
        expect(asked).toBe(k < commit ? 1 : 0);
        const at = reference.events[k];
        if (k < commit) {
          expect(result.reason).toBe(`cancelled at event #${k} (${at?.phase}/${at?.step})`);
          expectRolledBack(p, b, result);
          // The cancelled event is the last one of the forward flow: the rollback follows at once.
          expect(events.slice(0, k + 1)).toEqual(reference.events.slice(0, k + 1));
          expect(events[k + 1]?.step).toBe('rollback');
          expect(events.at(-1)?.step).toBe('aborted');
          expect(result.events).toBe(events.length);
        } else {
          // Past the point of no return the cancel is ignored: the very same migration.
          expect(result).toEqual(reference.result);
          expect(events).toEqual(reference.events);
          expect(migState(p.dst, p.uuid)).toBe(MIG_STATE.RUNNING);
          expect(digestOf(p.dst, p.uuid)).toBe(result.targetDigest);
          expect(migState(p.src, p.uuid)).toBe('absent');
          expect(capacity(p.src, p.parent)).toEqual(b.dst);
        }
      }
    });
  }

  test('a cancel that keeps answering true is asked once and the rollback is not cancellable', async () => {
    const p = await mttyPair('mtty-1');
    const b = baseline(p);
    let asked = 0;
    const { result, events } = await run(p, {
      cancel: (e) => {
        asked++;
        return e.step === 'target-created' || e.phase === 'rollback';
      },
    });
    expect(result.reason).toBe('cancelled at event #2 (setup/target-created)');
    expectRolledBack(p, b, result);
    expect(asked).toBe(3);
    expect(events.map((e) => e.step)).toEqual([
      'handshake-start',
      'handshake-verdict',
      'target-created',
      'rollback',
      'target-removed',
      'aborted',
    ]);
  });
});

describe('past the point of no return nothing un-migrates (qemu.md §2.2 save_cleanup, §2.3)', () => {
  test('mtty-2: the source fails STOP_COPY->STOP in save_cleanup -> reset (QEMU: "failure ⇒ reset"), the migration still completes', async () => {
    const p = await mttyPair('mtty-2');
    const digest = digestOf(p.src, p.uuid);
    const fault = injectFaults(p.src, p.uuid, [
      { from: MIG_STATE.STOP_COPY, to: MIG_STATE.STOP, errno: 'EIO' },
    ]);
    const srcBefore = capacity(p.src, p.parent);
    const dstBefore = capacity(p.dst, p.parent);
    const { result, events } = await run(p);
    expect(fault.armed).toEqual([]);
    expect(result.outcome).toBe('completed');
    expect(result.reason).toBe(
      'the target runs the source state; cleanup: source SET STOP failed: EIO (injected fault on STOP_COPY->STOP); device in STOP_COPY',
    );
    expect(result.targetDigest).toBe(digest);
    expect(migState(p.dst, p.uuid)).toBe(MIG_STATE.RUNNING);
    expect(digestOf(p.dst, p.uuid)).toBe(digest);
    expect(events.some((e) => e.step === 'rollback')).toBe(false);
    expect(events.find((e) => e.step === 'source-reset')?.phase).toBe('cleanup');
    expect(events.some((e) => e.step === 'source-removed')).toBe(true);
    expect(capacity(p.src, p.parent)).toEqual(dstBefore);
    expect(capacity(p.dst, p.parent)).toEqual(srcBefore);
  });

  test('mtty-2: the source instance vanishes once the target runs -> removing it fails, the target keeps running', async () => {
    const p = await mttyPair('mtty-2');
    const digest = digestOf(p.src, p.uuid);
    const { result, events } = await run(p, {
      onEvent: (e) => {
        if (e.step === 'target-running')
          p.src.fs.writeFileSync(`/sys/bus/mdev/devices/${p.uuid}/remove`, '1');
      },
    });
    expect(result.outcome).toBe('completed');
    expect(result.reason).toMatch(/^the target runs the source state; cleanup: /);
    expect(result.target.uuid).toBe(p.uuid);
    expect(migState(p.dst, p.uuid)).toBe(MIG_STATE.RUNNING);
    expect(digestOf(p.dst, p.uuid)).toBe(digest);
    expect(events.some((e) => e.step === 'rollback')).toBe(false);
    expect(events.some((e) => e.step === 'target-removed')).toBe(false);
  });
});
