/**
 * Virtual time in integer nanoseconds with a deterministic discrete-event scheduler. Events at the
 * same instant run in the order they were scheduled (a sequence number breaks ties), so a run is a
 * pure function of its inputs. Time only moves forward: `advance` and the scheduler never go back.
 */
export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

export interface ScheduledEvent {
  readonly at: number;
  readonly seq: number;
  readonly label: string;
  readonly run: () => void;
  cancelled: boolean;
}

export class VirtualClock {
  #now = 0;
  #seq = 0;
  readonly #heap: ScheduledEvent[] = [];

  /** Current virtual time in nanoseconds. */
  get now(): number {
    return this.#now;
  }

  get nowMs(): number {
    return this.#now / NS_PER_MS;
  }

  get pending(): number {
    return this.#heap.length;
  }

  /** Moves time forward by `ns`, running every event that falls due on the way, in order. */
  advance(ns: number): void {
    if (!(ns >= 0) || !Number.isFinite(ns)) throw new RangeError(`cannot advance the clock by ${ns} ns`);
    this.runUntil(this.#now + ns);
  }

  /** Runs `run` at `now + delay` nanoseconds. */
  schedule(delayNs: number, label: string, run: () => void): ScheduledEvent {
    if (!(delayNs >= 0) || !Number.isFinite(delayNs)) {
      throw new RangeError(`cannot schedule '${label}' ${delayNs} ns from now`);
    }
    const event: ScheduledEvent = { at: this.#now + delayNs, seq: this.#seq++, label, run, cancelled: false };
    this.#push(event);
    return event;
  }

  cancel(event: ScheduledEvent): void {
    event.cancelled = true;
  }

  /** Runs every event due at or before `time`, then sets the clock to `time`. */
  runUntil(time: number): void {
    if (time < this.#now) throw new RangeError(`time cannot go back from ${this.#now} to ${time} ns`);
    for (;;) {
      const next = this.#heap[0];
      if (next === undefined || next.at > time) break;
      this.#pop();
      if (next.cancelled) continue;
      this.#now = next.at;
      next.run();
    }
    this.#now = time;
  }

  /** Runs events until none is left (or `limit` have run, to stop a runaway process). */
  runAll(limit = 10_000_000): number {
    let ran = 0;
    for (;;) {
      const next = this.#heap[0];
      if (next === undefined) return ran;
      if (ran >= limit) throw new RangeError(`scheduler ran ${limit} events without draining`);
      this.#pop();
      if (next.cancelled) continue;
      this.#now = next.at;
      next.run();
      ran++;
    }
  }

  #push(event: ScheduledEvent): void {
    const heap = this.#heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const up = heap[parent] as ScheduledEvent;
      if (!before(event, up)) break;
      heap[i] = up;
      i = parent;
    }
    heap[i] = event;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    // Sift `last` down from the root into its place.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m: ScheduledEvent = last;
      let at = i;
      const left = heap[l];
      const right = heap[r];
      if (left !== undefined && before(left, m)) {
        m = left;
        at = l;
      }
      if (right !== undefined && before(right, m)) {
        m = right;
        at = r;
      }
      heap[i] = m;
      if (at === i) return;
      i = at;
    }
  }
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
