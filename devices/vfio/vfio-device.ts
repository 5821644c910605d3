import { type Errno, fail, isErrno } from '../../core/result.ts';
import { arcEndsSession, arcOpensSession } from './arcs.ts';
import { MigrationDataFile } from './data-file.ts';
import { isStepFailure, type VfioMigrationDriver } from './driver.ts';
import type { FileEndCause, VfioMigrationObserver } from './events.ts';
import { nextState } from './next-state.ts';
import { isMigratable, MIG_STATE, type MigState } from './states.ts';

/** A SET of MIG_DEVICE_STATE that succeeded; `dataFile` is the new data_fd, when one was opened. */
export interface SetStateSuccess {
  readonly state: MigState;
  readonly dataFile?: MigrationDataFile;
}

/**
 * A SET that failed. As in the kernel reply, it carries the REQUESTED state, not the actual one
 * (vfio_ioctl_device_feature_mig_device_state(); kernel.md §3.2.5): use getState() for that.
 */
export interface SetStateFailure extends Errno {
  readonly requested: number;
}

export type SetStateReply = SetStateSuccess | SetStateFailure;

export interface VfioMigrationDeviceOptions {
  readonly observer?: VfioMigrationObserver;
}

/**
 * One VFIO device's migration feature interface as userspace sees it: VFIO_DEVICE_FEATURE
 * MIGRATION / MIG_DEVICE_STATE / MIG_DATA_SIZE and VFIO_DEVICE_RESET (kernel.md §3.2).
 *
 * SET walks the kernel's next-state table one arc at a time and calls the driver once per arc,
 * updating the state only after each successful arc, as samples/vfio-mdev/mtty.c mtty_set_state()
 * does (kernel.md §5.2). The data-fd rules of the uAPI (§3.3, §7.7) are enforced here for every
 * driver: a new fd exactly on RUN->PC, RP2P->PCP2P, STOP->SC and STOP->RES; entering SC from the
 * PRE_COPY states keeps the existing fd; leaving the saving group or RESUMING disables it.
 */
export class VfioMigrationDevice {
  readonly driver: VfioMigrationDriver;
  readonly #observer: VfioMigrationObserver | undefined;
  #state: MigState = MIG_STATE.RUNNING;
  #active: MigrationDataFile | undefined;
  #nextFileId = 1;

  constructor(driver: VfioMigrationDriver, options: VfioMigrationDeviceOptions = {}) {
    this.driver = driver;
    this.#observer = options.observer;
  }

  /** False for drivers whose flags lack STOP_COPY: the feature ioctls then answer ENOTTY. */
  get migratable(): boolean {
    return isMigratable(this.driver.migrationFlags);
  }

  /** The data file of the session in progress, if any (for owners and traces). */
  get activeDataFile(): MigrationDataFile | undefined {
    return this.#active;
  }

  /** VFIO_DEVICE_FEATURE_MIGRATION GET: the VFIO_MIGRATION_* flags. */
  getMigrationFlags(): number | Errno {
    if (!this.migratable) return notMigratable();
    return this.driver.migrationFlags;
  }

  /** VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE GET. */
  getState(): MigState | Errno {
    if (!this.migratable) return notMigratable();
    return this.#state;
  }

  /** VFIO_DEVICE_FEATURE_MIG_DATA_SIZE GET: `stop_copy_length`, valid in every state (§3.8). */
  getDataSize(): number | Errno {
    if (!this.migratable) return notMigratable();
    return this.driver.stopCopyLength();
  }

  /**
   * VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE SET. `requested === current` succeeds without calling
   * the driver (the drivers' `while (state != new)` loop never runs); in particular a device in
   * ERROR accepts SET(ERROR) as a no-op, and fails every other request with EINVAL because the
   * table rejects ERROR as the current state.
   */
  setState(requested: number): SetStateReply {
    if (!this.migratable) return { ...notMigratable(), requested };
    this.#observer?.({ type: 'set-state', from: this.#state, requested });
    let opened: MigrationDataFile | undefined;
    while (this.#state !== requested) {
      const from = this.#state;
      const to = nextState(this.driver.migrationFlags, from, requested);
      if (isErrno(to)) return this.#failed(requested, to);
      const result = this.driver.step(from, to);
      if (isStepFailure(result)) {
        this.#observer?.({
          type: 'arc-failed',
          from,
          to,
          errno: result.errno,
          intoError: !!result.intoError,
        });
        if (result.intoError) this.#enterError();
        return this.#failed(requested, result);
      }
      this.#state = to;
      this.#observer?.({ type: 'arc', from, to });
      if (arcEndsSession(from, to)) this.#endActive('session-end');
      const expected = arcOpensSession(from, to);
      if (result !== undefined) {
        // mtty_set_state() WARNs and fails with EINVAL when a file appears before the last arc;
        // a file on an arc that must not open one, or of the wrong kind, is the same driver bug.
        if (to !== requested || expected !== result.kind) {
          result.disable();
          return this.#failed(requested, fail('EINVAL', `driver returned a data file on ${from}->${to}`));
        }
        this.#endActive('session-end');
        opened = new MigrationDataFile(this.#nextFileId++, result, () => this.#state, this.#observer);
        this.#active = opened;
        this.#observer?.({ type: 'file-opened', fileId: opened.id, kind: opened.kind });
      } else if (expected !== undefined) {
        return this.#failed(requested, fail('EINVAL', `driver returned no data file on ${from}->${to}`));
      }
    }
    this.#observer?.(
      opened === undefined
        ? { type: 'set-state-done', requested, state: this.#state }
        : { type: 'set-state-done', requested, state: this.#state, fileId: opened.id },
    );
    return opened === undefined ? { state: this.#state } : { state: this.#state, dataFile: opened };
  }

  /**
   * VFIO_DEVICE_RESET: the device returns to RUNNING and every migration file is disabled
   * (mtty_reset() + mtty_state_mutex_unlock(); kernel.md §5.2). The only way out of ERROR.
   */
  reset(): void {
    const from = this.#state;
    this.#endActive('reset');
    this.#state = MIG_STATE.RUNNING;
    this.driver.reset();
    this.#observer?.({ type: 'reset', from });
  }

  /**
   * A driver arc failed into ERROR. The session ends with it: the stream of a failed device
   * cannot be trusted (a simulator choice; the uAPI only says reset is the way out).
   */
  #enterError(): void {
    this.#state = MIG_STATE.ERROR;
    this.#endActive('device-error');
    this.driver.enteredError?.();
  }

  #endActive(cause: FileEndCause): void {
    const file = this.#active;
    if (file === undefined) return;
    this.#active = undefined;
    file.endSession(cause);
  }

  #failed(requested: number, errno: Errno): SetStateFailure {
    this.#observer?.({ type: 'set-state-done', requested, state: this.#state, errno: errno.errno });
    return errno.reason === undefined
      ? { errno: errno.errno, requested }
      : { errno: errno.errno, reason: errno.reason, requested };
  }
}

function notMigratable(): Errno {
  return fail('ENOTTY', 'device has no migration support (no VFIO_MIGRATION_STOP_COPY)');
}
