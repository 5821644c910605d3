import { type Errno, fail } from '../../core/result.ts';
import { isStateSupported, NEXT_STEP } from './next-state-table.ts';
import { isMigState, MIG_STATE, type MigState, migStateName } from './states.ts';

/**
 * The kernel's vfio_mig_get_next_state() (drivers/vfio/vfio_main.c; kernel.md §3.4) as a pure
 * function: the next single arc on the way from `cur` to `req` for a device advertising `flags`.
 *
 * 1. `cur` out of range or not supported by `flags` -> EINVAL (the kernel also WARNs). ERROR's
 *    flag mask can never match, so `cur = ERROR` always fails.
 * 2. `req` out of range or not supported (including `req = ERROR`) -> EINVAL.
 * 3. Look up the table; while the step is a state the device lacks (an optional P2P / PRE_COPY
 *    state), look up again from that step. This is how reduced flag sets skip optional states.
 * 4. A step of ERROR means the arc is blocked -> EINVAL.
 * 5. `cur === req` gives `cur` (drivers loop `while (state != req)`, so nothing happens).
 *
 * The 2026 fix ("vfio: prevent infinite loop in vfio_mig_get_next_state() on blocked arc",
 * kernel.md §3.7): before it, the skip loop of step 3 spun forever on SC->PC and SC->PCP2P with
 * PRE_COPY advertised, because the table sends SC->PC to ERROR, ERROR is "unsupported" (mask ~0),
 * and ERROR's row leads back to ERROR. Kernels v6.2 up to the fix soft-lock there. We model the
 * documented intent, as the fix does: the loop stops at ERROR, and the call returns EINVAL.
 * The loop is also bounded by the number of states, so a bad table can never hang the simulator.
 *
 * Flag sets without STOP_COPY: every state's mask includes STOP_COPY, so step 1 fails for any
 * `cur` and the answer is always EINVAL. (The device model reports such devices as not migratable
 * and answers ENOTTY before ever calling this; see isMigratable().)
 */
export function nextState(flags: number, cur: number, req: number): MigState | Errno {
  if (!isMigState(cur) || !isStateSupported(flags, cur)) {
    return fail('EINVAL', `current state ${describe(cur)} is not supported by migration flags ${flags}`);
  }
  if (!isMigState(req) || !isStateSupported(flags, req)) {
    return fail('EINVAL', `requested state ${describe(req)} is not supported by migration flags ${flags}`);
  }
  let next = NEXT_STEP[cur]?.[req] as MigState;
  for (let hops = 0; next !== MIG_STATE.ERROR && !isStateSupported(flags, next); hops++) {
    if (hops >= NEXT_STEP.length) throw new Error(`next-state table loops from ${cur} to ${req}`);
    next = NEXT_STEP[next]?.[req] as MigState;
  }
  if (next === MIG_STATE.ERROR) {
    return fail('EINVAL', `no transition from ${migStateName(cur)} to ${migStateName(req)}`);
  }
  return next;
}

function describe(state: number): string {
  return isMigState(state) ? migStateName(state) : String(state);
}
