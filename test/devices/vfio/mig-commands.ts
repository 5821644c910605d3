import fc from 'fast-check';
import { expect } from 'vitest';
import { NS_PER_MS, type VirtualClock } from '../../../core/clock.ts';
import { isErrno } from '../../../core/result.ts';
import type { MigrationDataFile } from '../../../devices/vfio/data-file.ts';
import type { VfioMigrationDriver } from '../../../devices/vfio/driver.ts';
import type { FaultInjectingDriver } from '../../../devices/vfio/fault-injection.ts';
import type { MigState } from '../../../devices/vfio/states.ts';
import type { VfioMigrationDevice } from '../../../devices/vfio/vfio-device.ts';
import { ok } from './helpers.ts';
import { fdGate, type MigModel, predictSet, reset } from './mig-model.ts';

/*
 * The fc.commands vocabulary for vfio-device.model.test.ts: each command acts on the real device
 * and on the reference model (mig-model.ts) and fails on any divergence.
 */

/** What differs between the drivers under test. */
export interface Subject {
  readonly name: string;
  readonly make: (seed: number) => VfioMigrationDriver;
  readonly clock?: VirtualClock;
  /** mtty: exact byte counts and 0 at a temporary end; gpu: ENOMSG there (kernel.md §3.8). */
  readonly exact: boolean;
  readonly extraWriteErrno: 'ENOMEM' | 'EINVAL';
  readonly extraWriteBreaks: boolean;
  readonly streamBytes: number;
  readonly headerBytes: number;
}

export interface Real {
  readonly device: VfioMigrationDevice;
  readonly faults: FaultInjectingDriver;
  readonly files: MigrationDataFile[];
  readonly donor: Uint8Array;
  readonly donorDigest: string;
  readonly subject: Subject;
}

type Cmd = fc.Command<MigModel, Real>;
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

class SetState implements Cmd {
  readonly req: number;
  constructor(req: number) {
    this.req = req;
  }
  check = () => true;
  run(m: MigModel, r: Real): void {
    const want = predictSet(m, this.req);
    const reply = r.device.setState(this.req);
    if (want.errno !== undefined) {
      expect(reply).toMatchObject({ errno: want.errno, requested: this.req });
    } else {
      const got = ok(reply);
      expect(got.dataFile?.kind).toBe(want.opened);
      if (got.dataFile !== undefined) r.files.push(got.dataFile);
    }
    expect(r.device.getState()).toBe(m.state);
    if (want.loaded) expect(r.device.driver.stateDigest()).toBe(r.donorDigest);
  }
  toString = () => `set(${this.req})`;
}

class Read implements Cmd {
  readonly index: number;
  readonly max: number;
  constructor(index: number, max: number) {
    this.index = index;
    this.max = max;
  }
  check = (m: Readonly<MigModel>) => m.files.length > 0;
  run(m: MigModel, r: Real): void {
    const i = this.index % m.files.length;
    const f = pick(m.files, i);
    const got = pick(r.files, i).read(this.max);
    const gate = fdGate(f, 'read') ?? (f.enabled ? undefined : 'ENODEV');
    if (gate !== undefined) {
      expect(got).toMatchObject({ errno: gate });
    } else if (r.subject.exact) {
      const n = Math.min(this.max, f.available);
      f.available -= n;
      expect(isErrno(got) ? got.errno : got.length).toBe(n);
    } else if (isErrno(got)) {
      expect([got.errno, m.state]).toSatisfy(([e, s]) => e === 'ENOMSG' && (s === 6 || s === 7));
    } else {
      expect(got.length).toBeLessThanOrEqual(this.max);
    }
  }
  toString = () => `read(#${this.index}, ${this.max})`;
}

class Write implements Cmd {
  /** `size` Infinity writes the rest of the donor stream at once. */
  readonly index: number;
  readonly size: number;
  constructor(index: number, size: number) {
    this.index = index;
    this.size = size;
  }
  check = (m: Readonly<MigModel>) => m.files.length > 0;
  run(m: MigModel, r: Real): void {
    const i = this.index % m.files.length;
    const f = pick(m.files, i);
    const complete = f.written === m.donorBytes;
    const piece = complete ? new Uint8Array(1) : r.donor.subarray(f.written, f.written + this.size);
    const got = pick(r.files, i).write(piece);
    const gate = fdGate(f, 'write') ?? (f.enabled ? undefined : 'ENODEV');
    if (gate !== undefined) {
      expect(got).toMatchObject({ errno: gate });
    } else if (complete) {
      expect(got).toMatchObject({ errno: r.subject.extraWriteErrno });
      if (r.subject.extraWriteBreaks) f.broken = true;
    } else {
      expect(got).toBe(piece.length);
      f.written += piece.length;
    }
  }
  toString = () => `write(#${this.index}, ${this.size})`;
}

class PrecopyInfo implements Cmd {
  readonly index: number;
  constructor(index: number) {
    this.index = index;
  }
  check = (m: Readonly<MigModel>) => m.files.length > 0;
  run(m: MigModel, r: Real): void {
    const i = this.index % m.files.length;
    const f = pick(m.files, i);
    const got = pick(r.files, i).precopyInfo();
    const inPreCopy = m.state === 6 || m.state === 7;
    const gate = fdGate(f, 'info') ?? (!inPreCopy ? 'EINVAL' : f.enabled ? undefined : 'ENODEV');
    if (gate !== undefined) expect(got).toMatchObject({ errno: gate });
    else if (r.subject.exact) expect(got).toEqual({ initialBytes: f.available, dirtyBytes: 0 });
    else expect(isErrno(got)).toBe(false);
  }
  toString = () => `precopyInfo(#${this.index})`;
}

class Close implements Cmd {
  readonly index: number;
  constructor(index: number) {
    this.index = index;
  }
  check = (m: Readonly<MigModel>) => m.files.length > 0;
  run(m: MigModel, r: Real): void {
    const i = this.index % m.files.length;
    const f = pick(m.files, i);
    expect(pick(r.files, i).close()).toEqual(
      f.closed ? { errno: 'EBADF', reason: expect.any(String) } : undefined,
    );
    f.closed = true;
  }
  toString = () => `close(#${this.index})`;
}

class Reset implements Cmd {
  check = () => true;
  run(m: MigModel, r: Real): void {
    reset(m);
    r.device.reset();
    expect(r.device.getState()).toBe(2);
  }
  toString = () => 'reset';
}

class DataSize implements Cmd {
  check = () => true;
  run(m: MigModel, r: Real): void {
    const got = r.device.getDataSize();
    if (r.subject.exact) expect(got).toBe(m.streamBytes);
    else expect(Number.isSafeInteger(got) && (got as number) >= 0).toBe(true);
  }
  toString = () => 'dataSize';
}

class ArmFault implements Cmd {
  readonly arc: readonly [number, number];
  readonly intoError: boolean;
  constructor(arc: readonly [number, number], intoError: boolean) {
    this.arc = arc;
    this.intoError = intoError;
  }
  check = (m: Readonly<MigModel>) => m.fault === undefined;
  run(m: MigModel, r: Real): void {
    const [from, to] = this.arc;
    m.fault = { from, to, intoError: this.intoError };
    r.faults.arm({ from: from as MigState, to: to as MigState, errno: 'EIO', intoError: this.intoError });
  }
  toString = () => `fault(${this.arc.join('>')}${this.intoError ? ', ERROR' : ''})`;
}

class Advance implements Cmd {
  readonly ns: number;
  constructor(ns: number) {
    this.ns = ns;
  }
  check = () => true;
  run(_m: MigModel, r: Real): void {
    r.subject.clock?.advance(this.ns);
  }
  toString = () => `advance(${this.ns})`;
}

/** The arcs vfio_mig_get_next_state() uses with flags 7 (kernel.md §3.4). */
const ARCS_7: readonly (readonly [number, number])[] = [
  [4, 1],
  [1, 4],
  [1, 3],
  [3, 1],
  [2, 5],
  [5, 2],
  [5, 1],
  [1, 5],
  [6, 2],
  [6, 7],
  [7, 6],
  [7, 5],
  [7, 3],
  [2, 6],
  [5, 7],
];

/** Small sizes as often as large ones, so short streams and split headers happen. */
function sizes(max: number): fc.Arbitrary<number> {
  return fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max }));
}

export const commands = [
  fc.integer({ min: 0, max: 8 }).map((s) => new SetState(s)),
  fc.integer({ min: 0, max: 8 }).map((s) => new SetState(s)),
  fc.tuple(fc.nat(), sizes(70_000)).map(([i, n]) => new Read(i, n)),
  fc.tuple(fc.nat(), sizes(40_000)).map(([i, n]) => new Write(i, n)),
  fc.nat().map((i) => new Write(i, Number.POSITIVE_INFINITY)),
  fc.nat().map((i) => new PrecopyInfo(i)),
  fc.nat().map((i) => new Close(i)),
  fc.constant(new Reset()),
  fc.constant(new DataSize()),
  fc.tuple(fc.constantFrom(...ARCS_7), fc.boolean()).map(([arc, e]) => new ArmFault(arc, e)),
  fc.integer({ min: 0, max: 2 * NS_PER_MS }).map((ns) => new Advance(ns)),
];
