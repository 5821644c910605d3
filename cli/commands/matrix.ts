import type { CliContext } from '../context.ts';
import { withProgress } from '../progress.ts';
import { loadWorld } from '../scenario.ts';

export type MatrixOptions = {
  readonly format?: 'table' | 'csv' | 'json';
  readonly crossHost?: boolean;
};

/** `mdevsim matrix <scenario>`: lab/matrix's compatibility matrix in the chosen format. */
export async function matrixCommand(
  ctx: CliContext,
  scenario: string,
  options: MatrixOptions,
): Promise<void> {
  const world = await loadWorld(ctx, scenario);
  const [{ compatibilityMatrix }, format] = await Promise.all([
    import('../../lab/matrix/matrix.ts'),
    import('../../lab/matrix/format.ts'),
  ]);
  const cells = await withProgress(ctx, { title: 'matrix' }, async (onProgress) =>
    compatibilityMatrix(world, {
      crossHostOnly: options.crossHost === true,
      ...(onProgress === undefined
        ? {}
        : { onProgress: (done: number, total: number) => onProgress({ done, total }) }),
    }),
  );
  switch (options.format ?? 'table') {
    case 'csv':
      ctx.io.out(format.matrixCsv(cells));
      return;
    case 'json':
      ctx.io.out(`${format.matrixJson(cells)}\n`);
      return;
    case 'table':
      ctx.io.out(format.matrixTable(cells));
      return;
  }
}
