import type { ErrnoCode } from '../core/errno.ts';
import type { DirNode, SysfsNode } from './nodes.ts';

/** Linux MAXSYMLINKS: more links than this in one lookup is ELOOP. */
const MAX_SYMLINKS = 40;
/** PATH_MAX, including the terminating NUL. */
export const PATH_MAX = 4096;

export interface Resolved {
  readonly node: SysfsNode;
  /** Components of the canonical (link-free) path. */
  readonly canonical: readonly string[];
}

/**
 * Path walk as the VFS does it: `//` and `.` vanish, `..` goes to the *physical* parent (after
 * links are followed, like the kernel, not lexically), relative link targets resolve against the
 * directory holding the link, a trailing `/` demands a directory. Returns an errno code on failure.
 */
export function resolvePath(root: DirNode, path: string, followFinal: boolean): Resolved | ErrnoCode {
  if (path.length === 0) return 'ENOENT';
  if (path.length >= PATH_MAX) return 'ENAMETOOLONG';
  if (path.charCodeAt(0) !== 0x2f) return 'ENOENT';
  const pending = path.split('/');
  const wantsDir = path.endsWith('/');
  const nodes: SysfsNode[] = [root];
  const names: string[] = [];
  let links = 0;
  // Consume from the front; link targets are spliced in where the link stood.
  for (let i = 0; i < pending.length; i++) {
    const name = pending[i] as string;
    if ((name === '.' || name === '..') && nodes[nodes.length - 1]?.kind !== 'dir') return 'ENOTDIR';
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (names.length > 0) {
        names.pop();
        nodes.pop();
      }
      continue;
    }
    if (name.length > 255) return 'ENAMETOOLONG';
    const dir = nodes[nodes.length - 1] as SysfsNode;
    if (dir.kind !== 'dir') return 'ENOTDIR';
    const child = dir.child(name);
    if (child === undefined) return 'ENOENT';
    const isLast = lastMeaningful(pending, i);
    if (child.kind === 'link' && (!isLast || followFinal || wantsDir)) {
      if (++links > MAX_SYMLINKS) return 'ELOOP';
      const target = child.target.split('/');
      if (child.target.startsWith('/')) {
        nodes.length = 1;
        names.length = 0;
      }
      pending.splice(i + 1, 0, ...target);
      continue;
    }
    nodes.push(child);
    names.push(name);
  }
  const node = nodes[nodes.length - 1] as SysfsNode;
  if (wantsDir && node.kind !== 'dir') return 'ENOTDIR';
  return { node, canonical: names };
}

function lastMeaningful(parts: readonly string[], index: number): boolean {
  for (let j = index + 1; j < parts.length; j++) {
    const c = parts[j];
    if (c !== '' && c !== '.') return false;
  }
  return true;
}
