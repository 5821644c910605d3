import type { VirtualClock } from '../../core/clock.ts';
import { EventBus } from '../../core/events.ts';
import { type MigrationEvent, type MigrationEvents, PHASES, type Phase } from './events.ts';
import type { PhaseStats } from './result.ts';

/** Thrown out of the flow when `cancel` says so; the flow turns it into a rollback. */
export class Cancelled extends Error {
  readonly event: MigrationEvent;
  constructor(event: MigrationEvent) {
    super(`cancelled at event #${event.seq} (${event.phase}/${event.step})`);
    this.event = event;
  }
}

/**
 * Time, bytes and events of one migration: which phase we are in, what each phase cost on the
 * virtual clock, and the numbered event stream (with the cancellation hook).
 */
export class Accounting {
  readonly clock: VirtualClock;
  readonly bus = new EventBus<MigrationEvents>();
  readonly startedAt: number;
  readonly #ns = new Map<Phase, number>(PHASES.map((p) => [p, 0]));
  readonly #bytes = new Map<Phase, number>(PHASES.map((p) => [p, 0]));
  #phase: Phase = 'handshake';
  #phaseStart: number;
  #seq = 0;
  #cancellable = true;
  readonly #cancel: ((event: MigrationEvent) => boolean) | undefined;
  readonly #onEvent: ((event: MigrationEvent) => void) | undefined;

  constructor(
    clock: VirtualClock,
    hooks: { cancel?: (e: MigrationEvent) => boolean; onEvent?: (e: MigrationEvent) => void },
  ) {
    this.clock = clock;
    this.startedAt = clock.now;
    this.#phaseStart = clock.now;
    this.#cancel = hooks.cancel;
    this.#onEvent = hooks.onEvent;
  }

  get phase(): Phase {
    return this.#phase;
  }

  get events(): number {
    return this.#seq;
  }

  enter(phase: Phase): void {
    this.#close();
    this.#phase = phase;
  }

  /** Rollback must run to the end: no cancellation from here on. */
  stopCancellation(): void {
    this.#cancellable = false;
  }

  spend(ns: number): void {
    if (ns > 0) this.clock.advance(Math.round(ns));
  }

  addBytes(bytes: number): void {
    this.#bytes.set(this.#phase, (this.#bytes.get(this.#phase) ?? 0) + bytes);
  }

  emit(step: string, detail?: string, bytes?: number): void {
    const event: MigrationEvent = {
      seq: this.#seq++,
      at: this.clock.now,
      phase: this.#phase,
      step,
      ...(detail === undefined ? {} : { detail }),
      ...(bytes === undefined ? {} : { bytes }),
    };
    this.#onEvent?.(event);
    this.bus.emit('migration:event', event);
    if (this.#cancellable && this.#cancel?.(event)) throw new Cancelled(event);
  }

  stats(): Record<Phase, PhaseStats> {
    this.#close();
    const out = {} as Record<Phase, PhaseStats>;
    for (const p of PHASES) out[p] = { ns: this.#ns.get(p) ?? 0, bytes: this.#bytes.get(p) ?? 0 };
    return out;
  }

  #close(): void {
    const now = this.clock.now;
    this.#ns.set(this.#phase, (this.#ns.get(this.#phase) ?? 0) + (now - this.#phaseStart));
    this.#phaseStart = now;
  }
}
