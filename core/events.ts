import { EventEmitter } from 'eventemitter3';

/**
 * A typed event bus: `M` maps event names to their single payload. Every meaningful step of the
 * simulation is emitted here; traces, progress bars and reports subscribe, nothing polls.
 */
export type EventMap = { [name: string]: object };

export type BusEvent<M extends EventMap> = { [K in keyof M & string]: { type: K } & M[K] }[keyof M & string];

export class EventBus<M extends EventMap> {
  readonly #emitter = new EventEmitter();
  #anyCount = 0;

  on<K extends keyof M & string>(type: K, listener: (event: M[K]) => void): () => void {
    this.#emitter.on(type, listener);
    return () => this.#emitter.off(type, listener);
  }

  /** Listens to every event, with its type attached (for traces). */
  onAny(listener: (event: BusEvent<M>) => void): () => void {
    this.#emitter.on('*', listener);
    this.#anyCount++;
    return () => {
      this.#emitter.off('*', listener);
      this.#anyCount--;
    };
  }

  emit<K extends keyof M & string>(type: K, payload: M[K]): void {
    this.#emitter.emit(type, payload);
    if (this.#anyCount > 0) this.#emitter.emit('*', { type, ...payload });
  }

  /** True when someone listens to `type` (lets hot paths skip building a payload). */
  wants(type: keyof M & string): boolean {
    return this.#anyCount > 0 || this.#emitter.listenerCount(type) > 0;
  }
}
