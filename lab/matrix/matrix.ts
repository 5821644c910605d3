import { offerToParents } from '../../migration/handshake/fleet.ts';
import type { FsLike } from '../../migration/handshake/fs-like.ts';
import type { Verdict } from '../../migration/handshake/verdict.ts';
import type { World } from '../../sysfs/world.ts';

/** One (source type on a parent, target parent) pair and the userspace check's verdict. */
export interface MatrixCell {
  readonly sourceHost: string;
  readonly sourceParent: string;
  readonly sourceType: string;
  readonly targetHost: string;
  readonly targetParent: string;
  readonly verdict: Verdict['verdict'];
  readonly step: Verdict['step'];
  readonly errno?: string;
}

export interface MatrixOptions {
  /** Only pairs whose source and target are on different hosts (default: every pair). */
  readonly crossHostOnly?: boolean;
  /** Called after each source row, for progress bars. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The fleet compatibility matrix: for every type on every parent (a source), the verdict of the
 * userspace check against every parent in the world (a target of the same type), computed through
 * each host's fs view exactly as a management stack would — the strings are never looked at.
 */
export function compatibilityMatrix(world: World, options: MatrixOptions = {}): MatrixCell[] {
  const cells: MatrixCell[] = [];
  const sources: { host: string; parent: string; type: string; fs: FsLike }[] = [];
  const targets: { host: string; parent: string; fs: FsLike }[] = [];
  for (const host of world.hosts) {
    for (const parent of host.kernel.parents.values()) {
      targets.push({ host: host.name, parent: parent.name, fs: host.fs });
      for (const type of parent.types.keys()) {
        sources.push({ host: host.name, parent: parent.name, type, fs: host.fs });
      }
    }
  }
  sources.forEach((s, i) => {
    const row = options.crossHostOnly ? targets.filter((t) => t.host !== s.host) : targets;
    // One read of the source per row, one write per target: the answers checkCompatibility gives.
    const answers = offerToParents(s, row);
    row.forEach((t, k) => {
      const v = answers[k];
      if (v === undefined) return;
      const cell: MatrixCell = {
        sourceHost: s.host,
        sourceParent: s.parent,
        sourceType: s.type,
        targetHost: t.host,
        targetParent: t.parent,
        verdict: v.verdict,
        step: v.step,
      };
      cells.push(v.errno === undefined ? cell : { ...cell, errno: v.errno });
    });
    options.onProgress?.(i + 1, sources.length);
  });
  return cells;
}
