import type { MatrixCell } from './matrix.ts';

const COLUMNS = [
  'sourceHost',
  'sourceParent',
  'sourceType',
  'targetHost',
  'targetParent',
  'verdict',
  'step',
  'errno',
] as const;

/** RFC 4180 CSV with a header row; fields quoted only when they must be. */
export function matrixCsv(cells: readonly MatrixCell[]): string {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const lines = [COLUMNS.join(',')];
  for (const c of cells) lines.push(COLUMNS.map((k) => quote(String(c[k] ?? ''))).join(','));
  return `${lines.join('\n')}\n`;
}

export function matrixJson(cells: readonly MatrixCell[]): string {
  return JSON.stringify(cells, null, 2);
}

/**
 * A grid for people: one row per source (host/parent/type), one column per target (host/parent),
 * cells `ok`, `no(EINVAL)`, `type` (step-0 mismatch) or `n/m` (not migratable).
 */
export function matrixTable(cells: readonly MatrixCell[]): string {
  const rowKey = (c: MatrixCell) => `${c.sourceHost}/${c.sourceParent} ${c.sourceType}`;
  const colKey = (c: MatrixCell) => `${c.targetHost}/${c.targetParent}`;
  const rows = [...new Set(cells.map(rowKey))];
  const cols = [...new Set(cells.map(colKey))];
  const at = new Map(cells.map((c) => [`${rowKey(c)}|${colKey(c)}`, c]));
  const mark = (c: MatrixCell | undefined) => {
    if (c === undefined) return '-';
    if (c.verdict === 'compatible') return 'ok';
    if (c.verdict === 'not-migratable') return 'n/m';
    return c.step === 0 ? 'type' : `no(${c.errno ?? '?'})`;
  };
  const grid = rows.map((r) => [r, ...cols.map((col) => mark(at.get(`${r}|${col}`)))]);
  const header = ['source \\ target', ...cols];
  const widths = header.map((h, i) => Math.max(h.length, ...grid.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...grid.map(line)].join('\n')}\n`;
}
