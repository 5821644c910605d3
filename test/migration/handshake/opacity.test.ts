import { beforeAll, describe, expect, it } from 'vitest';
import { fail } from '../../../core/result.ts';
import { Rng } from '../../../core/rng.ts';
import type { VersionPolicy } from '../../../devices/policies/policy.ts';
import { getPolicy } from '../../../devices/policies/registry.ts';
import { compatibilityMatrix } from '../../../lab/matrix/matrix.ts';
import {
  type CheckOptions,
  checkCompatibility,
  type SourceRef,
  type TargetRef,
} from '../../../migration/handshake/check.ts';
import type { Verdict } from '../../../migration/handshake/verdict.ts';
import { loadScenario } from '../../../scenarios/load.ts';
import type { World } from '../../../sysfs/world.ts';
import { MODELED, typePath } from './fixtures.ts';

/**
 * DESIGN.md principle 3, "Opaque means opaque": userspace never parses a version string. Proof:
 * rewrite every driver's strings through a bijection (a keyed byte permutation, then base64url)
 * — show() prints encode(s), store() decodes before the real policy sees it — and every verdict
 * of the userspace check and every matrix cell stays the same. If userspace looked inside the
 * string (a vendor id, a version, the `,aggregate=` suffix it did not append itself) the
 * rewritten world would answer differently.
 */
interface Codec {
  encode(plain: string): string;
  decode(written: string): string | undefined;
}

/**
 * A keyed permutation of the 256 byte values, then base64url (ASCII, no `,` `=` `\n`: R5-clean).
 * decode() inverts the encoded run and keeps what the kernel put after it.
 */
function codec(seed: number): Codec {
  const fwd = Uint8Array.from({ length: 256 }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = 255; i > 0; i--) {
    const j = rng.int(0, i);
    [fwd[i], fwd[j]] = [fwd[j] ?? 0, fwd[i] ?? 0];
  }
  const inv = new Uint8Array(256);
  fwd.forEach((v, i) => {
    inv[v] = i;
  });
  const map = (bytes: Uint8Array, table: Uint8Array) => bytes.map((b) => table[b] ?? 0);
  return {
    encode: (plain) => Buffer.from(map(Buffer.from(plain, 'latin1'), fwd)).toString('base64url'),
    decode(written) {
      // The encoded run, then whatever follows it verbatim: the trailing newline sysfs_streq
      // tolerates (kernel.md §8) and the `,aggregate=N` the aggr driver itself appends (§2.4).
      const run = /^[A-Za-z0-9_-]*/.exec(written)?.[0] ?? '';
      const bytes = Buffer.from(run, 'base64url');
      if (bytes.toString('base64url') !== run) return undefined;
      return `${Buffer.from(map(bytes, inv)).toString('latin1')}${written.slice(run.length)}`;
    },
  };
}

interface Stats {
  stores: number;
  undecodable: number;
}

function wrap(inner: VersionPolicy, c: Codec, stats: Stats): VersionPolicy {
  return {
    name: inner.name,
    description: `${inner.description} (strings rewritten through a bijection)`,
    show(ctx) {
      const plain = inner.show(ctx);
      return typeof plain === 'string' ? c.encode(plain) : plain;
    },
    store(ctx, written) {
      stats.stores++;
      const plain = c.decode(written);
      if (plain === undefined) {
        stats.undecodable++;
        return fail('EINVAL', 'not an encoded version string');
      }
      return inner.store(ctx, plain);
    },
  };
}

const gvt = (address: string, pciId: string, migration: unknown, more: Record<string, unknown> = {}) => ({
  driver: 'gvtg',
  address,
  pciId,
  migration,
  options: MODELED,
  ...more,
});
const aggr = (address: string, revision: string, aggregation: 'A' | 'B') => ({
  driver: 'aggr',
  address,
  pciId: '8086:193b',
  migration: { revision, aggregation },
  options: MODELED,
});
const vgpu = (address: string, more: Record<string, unknown> = {}) => ({
  driver: 'vgpu',
  address,
  pciId: '10de:13bd',
  softwareVersion: '550.90.7',
  options: MODELED,
  ...more,
});

/** Every built-in driver under v2/v4/v5, both aggregation designs, every correct policy, on two hosts. */
const RICH = {
  seed: 3,
  hosts: [
    {
      name: 'x',
      parents: [
        gvt('0000:00:02.0', '8086:193b', { revision: 'v2' }),
        gvt('0000:00:03.0', '8086:191b', { revision: 'v2' }),
        gvt('0000:00:04.0', '8086:193b', { revision: 'v4' }),
        gvt('0000:00:05.0', '8086:193b', { revision: 'v5' }),
        gvt('0000:00:06.0', '8086:193b', { revision: 'v5' }, { softwareVersion: '1.1.0' }),
        gvt('0000:00:07.0', '8086:193b', { revision: 'v5' }, { softwareVersion: '70000.0.0' }),
        gvt('0000:00:08.0', '8086:193b', false),
        gvt('0000:00:09.0', '8086:193b', { revision: 'v4', policy: 'software-version' }),
        gvt('0000:00:0a.0', '8086:193b', { revision: 'v5', policy: 'aggregate' }),
        gvt(
          '0000:00:0b.0',
          '8086:193b',
          { revision: 'v4', policy: 'range' },
          { properties: { board: 'B', ecc: 'on' } },
        ),
        { driver: 'mtty', softwareVersion: '1.0.0' },
        { driver: 'mtty', name: 'mtty5', migration: { revision: 'v5' } },
        vgpu('0000:3b:00.0'),
        aggr('0000:00:10.0', 'v5', 'A'),
        aggr('0000:00:11.0', 'v5', 'B'),
      ],
    },
    {
      name: 'y',
      parents: [
        gvt('0000:00:02.0', '8086:193b', { revision: 'v2' }),
        gvt('0000:00:04.0', '8086:193b', { revision: 'v4' }),
        gvt('0000:00:05.0', '8086:193b', { revision: 'v5' }),
        gvt(
          '0000:00:09.0',
          '8086:193b',
          { revision: 'v4', policy: 'software-version' },
          { softwareVersion: '1.2.0' },
        ),
        gvt('0000:00:0a.0', '8086:193b', { revision: 'v5', policy: 'aggregate' }),
        gvt(
          '0000:00:0b.0',
          '8086:193b',
          { revision: 'v4', policy: 'range' },
          { properties: { board: 'B', ecc: 'off' } },
        ),
        { driver: 'mtty', softwareVersion: '1.1.0' },
        { driver: 'mtty', name: 'mtty2', softwareVersion: '2.0.0' },
        vgpu('0000:3b:00.0', {
          softwareVersion: '550.127.5',
          properties: { branchMin: '535', branchMax: '550' },
        }),
        vgpu('0000:3c:00.0', { properties: { board: 'Tesla-T4', ecc: 'on' } }),
        vgpu('0000:3d:00.0', { properties: { migration: 'off' } }),
        aggr('0000:00:10.0', 'v5', 'A'),
        aggr('0000:00:11.0', 'v5', 'B'),
        aggr('0000:00:12.0', 'v4', 'B'),
        aggr('0000:00:13.0', 'v2', 'A'),
      ],
    },
  ],
  instances: [
    ['x', '0000:00:02.0', 'i915-GVTg_V5_4'],
    ['x', '0000:00:05.0', 'i915-GVTg_V5_4'],
    ['x', '0000:00:0a.0', 'i915-GVTg_V5_2'],
    ['x', 'mtty', 'mtty-2'],
    ['x', 'mtty5', 'mtty-1'],
    ['x', '0000:3b:00.0', 'nvidia-35'],
    ['x', '0000:00:10.0', 'i915-GVTg_V5_4', 2],
    ['x', '0000:00:11.0', 'i915-GVTg_V5_4', 2],
    ['y', '0000:00:05.0', 'i915-GVTg_V5_8'],
    ['y', 'mtty', 'mtty-1'],
    ['y', '0000:00:10.0', 'i915-GVTg_V5_8', 4],
    ['y', '0000:00:11.0', 'i915-GVTg_V5_4', 2],
    ['y', '0000:00:12.0', 'i915-GVTg_V5_2'],
    ['y', '0000:00:13.0', 'i915-GVTg_V5_2', 2],
  ].map(([host, parent, type, aggregate], i) => ({
    host,
    parent,
    type,
    uuid: `00000000-0000-4000-8000-${(0xe00 + i).toString(16).padStart(12, '0')}`,
    ...(aggregate === undefined ? {} : { aggregate }),
  })),
};

interface Pair {
  readonly label: string;
  readonly source: (w: World) => SourceRef;
  readonly target: (w: World) => TargetRef;
  readonly options: CheckOptions;
}

/** Every source (type on a parent, device) × every target (parent, type on a parent, device), both modes. */
function allPairs(world: World): Pair[] {
  const sources: { label: string; ref: (w: World) => SourceRef; device: boolean }[] = [];
  const targets: { label: string; ref: (w: World) => TargetRef }[] = [];
  for (const host of world.hosts) {
    const h = host.name;
    for (const parent of host.kernel.parents.values()) {
      const p = parent.name;
      targets.push({ label: `${h}:${p}`, ref: (w) => ({ fs: w.host(h).fs, parent: p }) });
      for (const type of parent.types.keys()) {
        sources.push({
          label: `${h}:${p}/${type}`,
          ref: (w) => ({ fs: w.host(h).fs, parent: p, type }),
          device: false,
        });
        targets.push({ label: `${h}:${p}/${type}`, ref: (w) => ({ fs: w.host(h).fs, parent: p, type }) });
      }
    }
    for (const uuid of host.kernel.devices.keys()) {
      sources.push({ label: `${h}:${uuid}`, ref: (w) => ({ fs: w.host(h).fs, uuid }), device: true });
      targets.push({ label: `${h}:${uuid}`, ref: (w) => ({ fs: w.host(h).fs, uuid }) });
    }
  }
  const pairs: Pair[] = [];
  for (const s of sources) {
    for (const t of targets) {
      pairs.push({ label: `${s.label} → ${t.label}`, source: s.ref, target: t.ref, options: {} });
      if (s.device) {
        pairs.push({
          label: `${s.label} ⇒ ${t.label}`,
          source: s.ref,
          target: t.ref,
          options: { mode: 'instance' },
        });
      }
    }
  }
  return pairs;
}

/** Everything of a verdict except the opaque text itself (the token and what reads returned). */
function visible(v: Verdict) {
  const { token: _token, touched, ...rest } = v;
  return { ...rest, touched: touched.map(({ text: _text, ...t }) => t) };
}

describe('DESIGN.md principle 3: opaque means opaque (a bijection on every string changes no verdict)', () => {
  const c = codec(0x5eed);
  const stats: Stats = { stores: 0, undecodable: 0 };
  let plain: World;
  let rewritten: World;
  let loaded: World;
  let pairs: Pair[];

  beforeAll(async () => {
    plain = await loadScenario(RICH);
    // Installed after the fact: every parent's driver gets the wrapped policy.
    rewritten = await loadScenario(RICH);
    for (const host of rewritten.hosts) {
      for (const parent of host.kernel.parents.values()) parent.policy = wrap(parent.policy, c, stats);
    }
    // Installed at load: the wrapped built-ins replace the registry's by name.
    const policies = new Map(
      ['exact', 'software-version', 'range', 'aggregate'].map((name) => {
        const inner = getPolicy(name);
        if (inner === undefined) throw new Error(name);
        return [name, wrap(inner, c, stats)] as const;
      }),
    );
    loaded = await loadScenario(RICH, { policies });
    pairs = allPairs(plain);
  });

  it('the codec is a bijection; what follows the encoded run (newlines, the kernel’s `,aggregate=N`) passes through', () => {
    for (const s of ['8086-193b-i915-GVTg_V5_4', 'v1;vendor=10de;type=nvidia-35', '\u00ff\u0000x', '']) {
      expect(c.decode(c.encode(s))).toBe(s);
      expect(c.decode(`${c.encode(s)}\n`)).toBe(`${s}\n`);
      expect(c.decode(`${c.encode(s)}\n\n`)).toBe(`${s}\n\n`);
      expect(c.decode(`${c.encode(s)},aggregate=2\n`)).toBe(`${s},aggregate=2\n`);
    }
    expect(c.encode('8086-193b-i915-GVTg_V5_4')).not.toContain('8086');
    expect(c.decode('A')).toBeUndefined(); // one base64 character is no whole byte
  });

  it('every attribute reads differently in the rewritten worlds (the strings really changed)', () => {
    let compared = 0;
    for (const host of plain.hosts) {
      for (const parent of host.kernel.parents.values()) {
        for (const type of parent.types.keys()) {
          for (const attr of ['version', 'migration_version']) {
            const path = typePath(parent.name, type, attr);
            let text: string;
            try {
              text = host.sysfs.read(path);
            } catch {
              continue; // absent (R1) or not migratable (R6): no string to compare
            }
            const expected = `${c.encode(text.slice(0, -1))}\n`;
            expect(rewritten.host(host.name).sysfs.read(path)).toBe(expected);
            expect(loaded.host(host.name).sysfs.read(path)).toBe(expected);
            expect(expected).not.toBe(text);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(90);
  });

  it('checkCompatibility: every source × target pair, type and instance mode — identical verdicts, steps, errnos and accesses', () => {
    const tally = new Map<string, number>();
    const stores = stats.stores;
    for (const pair of pairs) {
      const run = (w: World) => checkCompatibility(pair.source(w), pair.target(w), pair.options);
      const p = run(plain);
      const r = run(rewritten);
      const l = run(loaded);
      expect(visible(r), pair.label).toEqual(visible(p));
      expect(visible(l), pair.label).toEqual(visible(p));
      if (p.token !== undefined) {
        expect(r.token, pair.label).not.toBe(p.token);
        expect(l.token, pair.label).toBe(r.token);
      }
      const k = `${p.verdict}@${p.step}${p.errno ?? ''}`;
      tally.set(k, (tally.get(k) ?? 0) + 1);
    }
    expect(pairs.length).toBeGreaterThan(15_000);
    // Not vacuous: every kind of answer occurred, and the wrapped store() ran on valid encodings only.
    expect([...tally.keys()].sort()).toEqual([
      'compatible@2',
      'incompatible@0',
      'incompatible@0ENOENT',
      'incompatible@2EACCES',
      'incompatible@2EINVAL',
      'incompatible@2ENODEV',
      'not-migratable@1ENODEV',
      'not-migratable@1ENOENT',
    ]);
    expect(stats.stores - stores).toBeGreaterThan(5_000);
    expect(stats.undecodable).toBe(0);
  });

  it('compatibilityMatrix: every cell identical, whichever way the wrapped policies were installed', () => {
    const cells = compatibilityMatrix(plain);
    expect(cells.length).toBe(116 * 30); // 116 types (sources) × 30 parents (targets)
    expect(compatibilityMatrix(rewritten)).toEqual(cells);
    expect(compatibilityMatrix(loaded)).toEqual(cells);
    expect(new Set(cells.map((x) => x.verdict))).toEqual(
      new Set(['compatible', 'incompatible', 'not-migratable']),
    );
    expect(stats.undecodable).toBe(0);
  });
});
