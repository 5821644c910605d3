import { NS_PER_S, type VirtualClock } from '../../core/clock.ts';
import type { Rng } from '../../core/rng.ts';
import { GPU_PAGE_SIZE } from './gpu-format.ts';

export interface DirtyProcessOptions {
  readonly clock: VirtualClock;
  readonly rng: Rng;
  /** Guest write rate while running, in bytes per second of virtual time (4 KiB pages). */
  readonly rateBytesPerSec: number;
  /** Pages the guest writes to, chosen uniformly: [0, workingSetPages). */
  readonly workingSetPages: number;
  readonly onDirty: (page: number) => void;
}

/**
 * The guest's writes to the framebuffer, as a seeded process on the virtual clock. It is pulled,
 * not scheduled: whoever looks at the device first calls sync(), which dirties every page due
 * between the last look and `clock.now`. The number due is a pure function of the time spent in
 * the current segment (a stretch of constant rate), and pages are drawn one at a time from a
 * forked Rng, so the result is the same however often anyone looks, and the scheduler stays
 * drainable (no perpetual tick events).
 *
 * A segment ends when the device starts or stops running, or when the rate or the throttle
 * changes; the fractional page accumulated in a segment is dropped at its end.
 */
export class DirtyProcess {
  readonly #clock: VirtualClock;
  readonly #rng: Rng;
  readonly #workingSetPages: number;
  readonly #onDirty: (page: number) => void;
  #rate: number;
  #throttle = 0;
  #running = false;
  #segmentStart: number;
  #segmentDone = 0;
  #total = 0;

  constructor(options: DirtyProcessOptions) {
    checkRate(options.rateBytesPerSec);
    if (!Number.isInteger(options.workingSetPages) || options.workingSetPages < 1) {
      throw new RangeError(`working set must be at least one page, got ${options.workingSetPages}`);
    }
    this.#clock = options.clock;
    this.#rng = options.rng;
    this.#rate = options.rateBytesPerSec;
    this.#workingSetPages = options.workingSetPages;
    this.#onDirty = options.onDirty;
    this.#segmentStart = options.clock.now;
  }

  get running(): boolean {
    return this.#running;
  }

  get rateBytesPerSec(): number {
    return this.#rate;
  }

  /** Fraction of the rate held back, 0..1 (QEMU's cpu-throttle-percentage / 100). */
  get throttle(): number {
    return this.#throttle;
  }

  /** Write rate now in effect: rate x (1 - throttle), 0 when stopped. */
  get effectiveBytesPerSec(): number {
    return this.#running ? this.#rate * (1 - this.#throttle) : 0;
  }

  /** Pages dirtied since creation. */
  get totalPages(): number {
    return this.#total;
  }

  setRunning(running: boolean): void {
    if (running === this.#running) return;
    this.#newSegment();
    this.#running = running;
  }

  setThrottle(throttle: number): void {
    if (!(throttle >= 0 && throttle <= 1))
      throw new RangeError(`throttle must be within 0..1, got ${throttle}`);
    this.#newSegment();
    this.#throttle = throttle;
  }

  setRate(rateBytesPerSec: number): void {
    checkRate(rateBytesPerSec);
    this.#newSegment();
    this.#rate = rateBytesPerSec;
  }

  /** Dirties every page due up to `clock.now`; returns how many. */
  sync(): number {
    if (!this.#running) return 0;
    const pagesPerNs = (this.#rate * (1 - this.#throttle)) / (GPU_PAGE_SIZE * NS_PER_S);
    const due = Math.floor((this.#clock.now - this.#segmentStart) * pagesPerNs);
    const n = due - this.#segmentDone;
    if (n <= 0) return 0;
    this.#segmentDone = due;
    this.#total += n;
    const ws = this.#workingSetPages;
    for (let i = 0; i < n; i++) this.#onDirty(this.#rng.nextU32() % ws);
    return n;
  }

  #newSegment(): void {
    this.sync();
    this.#segmentStart = this.#clock.now;
    this.#segmentDone = 0;
  }
}

function checkRate(rate: number): void {
  if (!(rate >= 0) || !Number.isFinite(rate))
    throw new RangeError(`dirty rate must be >= 0 bytes/s, got ${rate}`);
}
