import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isErrno } from '../../../core/result.ts';
import { driverArcs } from '../../../devices/vfio/driver-arcs.ts';
import { nextState } from '../../../devices/vfio/next-state.ts';
import { isStateSupported, supportedStates } from '../../../devices/vfio/next-state-table.ts';
import { formatPath, migrationPath } from '../../../devices/vfio/path.ts';
import { ALL_MIG_STATES, MIG_STATE, type MigState } from '../../../devices/vfio/states.ts';
import {
  ABBR,
  type Abbr,
  expectedTable,
  FULL_PATHS_7,
  parseFullPaths,
  referencePath,
} from './kernel-tables.ts';

function cell(flags: number, cur: number, req: number): string {
  const r = nextState(flags, cur, req);
  if (isErrno(r)) return r.errno;
  return r === cur ? '=' : (ABBR[r] as string);
}

describe('vfio_mig_get_next_state (kernel.md §3.4)', () => {
  it('§3.5: every cell of the flags=7 table', () => {
    const table = expectedTable(7);
    for (const cur of ALL_MIG_STATES) {
      for (const req of ALL_MIG_STATES) {
        expect(`${ABBR[cur]}->${ABBR[req]}: ${cell(7, cur, req)}`).toBe(
          `${ABBR[cur]}->${ABBR[req]}: ${table[ABBR[cur] as Abbr][req]}`,
        );
      }
    }
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7])('§3.6: every cell for flags=%i', (flags) => {
    const table = expectedTable(flags);
    const got = ABBR.map((cur, c) => `${ALL_MIG_STATES.map((req) => cell(flags, c, req)).join(' ')} <${cur}`);
    const want = ABBR.map((cur) => `${table[cur].join(' ')} <${cur}`);
    expect(got).toEqual(want);
  });

  it('§3.7: SC->PC and SC->PCP2P return EINVAL (2026 fix) instead of spinning', () => {
    for (const flags of [5, 7]) {
      expect(nextState(flags, MIG_STATE.STOP_COPY, MIG_STATE.PRE_COPY)).toMatchObject({ errno: 'EINVAL' });
    }
    expect(nextState(7, MIG_STATE.STOP_COPY, MIG_STATE.PRE_COPY_P2P)).toMatchObject({ errno: 'EINVAL' });
  });

  it('§3.4: out-of-range states give EINVAL, ERROR is never a start or a target', () => {
    for (const bad of [-1, 8, 2.5, Number.NaN]) {
      expect(nextState(7, bad, MIG_STATE.STOP)).toMatchObject({ errno: 'EINVAL' });
      expect(nextState(7, MIG_STATE.STOP, bad)).toMatchObject({ errno: 'EINVAL' });
    }
    for (const s of ALL_MIG_STATES) {
      expect(nextState(7, MIG_STATE.ERROR, s)).toMatchObject({ errno: 'EINVAL' });
      expect(nextState(7, s, MIG_STATE.ERROR)).toMatchObject({ errno: 'EINVAL' });
    }
  });

  it('§3.2: supported states per flag subset', () => {
    const names = (flags: number) => supportedStates(flags).map((s) => ABBR[s]);
    expect(names(1)).toEqual(['STOP', 'RUN', 'SC', 'RES']);
    expect(names(3)).toEqual(['STOP', 'RUN', 'SC', 'RES', 'RP2P']);
    expect(names(5)).toEqual(['STOP', 'RUN', 'SC', 'RES', 'PC']);
    expect(names(7)).toEqual(['STOP', 'RUN', 'SC', 'RES', 'RP2P', 'PC', 'PCP2P']);
    for (const flags of [0, 2, 4, 6]) expect(names(flags)).toEqual([]);
    expect(isStateSupported(0xffffffff, MIG_STATE.ERROR)).toBe(true);
    expect(isStateSupported(7, MIG_STATE.ERROR)).toBe(false);
  });
});

describe('migration paths (kernel.md §3.5)', () => {
  it('§3.5: the listed full paths for flags=7', () => {
    const listed = parseFullPaths(FULL_PATHS_7);
    expect(listed).toHaveLength(25);
    for (const { from, to, path } of listed) {
      expect(migrationPath(7, from as MigState, to as MigState)).toEqual(path);
    }
  });

  it('formats a path the way the CLI prints it', () => {
    const path = migrationPath(7, MIG_STATE.RUNNING, MIG_STATE.RESUMING);
    expect(isErrno(path) ? path : formatPath(path)).toBe('RUNNING -> RUNNING_P2P -> STOP -> RESUMING');
    expect(migrationPath(7, MIG_STATE.STOP, MIG_STATE.STOP)).toEqual([MIG_STATE.STOP]);
    expect(migrationPath(7, MIG_STATE.ERROR, MIG_STATE.ERROR)).toEqual([MIG_STATE.ERROR]);
    expect(migrationPath(7, MIG_STATE.ERROR, MIG_STATE.RUNNING)).toMatchObject({ errno: 'EINVAL' });
  });

  it('§3.4-§3.6: every path of every flag subset equals the reference walk over the transcribed tables', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 7 }),
        (flags, from, to) => {
          const got = migrationPath(flags, from as MigState, to as MigState);
          const want = from === to ? [from] : referencePath(flags, from, to);
          expect(isErrno(got) ? got.errno : got).toEqual(want);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('§3.4: paths are shortest over the driver arcs; saving states are interior only between two saving states', () => {
    const saving = new Set<number>([MIG_STATE.PRE_COPY, MIG_STATE.PRE_COPY_P2P, MIG_STATE.STOP_COPY]);
    for (const flags of [1, 3, 5, 7]) {
      const arcs = driverArcs(flags);
      for (const from of supportedStates(flags)) {
        for (const to of supportedStates(flags)) {
          const path = migrationPath(flags, from, to);
          // Breadth-first search where a saving state may only be the first or last node, unless
          // both ends are saving states (PC -> PCP2P -> SC; uAPI comment on the FSM).
          const withinGroup = saving.has(from) && saving.has(to);
          const dist = new Map<number, number>([[from, 0]]);
          const queue: number[] = [from];
          while (queue.length > 0) {
            const s = queue.shift() as number;
            if (s !== from && saving.has(s) && !withinGroup) continue;
            for (const [a, b] of arcs) {
              if (a === s && !dist.has(b)) {
                dist.set(b, (dist.get(s) as number) + 1);
                queue.push(b);
              }
            }
          }
          if (isErrno(path)) {
            expect([from, to]).toEqual([MIG_STATE.STOP_COPY, to]);
            expect([MIG_STATE.PRE_COPY, MIG_STATE.PRE_COPY_P2P]).toContain(to);
            continue;
          }
          expect(path.length - 1).toBe(dist.get(to));
          for (const interior of path.slice(1, -1)) expect(saving.has(interior) && !withinGroup).toBe(false);
        }
      }
    }
  });

  it('§3.4: the arcs every driver must implement are exactly the arcs the table produces', () => {
    for (let flags = 0; flags <= 7; flags++) {
      const produced = new Set<string>();
      for (const cur of ALL_MIG_STATES) {
        for (const req of ALL_MIG_STATES) {
          const next = nextState(flags, cur, req);
          if (!isErrno(next) && next !== cur) produced.add(`${ABBR[cur]}>${ABBR[next]}`);
        }
      }
      const declared = new Set(driverArcs(flags).map(([a, b]) => `${ABBR[a]}>${ABBR[b]}`));
      expect([...declared].sort()).toEqual([...produced].sort());
    }
  });
});
