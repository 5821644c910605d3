import { describe, expect, test } from 'vitest';
import { MIG_STATE } from '../../../devices/vfio/states.ts';
import { migrate } from '../../../migration/orchestrator/migrate.ts';
import { capacity, digestOf, gpuPair, migState, mttyPair, type Pair, run } from './helpers.ts';

interface Case {
  readonly name: string;
  readonly make: () => Promise<Pair>;
  /** The target parent to ask for (default: the pair's own). */
  readonly toParent?: string;
  readonly verdict: 'incompatible' | 'not-migratable';
  readonly step: 0 | 1 | 2;
  readonly errno: string;
  readonly reason: string;
}

const CASES: readonly Case[] = [
  {
    name: 'a different PCI id (8086:193b -> 8086:191b): the target write fails EINVAL (kernel.md §2.3, seed case 2)',
    make: () => gpuPair('gvtg', { target: { pciId: '8086:191b' } }),
    verdict: 'incompatible',
    step: 2,
    errno: 'EINVAL',
    reason: 'handshake: target refused the version',
  },
  {
    name: 'the target driver has no migration_version attribute (kernel.md §2.2, seed case 3)',
    make: () => gpuPair('gvtg', { target: { migration: false } }),
    verdict: 'incompatible',
    step: 2,
    errno: 'EACCES',
    reason: 'handshake: target has no migration version attribute',
  },
  {
    name: 'the source driver has no attribute: not migratable (kernel.md §2.2 R1)',
    make: () => gpuPair('gvtg', { source: { migration: false } }),
    verdict: 'not-migratable',
    step: 1,
    errno: 'ENOENT',
    reason: 'handshake: source has no migration version attribute',
  },
  {
    name: 'mtty target without the attribute (kernel.md §5.2 has no migration_version; the series adds it)',
    make: () => mttyPair('mtty-2', 7, { migration: false }),
    verdict: 'incompatible',
    step: 2,
    errno: 'EACCES',
    reason: 'handshake: target has no migration version attribute',
  },
];

describe('refused: the handshake says no, nothing is created and not one byte is sent (kernel.md §2.2 R7)', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const p = await c.make();
      const digest = digestOf(p.src, p.uuid);
      const src = capacity(p.src, p.parent);
      const dst = capacity(p.dst, p.parent);
      let created = 0;
      p.dst.kernel.bus.on('mdev:created', () => created++);

      const { result, events } = await run(p);

      expect(result.outcome).toBe('refused');
      expect(result.reason.startsWith(c.reason)).toBe(true);
      expect(result.verdict).toMatchObject({ verdict: c.verdict, step: c.step, errno: c.errno });
      expect(result.bytesTotal).toBe(0);
      expect(result.iterations).toBe(0);
      expect(result.downtimeNs).toBe(0);
      expect(result.target.uuid).toBeUndefined();
      expect(result.sourceDigest).toEqual({ before: digest, after: digest });
      expect(events.map((e) => e.step)).toEqual(['handshake-start', 'handshake-verdict', 'refused']);
      expect(result.totalNs).toBe(result.handshakeNs);
      expect(created).toBe(0);
      expect(capacity(p.dst, p.parent)).toEqual(dst);
      expect(capacity(p.src, p.parent)).toEqual(src);
      expect(migState(p.src, p.uuid)).toBe(MIG_STATE.RUNNING);
      expect(digestOf(p.src, p.uuid)).toBe(digest);
    });
  }

  test('the type is not offered on the target parent (kernel.md §2.2 R7 step 0): ENOENT, nothing created', async () => {
    // The target host has only a vgpu parent: nothing offers i915-GVTg_V5_4 there.
    const p = await gpuPair('gvtg', {
      target: { driver: 'vgpu', address: '0000:3b:00.0', pciId: '10de:13bd' },
    });
    const digest = digestOf(p.src, p.uuid);
    const dst = capacity(p.dst, '0000:3b:00.0');
    const result = await migrate(p.world, { from: { host: 'src', uuid: p.uuid }, to: { host: 'dst' } });
    expect(result.outcome).toBe('refused');
    expect(result.target.parent).toBe('0000:3b:00.0');
    expect(result.verdict).toMatchObject({ verdict: 'incompatible', step: 0, errno: 'ENOENT' });
    expect(result.reason).toBe('handshake: target parent offers no type i915-GVTg_V5_4');
    expect(result.bytesTotal).toBe(0);
    expect(capacity(p.dst, '0000:3b:00.0')).toEqual(dst);
    expect(migState(p.src, p.uuid)).toBe(MIG_STATE.RUNNING);
    expect(digestOf(p.src, p.uuid)).toBe(digest);
  });
});
