import { describe, expect, it } from 'vitest';
import { EventBus } from '../../core/events.ts';

type Events = {
  'a:one': { n: number };
  'a:two': { s: string };
};

describe('core/events: typed EventBus', () => {
  it('on() delivers the payload of its type only; the returned function unsubscribes', () => {
    const bus = new EventBus<Events>();
    const got: number[] = [];
    const off = bus.on('a:one', (e) => got.push(e.n));
    bus.emit('a:one', { n: 1 });
    bus.emit('a:two', { s: 'x' });
    off();
    bus.emit('a:one', { n: 2 });
    expect(got).toEqual([1]);
  });

  it('onAny() sees every event with its type attached, in emit order', () => {
    const bus = new EventBus<Events>();
    const got: unknown[] = [];
    const off = bus.onAny((e) => got.push(e));
    bus.emit('a:one', { n: 1 });
    bus.emit('a:two', { s: 'x' });
    off();
    bus.emit('a:one', { n: 3 });
    expect(got).toEqual([
      { type: 'a:one', n: 1 },
      { type: 'a:two', s: 'x' },
    ]);
  });

  it('wants() is true only while someone listens to that type or to everything', () => {
    const bus = new EventBus<Events>();
    expect(bus.wants('a:one')).toBe(false);
    const off = bus.on('a:one', () => {});
    expect(bus.wants('a:one')).toBe(true);
    expect(bus.wants('a:two')).toBe(false);
    off();
    expect(bus.wants('a:one')).toBe(false);
    const offAny = bus.onAny(() => {});
    expect(bus.wants('a:two')).toBe(true);
    offAny();
    expect(bus.wants('a:two')).toBe(false);
  });

  it('listeners of one type run in subscription order', () => {
    const bus = new EventBus<Events>();
    const log: string[] = [];
    bus.on('a:one', () => log.push('first'));
    bus.on('a:one', () => log.push('second'));
    bus.emit('a:one', { n: 0 });
    expect(log).toEqual(['first', 'second']);
  });
});
