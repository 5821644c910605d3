import { isMigratable, MIG_FLAG, type MigState } from './states.ts';

/*
 * The two tables of vfio_mig_get_next_state() (drivers/vfio/vfio_main.c, kernel.md §3.4-§3.5),
 * written as data so a reader can check them against the kernel cell by cell.
 */

const E = 0; // ERROR
const S = 1; // STOP
const R = 2; // RUNNING
const SC = 3; // STOP_COPY
const RES = 4; // RESUMING
const RP = 5; // RUNNING_P2P
const PC = 6; // PRE_COPY
const PCP = 7; // PRE_COPY_P2P

/**
 * `NEXT_STEP[cur][req]` = the kernel's `vfio_from_fsm_table`: the next state on the way from `cur`
 * to `req` when the device supports every optional feature (flags = 7). Columns are indexed by the
 * requested state in uAPI order: ERROR, STOP, RUNNING, STOP_COPY, RESUMING, RUNNING_P2P, PRE_COPY,
 * PRE_COPY_P2P. ERROR in a cell means "no way": SC->PC and SC->PCP2P are blocked arcs, and nothing
 * leads out of ERROR (kernel.md §3.5 table).
 */
export const NEXT_STEP: readonly (readonly MigState[])[] = [
  /* ERROR        */ [E, E, E, E, E, E, E, E],
  /* STOP         */ [E, S, RP, SC, RES, RP, RP, RP],
  /* RUNNING      */ [E, RP, R, RP, RP, RP, PC, RP],
  /* STOP_COPY    */ [E, S, S, SC, S, S, E, E],
  /* RESUMING     */ [E, S, S, S, RES, S, S, S],
  /* RUNNING_P2P  */ [E, S, R, S, S, RP, R, PCP],
  /* PRE_COPY     */ [E, R, R, PCP, R, R, PC, PCP],
  /* PRE_COPY_P2P */ [E, RP, RP, SC, RP, RP, PC, PCP],
];

/** Sentinel the kernel gives ERROR in its flag table (`~0U`): no device has every bit set. */
export const ERROR_REQUIRED_FLAGS = 0xffffffff;

/**
 * `state_flags_table`: the migration flags a device must advertise for a state to exist on it
 * (kernel.md §3.4). Every state needs STOP_COPY; ERROR's `~0U` means "never supported", which
 * is why `cur = ERROR` and `req = ERROR` both fail the check.
 */
export const STATE_REQUIRED_FLAGS: readonly number[] = [
  /* ERROR        */ ERROR_REQUIRED_FLAGS,
  /* STOP         */ MIG_FLAG.STOP_COPY,
  /* RUNNING      */ MIG_FLAG.STOP_COPY,
  /* STOP_COPY    */ MIG_FLAG.STOP_COPY,
  /* RESUMING     */ MIG_FLAG.STOP_COPY,
  /* RUNNING_P2P  */ MIG_FLAG.STOP_COPY | MIG_FLAG.P2P,
  /* PRE_COPY     */ MIG_FLAG.STOP_COPY | MIG_FLAG.PRE_COPY,
  /* PRE_COPY_P2P */ MIG_FLAG.STOP_COPY | MIG_FLAG.P2P | MIG_FLAG.PRE_COPY,
];

/** The kernel's support test: every required bit present (`(mask & flags) == mask`). */
export function isStateSupported(flags: number, state: MigState): boolean {
  const required = STATE_REQUIRED_FLAGS[state] as number;
  return (required & flags) >>> 0 === required >>> 0;
}

/**
 * The states a device with `flags` can be asked for (kernel.md §3.2: STOP_COPY gives STOP,
 * RUNNING, STOP_COPY, RESUMING; P2P adds RUNNING_P2P; PRE_COPY adds PRE_COPY; both add
 * PRE_COPY_P2P). ERROR is never listed: a device may be in it, but it can never be requested.
 * A flag set without STOP_COPY supports nothing.
 */
export function supportedStates(flags: number): readonly MigState[] {
  if (!isMigratable(flags)) return [];
  return ([1, 2, 3, 4, 5, 6, 7] as const).filter((s) => isStateSupported(flags, s));
}
