import { type Errno, isErrno } from '../../core/result.ts';
import { nextState } from './next-state.ts';
import { type MigState, migStateName, NUM_MIG_STATES } from './states.ts';

/**
 * The whole step path a SET of MIG_DEVICE_STATE walks from `from` to `to`, both included, found by
 * calling nextState() until `to` is reached (what every driver's set_state loop does, e.g.
 * samples/vfio-mdev/mtty.c mtty_set_state(); kernel.md §3.4-§3.5). `from === to` gives `[from]`
 * without consulting the table, as the drivers' `while (state != new)` loop never runs. Any
 * errno from the table (unsupported state, blocked arc, ERROR as the start) is returned as is.
 */
export function migrationPath(flags: number, from: MigState, to: MigState): readonly MigState[] | Errno {
  const path: MigState[] = [from];
  let cur = from;
  while (cur !== to) {
    const next = nextState(flags, cur, to);
    if (isErrno(next)) return next;
    // Shortest paths have at most 5 states (PC -> RUN -> RP2P -> STOP -> RES); a longer walk
    // means the table is wrong, which is a programming error, not an input error.
    if (path.length > NUM_MIG_STATES) throw new Error(`migration path from ${from} to ${to} does not end`);
    path.push(next);
    cur = next;
  }
  return path;
}

/** `RUNNING -> RUNNING_P2P -> STOP -> RESUMING` (the CLI's rendering). */
export function formatPath(path: readonly MigState[]): string {
  return path.map(migStateName).join(' -> ');
}
