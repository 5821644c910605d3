import { describe, expect, it } from 'vitest';
import { NS_PER_MS, NS_PER_S, NS_PER_US, VirtualClock } from '../../core/clock.ts';

describe('core/clock: virtual time and the discrete-event scheduler', () => {
  it('unit constants', () => {
    expect([NS_PER_US, NS_PER_MS, NS_PER_S]).toEqual([1e3, 1e6, 1e9]);
  });

  it('starts at 0 and advance() moves forward; nowMs derives from ns', () => {
    const clock = new VirtualClock();
    expect(clock.now).toBe(0);
    clock.advance(2_500_000);
    expect(clock.now).toBe(2_500_000);
    expect(clock.nowMs).toBe(2.5);
  });

  it('runs events in time order, whatever order they were scheduled in', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    for (const [delay, label] of [
      [30, 'c'],
      [10, 'a'],
      [50, 'e'],
      [20, 'b'],
      [40, 'd'],
    ] as const) {
      clock.schedule(delay, label, () => log.push(`${label}@${clock.now}`));
    }
    expect(clock.runAll()).toBe(5);
    expect(log).toEqual(['a@10', 'b@20', 'c@30', 'd@40', 'e@50']);
  });

  it('same-time events run FIFO, in the order they were scheduled (ties broken by sequence)', () => {
    const clock = new VirtualClock();
    const log: number[] = [];
    for (let i = 0; i < 50; i++) clock.schedule(100, `e${i}`, () => log.push(i));
    clock.runAll();
    expect(log).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('an event scheduled with delay 0 from inside an event runs after the already-queued same-time events', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.schedule(5, 'first', () => {
      log.push('first');
      clock.schedule(0, 'child', () => log.push(`child@${clock.now}`));
    });
    clock.schedule(5, 'second', () => log.push('second'));
    clock.runAll();
    expect(log).toEqual(['first', 'second', 'child@5']);
  });

  it('advance() runs exactly the events due on the way (inclusive) and stops at the target time', () => {
    const clock = new VirtualClock();
    const log: number[] = [];
    clock.schedule(10, 'a', () => log.push(clock.now));
    clock.schedule(20, 'b', () => log.push(clock.now));
    clock.schedule(21, 'c', () => log.push(clock.now));
    clock.advance(20);
    expect(log).toEqual([10, 20]);
    expect(clock.now).toBe(20);
    expect(clock.pending).toBe(1);
    clock.runUntil(100);
    expect(log).toEqual([10, 20, 21]);
    expect(clock.now).toBe(100);
  });

  it('a cancelled event never runs, and the others keep their order', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const a = clock.schedule(10, 'a', () => log.push('a'));
    clock.schedule(10, 'b', () => log.push('b'));
    const c = clock.schedule(5, 'c', () => log.push('c'));
    clock.cancel(a);
    clock.cancel(c);
    expect(a.cancelled).toBe(true);
    expect(clock.runAll()).toBe(1);
    expect(log).toEqual(['b']);
  });

  it('an event can cancel a later one', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const later = clock.schedule(20, 'later', () => log.push('later'));
    clock.schedule(10, 'canceller', () => clock.cancel(later));
    clock.runAll();
    expect(log).toEqual([]);
  });

  it('time cannot go back: runUntil(past), advance(<0), NaN and negative delays throw RangeError', () => {
    const clock = new VirtualClock();
    clock.advance(100);
    expect(() => clock.runUntil(99)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => clock.schedule(-5, 'x', () => {})).toThrow(RangeError);
    expect(() => clock.schedule(Number.NaN, 'x', () => {})).toThrow(RangeError);
    expect(clock.now).toBe(100);
  });

  it('runAll(limit) stops a runaway process with RangeError', () => {
    const clock = new VirtualClock();
    const tick = () => {
      clock.schedule(1, 'tick', tick);
    };
    tick();
    expect(() => clock.runAll(1000)).toThrow(RangeError);
    expect(clock.now).toBe(1000);
  });

  it('the heap keeps order over many random insertions (compared with a sort)', () => {
    const clock = new VirtualClock();
    const expected: [number, number][] = [];
    const log: number[] = [];
    let x = 12345;
    for (let i = 0; i < 500; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const at = x % 37;
      expected.push([at, i]);
      clock.schedule(at, String(i), () => log.push(i));
    }
    clock.runAll();
    expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(log).toEqual(expected.map(([, i]) => i));
  });
});
