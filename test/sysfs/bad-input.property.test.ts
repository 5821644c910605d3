import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERRNO } from '../../core/errno.ts';
import { SysError } from '../../core/sys-error.ts';
import type { SysfsApi } from '../../sysfs/api.ts';
import { loadMixedWorld } from '../helpers/scenarios.ts';
import { targetChoice } from './model/arbitraries.ts';
import { badBytes } from './model/bad-bytes.ts';
import { checkInvariants } from './model/invariants.ts';
import {
  describeBytes,
  hostNameOf,
  modelWrite,
  outcomeTally,
  realWrite,
  resolveTarget,
  type TargetChoice,
} from './model/targets.ts';
import { freshPair } from './model/world-model.ts';

const BATCH = 50;
const RUNS = 200;

/** One write, printed compactly in counterexamples (a 9000-byte array would drown the report). */
class BadWrite {
  readonly target: TargetChoice;
  readonly bytes: Uint8Array;
  readonly via: 'sysfs' | 'fs';
  constructor(target: TargetChoice, bytes: Uint8Array, via: 'sysfs' | 'fs') {
    this.target = target;
    this.bytes = bytes;
    this.via = via;
  }
  [fc.toStringMethod](): string {
    return `${JSON.stringify(this.target)} ← ${describeBytes(this.bytes)} (${this.via})`;
  }
}

const write = fc
  .tuple(targetChoice, badBytes, fc.constantFrom<'sysfs' | 'fs'>('sysfs', 'sysfs', 'fs'))
  .map(([target, bytes, via]) => new BadWrite(target, bytes, via));

describe('bad input: random bytes to random attributes (kernel.md §1.3, §1.4, §2.4, §8)', () => {
  it(`${BATCH * RUNS} writes: each returns a byte count or a SysError with a kernel errno, as the model predicts; invariants hold`, () => {
    outcomeTally.clear();
    let writes = 0;
    fc.assert(
      fc.property(fc.array(write, { minLength: BATCH, maxLength: BATCH }), (batch) => {
        const { model, real } = freshPair();
        for (const w of batch) {
          const target = resolveTarget(model, w.target);
          const host = hostNameOf(model, target, w.target.host);
          const expected = modelWrite(target, w.bytes, w.via);
          // realWrite rethrows anything that is not a SysError with a positive, table-matching errno.
          const actual = realWrite(real, host, target.path, w.bytes, w.via);
          expect(actual, `${host}:${target.path} ← ${describeBytes(w.bytes)} (${w.via})`).toEqual(expected);
          writes++;
        }
        checkInvariants(real, model);
      }),
      { numRuns: RUNS },
    );
    expect(writes).toBeGreaterThanOrEqual(10_000);
    for (const outcome of [
      'ok',
      'EEXIST',
      'EUSERS',
      'ENOSPC',
      'EINVAL',
      'E2BIG',
      'EACCES',
      'EISDIR',
      'ENOENT',
    ]) {
      expect(outcomeTally.get(outcome) ?? 0, outcome).toBeGreaterThan(0);
    }
  });

  it('every file of a host with migration_version attributes (v4 type, v5 device, create_parameters) survives random bytes', async () => {
    const world = await loadMixedWorld({ migration: true });
    const host = world.host('h');
    for (const [type, uuid] of [
      ['/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2', '00000000-0000-4000-8000-0000000000a1'],
      [
        '/sys/class/mdev_bus/0000:00:03.0/mdev_supported_types/i915-GVTg_V5_8',
        '00000000-0000-4000-8000-0000000000a2',
      ],
      [
        '/sys/class/mdev_bus/0000:01:00.0/mdev_supported_types/nvidia-37',
        '00000000-0000-4000-8000-0000000000a3',
      ],
    ] as const) {
      host.sysfs.write(`${type}/create`, uuid);
    }
    const files = walkFiles(host.sysfs, '/sys/devices').filter(
      (p) => !p.endsWith('/remove') && !p.endsWith('/create'),
    );
    expect(files.some((p) => p.endsWith('/migration_version'))).toBe(true);
    let calls = 0;
    fc.assert(
      fc.property(fc.nat(), badBytes, fc.boolean(), (i, bytes, viaFs) => {
        const path = files[i % files.length] as string;
        for (const op of [
          () => (viaFs ? host.fs.writeFileSync(path, bytes) : host.sysfs.write(path, bytes)),
          () => host.sysfs.read(path),
        ]) {
          calls++;
          try {
            const r = op();
            if (typeof r === 'number') expect(r).toBeLessThanOrEqual(Math.min(bytes.length, 4096));
          } catch (error) {
            if (!(error instanceof SysError)) throw error;
            expect(error.errno).toBe(ERRNO[error.code].errno);
            expect(error.errno).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 1500 },
    );
    expect(calls).toBe(3000);
    expect(host.sysfs.readdir('/sys/bus/mdev/devices')).toHaveLength(3);
  });
});

function walkFiles(sysfs: SysfsApi, dir: string, out: string[] = []): string[] {
  for (const name of sysfs.readdir(dir)) {
    const path = `${dir}/${name}`;
    const kind = sysfs.lstat(path).kind;
    if (kind === 'dir') walkFiles(sysfs, path, out);
    else if (kind === 'file') out.push(path);
  }
  return out;
}
