import { describe, expect, it } from 'vitest';
import { type CliContext, contextFor } from '../../cli/context.ts';
import { type ProgressListener, withProgress } from '../../cli/progress.ts';

function context(interactive: boolean): CliContext {
  return contextFor(
    'file:///pkg/cli/main.ts',
    { out: () => {}, err: () => {}, readStdin: async () => '', interactive, env: {} },
    false,
  );
}

describe('withProgress', () => {
  it('no terminal: the task gets no listener (nothing is drawn)', async () => {
    let got: ProgressListener | undefined = () => {};
    const result = await withProgress(context(false), { title: 't' }, async (l) => {
      got = l;
      return 42;
    });
    expect(result).toBe(42);
    expect(got).toBeUndefined();
  });

  it('disabled (e.g. --json): no listener even in a terminal', async () => {
    let got: ProgressListener | undefined = () => {};
    await withProgress(context(true), { title: 't', enabled: false }, async (l) => {
      got = l;
    });
    expect(got).toBeUndefined();
  });

  it('a terminal: a listener that takes events (growing totals too), and the bar stops on errors', async () => {
    await withProgress(context(true), { title: 'matrix {x}' }, async (l) => {
      expect(l).toBeTypeOf('function');
      l?.({ done: 0, total: 4 });
      l?.({ done: 2, total: 4, label: 'a -> b' });
      l?.({ done: 5, total: 8 });
    });
    await expect(
      withProgress(context(true), { title: 't' }, async (l) => {
        l?.({ done: 1, total: 2 });
        throw new Error('task failed');
      }),
    ).rejects.toThrow('task failed');
  });

  it('the context knows source from bundle', () => {
    const src = context(false);
    expect([src.codeExt, src.codeRoot.href, src.packageRoot.href]).toEqual([
      '.ts',
      'file:///pkg/',
      'file:///pkg/',
    ]);
    const built = contextFor('file:///pkg/dist/cli/main.js', src.io, false);
    expect([built.codeExt, built.codeRoot.href, built.packageRoot.href]).toEqual([
      '.js',
      'file:///pkg/dist/',
      'file:///pkg/',
    ]);
  });
});
