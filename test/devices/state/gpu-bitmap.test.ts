import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NS_PER_MS, VirtualClock } from '../../../core/clock.ts';
import { Rng } from '../../../core/rng.ts';
import { DirtyBitmap, PageBitmap } from '../../../devices/state/gpu-bitmap.ts';
import { DirtyProcess } from '../../../devices/state/gpu-dirty.ts';
import { GPU_MODELED_PAGES_PER_BLOCK, GPU_PAGES_PER_BLOCK } from '../../../devices/state/gpu-format.ts';

/** Brute force: maximal runs of set pages, cut at block boundaries. */
function runsOf(set: ReadonlySet<number>, pages: number): number {
  let runs = 0;
  for (let p = 0; p < pages; p++) {
    if (set.has(p) && (p % GPU_PAGES_PER_BLOCK === 0 || !set.has(p - 1))) runs++;
  }
  return runs;
}

describe('dirty page log', () => {
  it('keeps the page count and the chunk (run) count exact under any set/clear/drain sequence', () => {
    const pages = 3 * GPU_PAGES_PER_BLOCK + 17;
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), page: fc.integer({ min: 0, max: pages - 1 }) }),
      fc.record({ kind: fc.constant('clear' as const), page: fc.integer({ min: 0, max: pages - 1 }) }),
      fc.record({ kind: fc.constant('drain' as const), page: fc.integer({ min: 0, max: pages - 1 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const bitmap = new DirtyBitmap(pages);
        const model = new Set<number>();
        for (const { kind, page } of ops) {
          if (kind === 'set') {
            expect(bitmap.set(page)).toBe(!model.has(page));
            model.add(page);
          } else if (kind === 'clear') {
            expect(bitmap.clear(page)).toBe(model.has(page));
            model.delete(page);
          } else {
            const run = bitmap.findRun(page);
            if (model.size === 0) {
              expect(run).toBeUndefined();
              continue;
            }
            if (run === undefined) throw new Error('run expected');
            for (let p = run.start; p < run.end; p++) expect(model.has(p)).toBe(true);
            expect(Math.floor(run.start / 256)).toBe(Math.floor((run.end - 1) / 256));
            bitmap.clearRun(run.start, run.end);
            for (let p = run.start; p < run.end; p++) model.delete(p);
          }
          expect(bitmap.count).toBe(model.size);
          expect(bitmap.runs).toBe(runsOf(model, pages));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('page bitmap range set (the loader marks whole chunks received)', () => {
  it('setRange sets exactly [start, end) and keeps the count exact, over any word alignment', () => {
    const pages = 5 * 32 + 7;
    const range = fc
      .tuple(fc.integer({ min: 0, max: pages }), fc.integer({ min: 0, max: pages }))
      .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(range, fc.integer({ min: 0, max: pages - 1 })), { maxLength: 20 }),
        (ops) => {
          const bitmap = new PageBitmap(pages);
          const model = new Set<number>();
          for (const o of ops) {
            if (typeof o === 'number') {
              bitmap.set(o);
              model.add(o);
            } else {
              bitmap.setRange(o[0], o[1]);
              for (let p = o[0]; p < o[1]; p++) model.add(p);
            }
            expect(bitmap.count).toBe(model.size);
          }
          for (let p = 0; p < pages; p++) expect(bitmap.has(p)).toBe(model.has(p));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a dirty log with modeled (256 MiB) blocks counts runs across 1 MiB boundaries', () => {
    const bitmap = new DirtyBitmap(2 * GPU_MODELED_PAGES_PER_BLOCK, GPU_MODELED_PAGES_PER_BLOCK);
    bitmap.setRange(GPU_PAGES_PER_BLOCK - 2, GPU_PAGES_PER_BLOCK + 2); // one run over a 1 MiB edge
    expect(bitmap.runs).toBe(1);
    bitmap.setRange(GPU_MODELED_PAGES_PER_BLOCK - 1, GPU_MODELED_PAGES_PER_BLOCK + 1); // split by the block
    expect(bitmap.runs).toBe(3);
    expect(bitmap.findRun(0)).toEqual({ start: GPU_PAGES_PER_BLOCK - 2, end: GPU_PAGES_PER_BLOCK + 2 });
  });
});

describe('dirty process on the virtual clock', () => {
  it('dirties the same pages whatever the observation pattern', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 * NS_PER_MS }), { minLength: 1, maxLength: 30 }),
        (steps) => {
          const run = (observeEveryStep: boolean) => {
            const clock = new VirtualClock();
            const pages: number[] = [];
            const process = new DirtyProcess({
              clock,
              rng: new Rng(42),
              rateBytesPerSec: 10_000_000,
              workingSetPages: 500,
              onDirty: (p) => pages.push(p),
            });
            process.setRunning(true);
            for (const step of steps) {
              clock.advance(step);
              if (observeEveryStep) process.sync();
            }
            process.sync();
            return pages;
          };
          const total = steps.reduce((a, b) => a + b, 0);
          const pages = run(true);
          expect(pages).toEqual(run(false));
          expect(pages).toHaveLength(Math.floor(total * (10_000_000 / (4096 * 1e9))));
          for (const p of pages) expect(p).toBeLessThan(500);
        },
      ),
    );
  });
});
