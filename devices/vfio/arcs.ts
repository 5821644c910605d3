import { MIG_STATE, type MigState } from './states.ts';

/*
 * What each single FSM arc means for the migration data session (include/uapi/linux/vfio.h
 * comment on enum vfio_device_mig_state; kernel.md §3.3, §7.7). The device model applies these
 * rules itself, so every driver gets the same fd semantics.
 */

/** PRE_COPY, PRE_COPY_P2P and STOP_COPY share one saving session ("saving group", §3.3). */
export const SAVING_GROUP: ReadonlySet<MigState> = new Set([
  MIG_STATE.PRE_COPY,
  MIG_STATE.PRE_COPY_P2P,
  MIG_STATE.STOP_COPY,
]);

/** The session kind an arc opens, if it opens one. */
export type SessionKind = 'save' | 'resume';

/**
 * Arcs that must return a new data_fd: RUN->PC, RP2P->PCP2P, STOP->SC start saving; STOP->RES
 * starts resuming (§3.3). Entering STOP_COPY from PC or PCP2P stays in the saving group and keeps
 * the existing fd, so it is not listed.
 */
export function arcOpensSession(from: MigState, to: MigState): SessionKind | undefined {
  if (from === MIG_STATE.RUNNING && to === MIG_STATE.PRE_COPY) return 'save';
  if (from === MIG_STATE.RUNNING_P2P && to === MIG_STATE.PRE_COPY_P2P) return 'save';
  if (from === MIG_STATE.STOP && to === MIG_STATE.STOP_COPY) return 'save';
  if (from === MIG_STATE.STOP && to === MIG_STATE.RESUMING) return 'resume';
  return undefined;
}

/**
 * Arcs after which the session's fd stops working: leaving the saving group (PC->RUN,
 * PCP2P->RP2P, SC->STOP) or leaving RESUMING (RES->STOP, once the load succeeded). mtty disables
 * its files on exactly these arcs (mtty_step_state(); kernel.md §5.2).
 */
export function arcEndsSession(from: MigState, to: MigState): boolean {
  if (from === MIG_STATE.RESUMING) return to !== MIG_STATE.RESUMING;
  return SAVING_GROUP.has(from) && !SAVING_GROUP.has(to);
}

/** States in which the device runs and so changes its own state (everything but the stopped ones). */
export const RUNNING_STATES: ReadonlySet<MigState> = new Set([
  MIG_STATE.RUNNING,
  MIG_STATE.RUNNING_P2P,
  MIG_STATE.PRE_COPY,
  MIG_STATE.PRE_COPY_P2P,
]);

/** PRE_COPY and PRE_COPY_P2P: where VFIO_MIG_GET_PRECOPY_INFO is valid (§3.8). */
export function isPreCopyState(state: MigState): boolean {
  return state === MIG_STATE.PRE_COPY || state === MIG_STATE.PRE_COPY_P2P;
}
