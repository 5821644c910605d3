import type { Attribute } from '../devices/attribute.ts';

/** A node of the simulated sysfs tree, built on demand from the kernel model (never stored). */
export type SysfsNode = DirNode | FileNode | LinkNode;

export interface DirNode {
  readonly kind: 'dir';
  /** Entry names in the order `readdir` returns them. */
  list(): string[];
  child(name: string): SysfsNode | undefined;
}

export interface FileNode {
  readonly kind: 'file';
  // The context type is erased here: each node pairs an attribute with the object it belongs to.
  readonly attr: Attribute<never>;
  readonly ctx: unknown;
}

export interface LinkNode {
  readonly kind: 'link';
  /** Relative target exactly as the kernel's sysfs_create_link would report it. */
  readonly target: string;
}

export function fileNode<C>(attr: Attribute<C>, ctx: C): FileNode {
  return { kind: 'file', attr: attr as Attribute<never>, ctx };
}

export function linkNode(target: string): LinkNode {
  return { kind: 'link', target };
}

/** A directory with a fixed set of entries computed once per lookup. */
export function staticDir(entries: Iterable<readonly [string, () => SysfsNode]>): DirNode {
  const map = new Map(entries);
  return {
    kind: 'dir',
    list: () => [...map.keys()],
    child: (name) => map.get(name)?.(),
  };
}

/** A directory whose entries are a live map (devices, parents) turned into nodes on lookup. */
export function mapDir<V>(
  source: () => ReadonlyMap<string, V> | Map<string, V>,
  toNode: (value: V, key: string) => SysfsNode,
  extra?: ReadonlyMap<string, () => SysfsNode>,
): DirNode {
  return {
    kind: 'dir',
    list: () => [...(extra?.keys() ?? []), ...source().keys()],
    child: (name) => {
      const fixed = extra?.get(name);
      if (fixed !== undefined) return fixed();
      const value = source().get(name);
      return value === undefined ? undefined : toNode(value, name);
    },
  };
}

/** Adds attribute files (and named groups as sub-directories) to a directory's entries. */
export function attributeEntries<C>(attrs: readonly Attribute<C>[], ctx: C): [string, () => SysfsNode][] {
  const entries: [string, () => SysfsNode][] = [];
  const groups = new Map<string, Attribute<C>[]>();
  for (const attr of attrs) {
    if (attr.group === undefined) {
      entries.push([attr.name, () => fileNode(attr, ctx)]);
    } else {
      const group = groups.get(attr.group);
      if (group === undefined) groups.set(attr.group, [attr]);
      else group.push(attr);
    }
  }
  for (const [name, members] of groups) {
    entries.push([name, () => staticDir(members.map((a) => [a.name, () => fileNode(a, ctx)] as const))]);
  }
  return entries;
}
