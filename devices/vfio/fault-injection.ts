import type { ErrnoCode } from '../../core/errno.ts';
import { type StepResult, stepFailure, type VfioMigrationDriver } from './driver.ts';
import { type MigState, migStateName } from './states.ts';

/** One planned failure of an arc: the next `times` (default 1) uses of `from -> to` fail. */
export interface ArcFault {
  readonly from: MigState;
  readonly to: MigState;
  readonly errno: ErrnoCode;
  /** Leave the device in ERROR, as a driver may after a failed arc (kernel.md §3.3). */
  readonly intoError?: boolean;
  readonly times?: number;
}

/**
 * Wraps a driver so chosen arcs fail, for rollback scenarios and tests: the wrapped driver's step
 * is not called for a failing arc, so its state stays at `from`, as when a real driver's step
 * fails before touching the device.
 */
export class FaultInjectingDriver implements VfioMigrationDriver {
  readonly inner: VfioMigrationDriver;
  readonly #faults: { fault: ArcFault; left: number }[] = [];

  constructor(inner: VfioMigrationDriver, faults: readonly ArcFault[] = []) {
    this.inner = inner;
    for (const fault of faults) this.arm(fault);
  }

  get model(): string {
    return this.inner.model;
  }

  get migrationFlags(): number {
    return this.inner.migrationFlags;
  }

  arm(fault: ArcFault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`fault times must be >= 1, got ${times}`);
    this.#faults.push({ fault, left: times });
  }

  disarm(): void {
    this.#faults.length = 0;
  }

  /** Faults not yet used up. */
  get armed(): readonly ArcFault[] {
    return this.#faults.map((f) => f.fault);
  }

  step(from: MigState, to: MigState): StepResult {
    const index = this.#faults.findIndex((f) => f.fault.from === from && f.fault.to === to);
    const entry = this.#faults[index];
    if (entry === undefined) return this.inner.step(from, to);
    entry.left--;
    if (entry.left === 0) this.#faults.splice(index, 1);
    const reason = `injected fault on ${migStateName(from)}->${migStateName(to)}`;
    return stepFailure(entry.fault.errno, reason, entry.fault.intoError === true);
  }

  stopCopyLength(): number {
    return this.inner.stopCopyLength();
  }

  reset(): void {
    this.inner.reset();
  }

  enteredError(): void {
    this.inner.enteredError?.();
  }

  stateDigest(): string {
    return this.inner.stateDigest();
  }
}
