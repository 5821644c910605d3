import { isErrno } from '../../core/result.ts';
import type { Rng } from '../../core/rng.ts';
import { type StepResult, stepFailure, type VfioMigrationDriver } from '../vfio/driver.ts';
import { MIG_FLAG, MIG_STATE, type MigState, migStateName } from '../vfio/states.ts';
import { stateDigestOf } from './digest.ts';
import { MttyResumeFile, MttySaveFile, type PrecopyEmptyRead } from './mtty-files.ts';
import { type MttyPortCount, mttyDataSize, SERIAL_PORT_BYTES } from './mtty-layout.ts';
import { decodeSerialPort, encodeSerialPort, type SerialPortFields, seedSerialPorts } from './mtty-ports.ts';

export interface MttyMigrationOptions {
  /** 1 for mtty-1, 2 for mtty-2. */
  readonly nrPorts: MttyPortCount;
  /** Seeds the ports' register and FIFO contents. */
  readonly rng: Rng;
  /**
   * What a read returns in PRE_COPY when out of data. mtty returns 0 (the default, kernel.md
   * §5.2); 'ENOMSG' is what the uAPI text asks for (§3.8).
   */
  readonly precopyEmptyRead?: PrecopyEmptyRead;
}

const { ERROR, STOP, RUNNING, STOP_COPY, RESUMING, RUNNING_P2P, PRE_COPY, PRE_COPY_P2P } = MIG_STATE;

/**
 * The migration half of samples/vfio-mdev/mtty.c (kernel.md §5.2): flags STOP_COPY|P2P|PRE_COPY,
 * the per-arc behaviour of mtty_step_state(), the byte-exact `struct mtty_data` stream, and
 * MIG_DATA_SIZE = 24 + 36 * nr_ports in every state. mtty never enters ERROR by itself.
 */
export class MttyMigrationDriver implements VfioMigrationDriver {
  readonly model = 'mtty';
  readonly migrationFlags = MIG_FLAG.STOP_COPY | MIG_FLAG.P2P | MIG_FLAG.PRE_COPY;
  readonly nrPorts: MttyPortCount;
  readonly #ports: Uint8Array;
  readonly #emptyRead: PrecopyEmptyRead;
  #state: MigState = RUNNING;
  #saving: MttySaveFile | undefined;
  #resuming: MttyResumeFile | undefined;

  constructor(options: MttyMigrationOptions) {
    if (options.nrPorts !== 1 && options.nrPorts !== 2)
      throw new RangeError(`mtty has 1 or 2 ports, not ${options.nrPorts}`);
    this.nrPorts = options.nrPorts;
    this.#ports = seedSerialPorts(options.nrPorts, options.rng);
    this.#emptyRead = options.precopyEmptyRead ?? 'zero';
  }

  /** The `serial_port` records as they would be copied into a stream (a copy). */
  get portBytes(): Uint8Array {
    return this.#ports.slice();
  }

  port(index: number): SerialPortFields {
    if (!Number.isInteger(index) || index < 0 || index >= this.nrPorts)
      throw new RangeError(`no port ${index}`);
    return decodeSerialPort(this.#ports, index * SERIAL_PORT_BYTES);
  }

  /** Guest activity: replaces one port's state (the mtty BAR handlers would do this). */
  setPort(index: number, fields: SerialPortFields): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.nrPorts)
      throw new RangeError(`no port ${index}`);
    encodeSerialPort(fields, this.#ports, index * SERIAL_PORT_BYTES);
  }

  step(from: MigState, to: MigState): StepResult {
    const result = this.#step(from, to);
    if (result === undefined || !isErrno(result)) this.#state = to;
    return result;
  }

  /** mtty_step_state(), arc by arc. */
  #step(from: MigState, to: MigState): StepResult {
    // No-ops: mtty does no DMA and needs no explicit start/stop.
    if (
      (from === RUNNING && to === RUNNING_P2P) ||
      (from === RUNNING_P2P && (to === RUNNING || to === STOP)) ||
      (from === PRE_COPY && to === PRE_COPY_P2P) ||
      (from === PRE_COPY_P2P && to === PRE_COPY) ||
      (from === STOP && to === RUNNING_P2P)
    ) {
      return undefined;
    }
    if (from === RESUMING && to === STOP) {
      const ports = this.#resuming?.portsForLoad();
      if (ports === undefined) return stepFailure('EINVAL', 'no resuming file');
      if (isErrno(ports)) return stepFailure(ports.errno, ports.reason ?? 'short stream');
      this.#ports.set(ports);
      this.#disableFiles();
      return undefined;
    }
    if (
      (from === PRE_COPY && to === RUNNING) ||
      (from === PRE_COPY_P2P && to === RUNNING_P2P) ||
      (from === STOP_COPY && to === STOP)
    ) {
      this.#disableFiles();
      return undefined;
    }
    if (
      (from === RUNNING && to === PRE_COPY) ||
      (from === RUNNING_P2P && to === PRE_COPY_P2P) ||
      (from === STOP && to === STOP_COPY) ||
      (from === PRE_COPY_P2P && to === STOP_COPY)
    ) {
      return this.#saveDeviceData(to);
    }
    if (from === STOP && to === RESUMING) {
      this.#resuming = new MttyResumeFile(this.nrPorts);
      return this.#resuming;
    }
    // The kernel WARNs: vfio_mig_get_next_state() never produces another arc for flags 7.
    return stepFailure('EINVAL', `mtty has no arc ${migStateName(from)}->${migStateName(to)}`);
  }

  /** mtty_save_device_data(): a new file only if none exists; ports appended in STOP_COPY. */
  #saveDeviceData(to: MigState): StepResult {
    let created: MttySaveFile | undefined;
    if (this.#saving === undefined) {
      const inPreCopy = (): boolean => this.#state === PRE_COPY || this.#state === PRE_COPY_P2P;
      created = new MttySaveFile(this.nrPorts, inPreCopy, this.#emptyRead);
      this.#saving = created;
    }
    if (to === STOP_COPY) this.#saving.appendPorts(this.#ports);
    return created;
  }

  /** mtty_disable_files(). */
  #disableFiles(): void {
    this.#saving?.disable();
    this.#saving = undefined;
    this.#resuming?.disable();
    this.#resuming = undefined;
  }

  stopCopyLength(): number {
    return mttyDataSize(this.nrPorts);
  }

  /** The deferred reset of mtty_state_mutex_unlock(): RUNNING, files disabled, ports kept. */
  reset(): void {
    this.#disableFiles();
    this.#state = RUNNING;
  }

  enteredError(): void {
    this.#state = ERROR;
  }

  stateDigest(): string {
    return stateDigestOf(`mtty:${this.nrPorts}`, [this.#ports]);
  }
}

/** The factory the mdev layer calls for an mtty-1 / mtty-2 instance. */
export function createMttyMigration(options: MttyMigrationOptions): MttyMigrationDriver {
  return new MttyMigrationDriver(options);
}
