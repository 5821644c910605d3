import type { ErrnoCode } from '../../core/errno.ts';
import type { Errno } from '../../core/result.ts';
import type { MigState } from './states.ts';

/** `struct vfio_precopy_info` minus argsz/flags (kernel.md §3.1, §3.8). */
export interface PrecopyInfo {
  readonly initialBytes: number;
  readonly dirtyBytes: number;
}

/**
 * The driver half of a saving data fd (the `file_operations` a driver hands to anon_inode_getfile
 * with O_RDONLY). The device's MigrationDataFile sits in front and handles close/EBADF/ENOTTY and
 * the PRE_COPY state check; everything else (disabled -> ENODEV, end of data, ENOMSG) is the
 * driver's, since drivers differ there (kernel.md §3.8 vs mtty in §5.2).
 */
export interface SaveSession {
  readonly kind: 'save';
  readonly disabled: boolean;
  /**
   * Up to `max` next bytes of the stream. An empty array is read() returning 0. The bytes may be
   * a view into device memory (no copy, for speed): it shows later device writes, so copy it to
   * keep a snapshot, as read(2) into a user buffer would.
   */
  read(max: number): Uint8Array | Errno;
  /** VFIO_MIG_GET_PRECOPY_INFO; the caller has checked the device is in PRE_COPY(_P2P). */
  precopyInfo(): PrecopyInfo | Errno;
  /** The device ended the session (mtty_disable_file()): later calls fail with ENODEV. */
  disable(): void;
}

/** The driver half of a resuming data fd (opened O_WRONLY). */
export interface ResumeSession {
  readonly kind: 'resume';
  readonly disabled: boolean;
  /** Bytes accepted (all of them, like the in-tree drivers) or an errno. */
  write(bytes: Uint8Array): number | Errno;
  disable(): void;
}

export type DriverSession = SaveSession | ResumeSession;

/** A failed arc. With `intoError` the device is left in ERROR (kernel.md §3.3 "any->ERROR"). */
export interface StepFailure extends Errno {
  readonly intoError?: true;
}

export function stepFailure(errno: ErrnoCode, reason: string, intoError = false): StepFailure {
  return intoError ? { errno, reason, intoError: true } : { errno, reason };
}

/**
 * What one arc returns: nothing, a new session (only on the arcs that open a data fd), or a
 * failure. This is `struct file *` / NULL / ERR_PTR of a driver's step function
 * (samples/vfio-mdev/mtty.c mtty_step_state()).
 */
export type StepResult = DriverSession | StepFailure | undefined;

/**
 * The migration ops a device-state model implements: `struct vfio_migration_ops` split the way
 * mtty splits it, with the per-arc step exposed so the device model owns the path walk.
 */
export interface VfioMigrationDriver {
  /** Model name for traces (`mtty`, `gpu`). */
  readonly model: string;
  /** `vdev->migration_flags` (VFIO_MIGRATION_*). */
  readonly migrationFlags: number;
  /**
   * One FSM arc `from -> to`, called once per arc in path order and only with arcs the kernel
   * table produces for `migrationFlags`. State is the device's; the driver may track it.
   */
  step(from: MigState, to: MigState): StepResult;
  /** MIG_DATA_SIZE `stop_copy_length`: bytes STOP_COPY would produce now; any state. */
  stopCopyLength(): number;
  /** VFIO_DEVICE_RESET: back to RUNNING; the device has already disabled every session. */
  reset(): void;
  /** The device went to ERROR after a failed arc (optional: lets a model stop its clocks). */
  enteredError?(): void;
  /** sha256 (hex) of the device state that migrates, to prove equality across hosts. */
  stateDigest(): string;
}

export function isStepFailure(result: StepResult): result is StepFailure {
  return result !== undefined && 'errno' in result;
}
