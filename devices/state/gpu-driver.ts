import type { VirtualClock } from '../../core/clock.ts';
import type { Rng } from '../../core/rng.ts';
import { isPreCopyState, RUNNING_STATES, SAVING_GROUP } from '../vfio/arcs.ts';
import { type StepResult, stepFailure, type VfioMigrationDriver } from '../vfio/driver.ts';
import { isDriverArc } from '../vfio/driver-arcs.ts';
import { isMigFlags, MIG_FLAG, MIG_STATE, type MigState, migStateName } from '../vfio/states.ts';
import { DirtyProcess } from './gpu-dirty.ts';
import { fbStreamBytes, GPU_CHUNK_HEADER_BYTES, GPU_PAGE_SIZE, pagesPerBlock } from './gpu-format.ts';
import { GpuLoadStream } from './gpu-load.ts';
import { GPU_MODELED_READ_BYTES } from './gpu-modeled-read.ts';
import { GpuSaveStream } from './gpu-save.ts';
import { GpuDeviceState, type InitialContent, type PayloadMode } from './gpu-state.ts';

export interface GpuMigrationOptions {
  /** Framebuffer in use (what dominates vGPU state, performance.md B.5.3); multiple of 4 KiB. */
  readonly framebufferBytes: number;
  /** MMIO register file; default 64 KiB. */
  readonly registerBytes?: number;
  /** Guest framebuffer writes while the device runs, bytes per virtual second. */
  readonly dirtyRateBytesPerSec: number;
  /** Bytes of the framebuffer the guest writes to (from offset 0); default all of it. */
  readonly dirtyWorkingSetBytes?: number;
  readonly payload: PayloadMode;
  /** `seeded` (default): a guest has been running (scenario instances); `zero`: just created. */
  readonly initialContent?: InitialContent;
  readonly clock: VirtualClock;
  readonly rng: Rng;
  /** VFIO_MIGRATION_* flags; default STOP_COPY|P2P|PRE_COPY. */
  readonly migrationFlags?: number;
  /** Name in traces, e.g. the vendor driver (`gvtg`, `vgpu`, `aggr`); default `gpu`. */
  readonly model?: string;
  /** Out of data in PRE_COPY: ENOMSG as the uAPI asks (default) or 0 like mtty. */
  readonly precopyEmptyRead?: 'ENOMSG' | 'zero';
}

/** Byte counts of everything this driver's sessions moved. */
export interface GpuMigrationStats {
  readonly bytesSaved: number;
  readonly bytesLoaded: number;
  readonly pagesDirtied: number;
}

const DEFAULT_REGISTER_BYTES = 64 * 1024;

/**
 * A GPU-like device's migration driver (the model behind gvtg, vgpu and aggr instances): any flag
 * set, every arc the kernel table can produce for it, a chunked stream with exact PRE_COPY info,
 * and guest dirtying driven by the virtual clock while the device runs (RUNNING, RUNNING_P2P,
 * PRE_COPY, PRE_COPY_P2P; nothing while stopped).
 */
export class GpuMigrationDriver implements VfioMigrationDriver {
  readonly model: string;
  readonly migrationFlags: number;
  readonly device: GpuDeviceState;
  readonly dirtyProcess: DirtyProcess;
  readonly #emptyRead: 'ENOMSG' | 'zero';
  #state: MigState = MIG_STATE.RUNNING;
  #saving: GpuSaveStream | undefined;
  #resuming: GpuLoadStream | undefined;
  #bytesSaved = 0;
  #bytesLoaded = 0;

  constructor(options: GpuMigrationOptions) {
    const flags = options.migrationFlags ?? MIG_FLAG.STOP_COPY | MIG_FLAG.P2P | MIG_FLAG.PRE_COPY;
    if (!isMigFlags(flags)) throw new RangeError(`bad migration flags ${flags}`);
    this.model = options.model ?? 'gpu';
    this.migrationFlags = flags;
    this.#emptyRead = options.precopyEmptyRead ?? 'ENOMSG';
    const geometry = {
      framebufferBytes: options.framebufferBytes,
      registerBytes: options.registerBytes ?? DEFAULT_REGISTER_BYTES,
      payload: options.payload,
    };
    this.device = new GpuDeviceState(geometry, options.rng.fork('state'), options.initialContent);
    const ws = options.dirtyWorkingSetBytes ?? options.framebufferBytes;
    if (!(ws >= GPU_PAGE_SIZE && ws <= options.framebufferBytes)) {
      throw new RangeError(`dirty working set must be 4 KiB..framebuffer size, got ${ws}`);
    }
    this.dirtyProcess = new DirtyProcess({
      clock: options.clock,
      rng: options.rng.fork('dirty'),
      rateBytesPerSec: options.dirtyRateBytesPerSec,
      workingSetPages: Math.floor(ws / GPU_PAGE_SIZE),
      onDirty: (page) => {
        this.device.touch(page);
        this.#saving?.pageDirtied(page);
      },
    });
    this.dirtyProcess.setRunning(true);
  }

  get state(): MigState {
    return this.#state;
  }

  /**
   * The read size this device's data fd serves best, a hint for userspace: undefined for real
   * bytes (QEMU's 1 MiB VFIO_MIG_DEFAULT_DATA_BUFFER_SIZE, qemu.md §2.1, is right), and for a
   * modeled payload the size of a batch of whole chunks (gpu-modeled-read.ts), whose zero payload
   * costs nothing however large the read.
   */
  get preferredReadBytes(): number | undefined {
    return this.device.geometry.payload === 'modeled' ? GPU_MODELED_READ_BYTES : undefined;
  }

  /** Auto-converge: hold back this fraction (0..1) of the guest's write rate. */
  setThrottle(throttle: number): void {
    this.dirtyProcess.setThrottle(throttle);
  }

  setDirtyRate(bytesPerSec: number): void {
    this.dirtyProcess.setRate(bytesPerSec);
  }

  get stats(): GpuMigrationStats {
    return {
      bytesSaved: this.#bytesSaved + (this.#saving?.bytesRead ?? 0),
      bytesLoaded: this.#bytesLoaded + (this.#resuming?.bytesWritten ?? 0),
      pagesDirtied: this.dirtyProcess.totalPages,
    };
  }

  step(from: MigState, to: MigState): StepResult {
    if (!isDriverArc(this.migrationFlags, from, to)) {
      return stepFailure(
        'EINVAL',
        `no arc ${migStateName(from)}->${migStateName(to)} for flags ${this.migrationFlags}`,
      );
    }
    this.dirtyProcess.sync();
    let result: StepResult;
    if (to === MIG_STATE.STOP_COPY && SAVING_GROUP.has(from)) {
      this.#saving?.enterStopCopy();
    } else if (SAVING_GROUP.has(to) && !SAVING_GROUP.has(from)) {
      result = this.#openSave(to);
    } else if (SAVING_GROUP.has(from) && !SAVING_GROUP.has(to)) {
      this.#closeSave();
    } else if (to === MIG_STATE.RESUMING) {
      this.#resuming = new GpuLoadStream(this.device);
      result = this.#resuming;
    } else if (from === MIG_STATE.RESUMING) {
      const problem = this.#resuming?.finish();
      if (problem !== undefined) return stepFailure(problem.errno, problem.reason ?? 'bad stream');
      this.#closeResume();
    }
    this.#enter(to);
    return result;
  }

  stopCopyLength(): number {
    this.dirtyProcess.sync();
    if (this.#saving !== undefined) return this.#saving.remainingBytes();
    const header = GPU_CHUNK_HEADER_BYTES;
    const fb = fbStreamBytes(this.device.pages, pagesPerBlock(this.device.geometry.payload === 'modeled'));
    return header + fb + header + this.device.registers.length + header;
  }

  reset(): void {
    this.dirtyProcess.sync();
    this.#closeSave();
    this.#closeResume();
    this.#enter(MIG_STATE.RUNNING);
  }

  enteredError(): void {
    this.dirtyProcess.sync();
    this.#enter(MIG_STATE.ERROR);
  }

  stateDigest(): string {
    this.dirtyProcess.sync();
    return this.device.digest();
  }

  #openSave(to: MigState): GpuSaveStream {
    const hooks = {
      sync: () => this.dirtyProcess.sync(),
      inPreCopy: () => isPreCopyState(this.#state),
      emptyRead: this.#emptyRead,
    };
    this.#saving = new GpuSaveStream(this.device, hooks, to !== MIG_STATE.STOP_COPY);
    if (to === MIG_STATE.STOP_COPY) this.#saving.enterStopCopy();
    return this.#saving;
  }

  #closeSave(): void {
    if (this.#saving === undefined) return;
    this.#bytesSaved += this.#saving.bytesRead;
    this.#saving.disable();
    this.#saving = undefined;
  }

  #closeResume(): void {
    if (this.#resuming === undefined) return;
    this.#bytesLoaded += this.#resuming.bytesWritten;
    this.#resuming.disable();
    this.#resuming = undefined;
  }

  #enter(state: MigState): void {
    this.#state = state;
    this.dirtyProcess.setRunning(RUNNING_STATES.has(state));
  }
}

/** The factory the mdev layer calls for a GPU-like instance (gvtg, vgpu, aggr). */
export function createGpuMigration(options: GpuMigrationOptions): GpuMigrationDriver {
  return new GpuMigrationDriver(options);
}
