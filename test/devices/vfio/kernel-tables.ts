/*
 * The expected answers of kernel.md §3.5-§3.6, typed in from the document (not derived from
 * devices/vfio), so the tests compare the implementation against an independent transcription.
 * Cells: a state abbreviation = the next step; '=' = cur equals req (success, no step);
 * 'EINVAL' = error. Columns in uAPI order: ERROR, STOP, RUN, SC, RES, RP2P, PC, PCP2P.
 */

export const ABBR = ['ERROR', 'STOP', 'RUN', 'SC', 'RES', 'RP2P', 'PC', 'PCP2P'] as const;
export type Abbr = (typeof ABBR)[number];
export type Cell = Abbr | '=' | 'EINVAL';

const X = 'EINVAL';

/** kernel.md §3.5, flags = STOP_COPY|P2P|PRE_COPY (7). */
export const TABLE_7: Readonly<Record<Abbr, readonly Cell[]>> = {
  ERROR: [X, X, X, X, X, X, X, X],
  STOP: [X, '=', 'RP2P', 'SC', 'RES', 'RP2P', 'RP2P', 'RP2P'],
  RUN: [X, 'RP2P', '=', 'RP2P', 'RP2P', 'RP2P', 'PC', 'RP2P'],
  SC: [X, 'STOP', 'STOP', '=', 'STOP', 'STOP', X, X],
  RES: [X, 'STOP', 'STOP', 'STOP', '=', 'STOP', 'STOP', 'STOP'],
  RP2P: [X, 'STOP', 'RUN', 'STOP', 'STOP', '=', 'RUN', 'PCP2P'],
  PC: [X, 'RUN', 'RUN', 'PCP2P', 'RUN', 'RUN', '=', 'PCP2P'],
  PCP2P: [X, 'RP2P', 'RP2P', 'SC', 'RP2P', 'RP2P', 'PC', '='],
};

const NONE: readonly Cell[] = [X, X, X, X, X, X, X, X];

/** kernel.md §3.6, flags = STOP_COPY (1). */
export const TABLE_1: Readonly<Record<Abbr, readonly Cell[]>> = {
  ERROR: NONE,
  STOP: [X, '=', 'RUN', 'SC', 'RES', X, X, X],
  RUN: [X, 'STOP', '=', 'STOP', 'STOP', X, X, X],
  SC: [X, 'STOP', 'STOP', '=', 'STOP', X, X, X],
  RES: [X, 'STOP', 'STOP', 'STOP', '=', X, X, X],
  RP2P: NONE,
  PC: NONE,
  PCP2P: NONE,
};

/** kernel.md §3.6, flags = STOP_COPY|PRE_COPY (5). */
export const TABLE_5: Readonly<Record<Abbr, readonly Cell[]>> = {
  ERROR: NONE,
  STOP: [X, '=', 'RUN', 'SC', 'RES', X, 'RUN', X],
  RUN: [X, 'STOP', '=', 'STOP', 'STOP', X, 'PC', X],
  SC: [X, 'STOP', 'STOP', '=', 'STOP', X, X, X],
  RES: [X, 'STOP', 'STOP', 'STOP', '=', X, 'STOP', X],
  RP2P: NONE,
  PC: [X, 'RUN', 'RUN', 'SC', 'RUN', X, '=', X],
  PCP2P: NONE,
};

/** kernel.md §3.6, flags = STOP_COPY|P2P (3): the 7-table restricted to STOP/RUN/SC/RES/RP2P. */
export const TABLE_3: Readonly<Record<Abbr, readonly Cell[]>> = (() => {
  const keep = new Set<Abbr>(['STOP', 'RUN', 'SC', 'RES', 'RP2P']);
  const rows = {} as Record<Abbr, readonly Cell[]>;
  for (const cur of ABBR) {
    rows[cur] = keep.has(cur) ? TABLE_7[cur].map((cell, i) => (keep.has(ABBR[i] as Abbr) ? cell : X)) : NONE;
  }
  return rows;
})();

/** The table for any flag set: the four above; flag sets without STOP_COPY support nothing. */
export function expectedTable(flags: number): Readonly<Record<Abbr, readonly Cell[]>> {
  switch (flags) {
    case 1:
      return TABLE_1;
    case 3:
      return TABLE_3;
    case 5:
      return TABLE_5;
    case 7:
      return TABLE_7;
    default:
      return { ERROR: NONE, STOP: NONE, RUN: NONE, SC: NONE, RES: NONE, RP2P: NONE, PC: NONE, PCP2P: NONE };
  }
}

/** The reference path walk over a transcribed table: states as uAPI numbers, or 'EINVAL'. */
export function referencePath(flags: number, from: number, to: number): number[] | 'EINVAL' {
  const table = expectedTable(flags);
  const path = [from];
  let cur = from;
  while (cur !== to) {
    const cell = table[ABBR[cur] as Abbr]?.[to];
    if (cell === undefined || cell === 'EINVAL') return 'EINVAL';
    const next = cell === '=' ? cur : ABBR.indexOf(cell);
    if (next === cur || path.length > 8) throw new Error(`reference table loops at ${cur}->${to}`);
    path.push(next);
    cur = next;
  }
  return path;
}

/** kernel.md §3.5 "Full paths (flags = 7)", verbatim. */
export const FULL_PATHS_7 = `STOP→RUN = STOP,RP2P,RUN · STOP→PC = STOP,RP2P,RUN,PC ·
STOP→PCP2P = STOP,RP2P,PCP2P · RUN→STOP = RUN,RP2P,STOP · RUN→SC = RUN,RP2P,STOP,SC ·
RUN→RES = RUN,RP2P,STOP,RES · RUN→PCP2P = RUN,RP2P,PCP2P · SC→RUN = SC,STOP,RP2P,RUN ·
SC→RES = SC,STOP,RES · SC→RP2P = SC,STOP,RP2P · RES→RUN = RES,STOP,RP2P,RUN ·
RES→SC = RES,STOP,SC · RES→RP2P = RES,STOP,RP2P · RES→PC = RES,STOP,RP2P,RUN,PC ·
RES→PCP2P = RES,STOP,RP2P,PCP2P · RP2P→SC = RP2P,STOP,SC · RP2P→RES = RP2P,STOP,RES ·
RP2P→PC = RP2P,RUN,PC · PC→STOP = PC,RUN,RP2P,STOP · PC→SC = PC,PCP2P,SC ·
PC→RES = PC,RUN,RP2P,STOP,RES · PC→RP2P = PC,RUN,RP2P · PCP2P→STOP = PCP2P,RP2P,STOP ·
PCP2P→RUN = PCP2P,RP2P,RUN · PCP2P→RES = PCP2P,RP2P,STOP,RES`;

export function parseFullPaths(text: string): { from: number; to: number; path: number[] }[] {
  return text
    .split('·')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const [arc, list] = entry.split('=').map((s) => s.trim()) as [string, string];
      const [from, to] = arc.split('→').map((s) => ABBR.indexOf(s.trim() as Abbr));
      return {
        from: from as number,
        to: to as number,
        path: list.split(',').map((s) => ABBR.indexOf(s.trim() as Abbr)),
      };
    });
}
