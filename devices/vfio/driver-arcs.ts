import { isMigratable, MIG_FLAG, MIG_STATE, type MigState } from './states.ts';

const { STOP, RUNNING, STOP_COPY, RESUMING, RUNNING_P2P, PRE_COPY, PRE_COPY_P2P } = MIG_STATE;

export type Arc = readonly [from: MigState, to: MigState];

/*
 * The single arcs a driver must implement for each flag set, from the comment above
 * vfio_from_fsm_table in drivers/vfio/vfio_main.c (kernel.md §3.4). These are exactly the arcs
 * nextState() can produce for that flag set (a test walks the table to prove it).
 */

/** Every migratable device. */
const BASE: readonly Arc[] = [
  [RESUMING, STOP],
  [STOP, RESUMING],
  [STOP, STOP_COPY],
  [STOP_COPY, STOP],
];

/** With VFIO_MIGRATION_P2P. */
const P2P: readonly Arc[] = [
  [RUNNING, RUNNING_P2P],
  [RUNNING_P2P, RUNNING],
  [RUNNING_P2P, STOP],
  [STOP, RUNNING_P2P],
];

/**
 * Without P2P. The kernel comment files these under "without P2P and precopy", but a PRE_COPY
 * device without P2P needs them too: its STOP->RUNNING skips the missing RUNNING_P2P.
 */
const NO_P2P: readonly Arc[] = [
  [RUNNING, STOP],
  [STOP, RUNNING],
];

/** With PRE_COPY but not P2P. */
const PRE_COPY_ONLY: readonly Arc[] = [
  [RUNNING, PRE_COPY],
  [PRE_COPY, RUNNING],
  [PRE_COPY, STOP_COPY],
];

/** With PRE_COPY and P2P (PC->SC then goes through PRE_COPY_P2P). */
const PRE_COPY_P2P_ARCS: readonly Arc[] = [
  [PRE_COPY, RUNNING],
  [PRE_COPY, PRE_COPY_P2P],
  [PRE_COPY_P2P, PRE_COPY],
  [PRE_COPY_P2P, RUNNING_P2P],
  [PRE_COPY_P2P, STOP_COPY],
  [RUNNING, PRE_COPY],
  [RUNNING_P2P, PRE_COPY_P2P],
];

/** The arcs a driver advertising `flags` must implement (none when not migratable). */
export function driverArcs(flags: number): readonly Arc[] {
  if (!isMigratable(flags)) return [];
  const p2p = (flags & MIG_FLAG.P2P) !== 0;
  const preCopy = (flags & MIG_FLAG.PRE_COPY) !== 0;
  return [...BASE, ...(p2p ? P2P : NO_P2P), ...(preCopy ? (p2p ? PRE_COPY_P2P_ARCS : PRE_COPY_ONLY) : [])];
}

export function isDriverArc(flags: number, from: MigState, to: MigState): boolean {
  return driverArcs(flags).some(([f, t]) => f === from && t === to);
}
