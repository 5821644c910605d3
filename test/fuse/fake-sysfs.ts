/**
 * A small in-memory `SysfsApi` for the FUSE tests: directories, attributes with show()/store()
 * callbacks, and symlinks with kernel-style relative targets. It follows the kernfs rules the real
 * implementation follows (reference/kernel.md §8) so the mount can be tested against them: EACCES
 * on a wrong-direction access, each write cut to 4096 bytes, store() sees a NUL-terminated C
 * string, a zero-length write returns 0 without calling store().
 */

import type { ErrnoCode } from '../../core/errno.ts';
import { type Syscall, SysError } from '../../core/sys-error.ts';
import type { NodeKind, OpenMode, SysfsApi, SysfsStat } from '../../sysfs/api.ts';

/** What store() sees: the bytes up to the first NUL of the (at most 4096-byte) write. */
export type Store = (text: string, bytes: Uint8Array) => number;
export type Show = () => string;

interface DirNode {
  readonly kind: 'dir';
  readonly ino: number;
  readonly children: Map<string, FsNode>;
}
interface FileNode {
  readonly kind: 'file';
  readonly ino: number;
  readonly mode: number;
  readonly show: Show | undefined;
  readonly store: Store | undefined;
}
interface LinkNode {
  readonly kind: 'link';
  readonly ino: number;
  readonly target: string;
}
type FsNode = DirNode | FileNode | LinkNode;

export interface CallLog {
  readonly op: 'read' | 'write';
  readonly path: string;
  /** For writes: the bytes store() received (after the 4096 cut and the NUL cut). */
  readonly data?: string;
  readonly length?: number;
}

const MAX_LINKS = 40;

export class FakeSysfs implements SysfsApi {
  private nextIno = 1;
  private readonly rootNode: DirNode = { kind: 'dir', ino: this.nextIno++, children: new Map() };
  readonly calls: CallLog[] = [];

  // ---- building the tree -------------------------------------------------------------------

  mkdir(path: string): this {
    let dir = this.rootNode;
    for (const name of split(path)) {
      const child = dir.children.get(name);
      if (child === undefined) {
        const created: DirNode = { kind: 'dir', ino: this.nextIno++, children: new Map() };
        dir.children.set(name, created);
        dir = created;
      } else if (child.kind === 'dir') {
        dir = child;
      } else {
        throw new Error(`fake: ${path}: ${name} is not a directory`);
      }
    }
    return this;
  }

  /** A read-only attribute (0444) with fixed or computed text. */
  ro(path: string, show: string | Show): this {
    return this.attr(path, 0o444, typeof show === 'string' ? () => show : show, undefined);
  }

  /** A write-only attribute (0200). */
  wo(path: string, store: Store): this {
    return this.attr(path, 0o200, undefined, store);
  }

  /** A read-write attribute (0644) holding a value; store() keeps the text minus one trailing newline. */
  rw(path: string, initial: string, store?: Store): this {
    let value = initial;
    return this.attr(
      path,
      0o644,
      () => `${value}\n`,
      store ??
        ((text, bytes) => {
          value = text.endsWith('\n') ? text.slice(0, -1) : text;
          return bytes.length;
        }),
    );
  }

  attr(path: string, mode: number, show: Show | undefined, store: Store | undefined): this {
    const [dir, name] = this.parentFor(path);
    dir.children.set(name, { kind: 'file', ino: this.nextIno++, mode, show, store });
    return this;
  }

  symlink(path: string, target: string): this {
    const [dir, name] = this.parentFor(path);
    dir.children.set(name, { kind: 'link', ino: this.nextIno++, target });
    return this;
  }

  remove(path: string): this {
    const [dir, name] = this.parentFor(path);
    dir.children.delete(name);
    return this;
  }

  has(path: string): boolean {
    return this.exists(path);
  }

  private parentFor(path: string): [DirNode, string] {
    const parts = split(path);
    const name = parts.pop();
    if (name === undefined) throw new Error('fake: cannot replace /');
    this.mkdir(`/${parts.join('/')}`);
    const dir = this.walk(`/${parts.join('/')}`, true, 'stat').node;
    if (dir.kind !== 'dir') throw new Error(`fake: ${path}: parent is not a directory`);
    return [dir, name];
  }

  // ---- path resolution ---------------------------------------------------------------------

  /**
   * Resolves `path` like the VFS: `.`/`..`, links in the middle always followed, the final one
   * only when `follow`. Returns the node and its canonical path (links resolved).
   */
  private walk(path: string, follow: boolean, syscall: Syscall): { node: FsNode; canonical: string[] } {
    if (!path.startsWith('/')) throw new SysError('ENOENT', syscall, path, 'relative path');
    let hops = 0;
    const pending = split(path);
    let stack: { node: FsNode; name: string }[] = [];
    let current: FsNode = this.rootNode;
    while (pending.length > 0) {
      const name = pending.shift() as string;
      if (name === '.') continue;
      if (name === '..') {
        stack.pop();
        current = stack.at(-1)?.node ?? this.rootNode;
        continue;
      }
      if (current.kind !== 'dir') throw new SysError('ENOTDIR', syscall, path);
      const child = current.children.get(name);
      if (child === undefined) throw new SysError('ENOENT', syscall, path);
      const last = pending.length === 0;
      if (child.kind === 'link' && (!last || follow)) {
        if (++hops > MAX_LINKS) throw new SysError('ELOOP', syscall, path);
        if (child.target.startsWith('/')) {
          stack = [];
          current = this.rootNode;
        }
        pending.unshift(...split(child.target));
        continue;
      }
      stack.push({ node: child, name });
      current = child;
    }
    return { node: current, canonical: stack.map((s) => s.name) };
  }

  // ---- SysfsApi ----------------------------------------------------------------------------

  read(path: string): string {
    const node = this.walk(path, true, 'open').node;
    if (node.kind === 'dir') throw new SysError('EISDIR', 'read', path);
    if (node.kind !== 'file') throw new SysError('EINVAL', 'read', path);
    if (node.show === undefined || (node.mode & 0o444) === 0) throw new SysError('EACCES', 'open', path);
    this.calls.push({ op: 'read', path });
    return node.show();
  }

  write(path: string, data: string | Uint8Array): number {
    const node = this.walk(path, true, 'open').node;
    if (node.kind === 'dir') throw new SysError('EISDIR', 'write', path);
    if (node.kind !== 'file') throw new SysError('EINVAL', 'write', path);
    if (node.store === undefined || (node.mode & 0o222) === 0) throw new SysError('EACCES', 'open', path);
    const all = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (all.length === 0) return 0;
    const cut = all.subarray(0, Math.min(all.length, 4096));
    const nul = cut.indexOf(0);
    const text = new TextDecoder().decode(nul < 0 ? cut : cut.subarray(0, nul));
    this.calls.push({ op: 'write', path, data: text, length: cut.length });
    const n = node.store(text, cut);
    return Math.min(n, cut.length);
  }

  readlink(path: string): string {
    const node = this.walk(path, false, 'readlink').node;
    if (node.kind !== 'link') throw new SysError('EINVAL', 'readlink', path);
    return node.target;
  }

  readdir(path: string): string[] {
    const node = this.walk(path, true, 'scandir').node;
    if (node.kind !== 'dir') throw new SysError('ENOTDIR', 'scandir', path);
    return [...node.children.keys()].sort();
  }

  stat(path: string): SysfsStat {
    return this.statOf(this.walk(path, true, 'stat').node);
  }

  lstat(path: string): SysfsStat {
    return this.statOf(this.walk(path, false, 'lstat').node);
  }

  exists(path: string): boolean {
    try {
      this.walk(path, true, 'stat');
      return true;
    } catch (error) {
      if (error instanceof SysError) return false;
      throw error;
    }
  }

  realpath(path: string): string {
    return `/${this.walk(path, true, 'realpath').canonical.join('/')}`;
  }

  access(path: string, mode: OpenMode): void {
    const node = this.walk(path, true, 'access').node;
    if (node.kind !== 'file') return;
    const wantRead = mode !== 'w';
    const wantWrite = mode !== 'r';
    if (wantRead && (node.show === undefined || (node.mode & 0o444) === 0)) fail('EACCES', 'access', path);
    if (wantWrite && (node.store === undefined || (node.mode & 0o222) === 0)) fail('EACCES', 'access', path);
  }

  private statOf(node: FsNode): SysfsStat {
    const kind: NodeKind = node.kind;
    switch (node.kind) {
      case 'dir':
        return { kind, mode: 0o755, size: 0, ino: node.ino, nlink: 2, ctimeNs: 0 };
      case 'file':
        return { kind, mode: node.mode, size: 4096, ino: node.ino, nlink: 1, ctimeNs: 0 };
      case 'link':
        return { kind, mode: 0o777, size: node.target.length, ino: node.ino, nlink: 1, ctimeNs: 0 };
    }
  }
}

function fail(code: ErrnoCode, syscall: Syscall, path: string): never {
  throw new SysError(code, syscall, path);
}

function split(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}

export const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * The brief's small tree, rooted at `/sys`:
 *
 *   /sys/devices/platform/fake/types/x/{name 0444, create 0200, rate 0644, broken 0444 (ENODEV)}
 *   /sys/devices/platform/fake/dev0/type -> ../types/x
 *   /sys/class/fake/fake -> ../../devices/platform/fake
 *
 * `create` accepts a 36- or 37-byte write (a UUID, optionally with a newline) and otherwise fails
 * with EINVAL, like mdev's create_store length check.
 */
export function smallTree(): FakeSysfs {
  const fake = new FakeSysfs();
  const x = '/sys/devices/platform/fake/types/x';
  fake
    .mkdir('/sys/bus')
    .ro(`${x}/name`, 'fake-x\n')
    .wo(`${x}/create`, (text, bytes) => {
      if (bytes.length < 36 || bytes.length > 37 || !UUID_RE.test(text.slice(0, 36))) {
        throw new SysError('EINVAL', 'write', `${x}/create`);
      }
      return bytes.length;
    })
    .rw(`${x}/rate`, '10')
    .ro(`${x}/broken`, () => {
      throw new SysError('ENODEV', 'read', `${x}/broken`);
    })
    .symlink('/sys/devices/platform/fake/dev0/type', '../types/x')
    .symlink('/sys/class/fake/fake', '../../devices/platform/fake');
  return fake;
}

export interface MdevTreeOptions {
  readonly parent?: string;
  readonly type?: string;
  readonly instances?: number;
  readonly deviceApi?: string;
  readonly description?: string;
  /** Make every `create` write fail with this errno (after the length check), like a driver's probe error. */
  readonly failCreateWith?: ErrnoCode;
}

/**
 * Enough of the mdev sysfs layout (reference/kernel.md §1.1) for mdevctl types/list/start/stop:
 * one parent under /sys/devices/pci0000:00 with one type whose `create` makes a device directory
 * with `mdev_type` and `remove`, plus the /sys/bus/mdev/devices and type `devices/` links, and
 * whose `remove` undoes that. EUSERS when no instance is left, EEXIST on a duplicate UUID.
 */
export function mdevTree(options: MdevTreeOptions = {}): FakeSysfs {
  const parent = options.parent ?? '0000:00:02.0';
  const type = options.type ?? 'i915-GVTg_V5_4';
  let available = options.instances ?? 2;
  const fake = new FakeSysfs();
  const pdir = `/sys/devices/pci0000:00/${parent}`;
  const tdir = `${pdir}/mdev_supported_types/${type}`;
  fake
    .mkdir('/sys/bus/mdev/devices')
    .mkdir(`${tdir}/devices`)
    .symlink(`/sys/class/mdev_bus/${parent}`, `../../devices/pci0000:00/${parent}`)
    .ro(`${tdir}/available_instances`, () => `${available}\n`)
    .ro(`${tdir}/device_api`, `${options.deviceApi ?? 'vfio-pci'}\n`)
    .ro(`${tdir}/name`, `${type.replace(/^[^-]*-/, '')}\n`);
  if (options.description !== undefined) fake.ro(`${tdir}/description`, options.description);
  fake.wo(`${tdir}/create`, (text, bytes) => {
    if (bytes.length < 36 || bytes.length > 37) throw new SysError('EINVAL', 'write', `${tdir}/create`);
    const uuid = text.slice(0, 36).toLowerCase();
    if (!UUID_RE.test(uuid)) throw new SysError('EINVAL', 'write', `${tdir}/create`);
    if (fake.has(`/sys/bus/mdev/devices/${uuid}`)) throw new SysError('EEXIST', 'write', `${tdir}/create`);
    if (available === 0) throw new SysError('EUSERS', 'write', `${tdir}/create`);
    if (options.failCreateWith !== undefined)
      throw new SysError(options.failCreateWith, 'write', `${tdir}/create`);
    available--;
    const ddir = `${pdir}/${uuid}`;
    fake
      .mkdir(ddir)
      .symlink(`${ddir}/mdev_type`, `../mdev_supported_types/${type}`)
      .wo(`${ddir}/remove`, (rtext, rbytes) => {
        if (!/^\s*\d+\s*$/.test(rtext)) throw new SysError('EINVAL', 'write', `${ddir}/remove`);
        if (Number(rtext.trim()) !== 0) {
          fake.remove(ddir).remove(`/sys/bus/mdev/devices/${uuid}`).remove(`${tdir}/devices/${uuid}`);
          available++;
        }
        return rbytes.length;
      })
      .symlink(`/sys/bus/mdev/devices/${uuid}`, `../../../devices/pci0000:00/${parent}/${uuid}`)
      .symlink(`${tdir}/devices/${uuid}`, `../../../${uuid}`);
    return bytes.length;
  });
  return fake;
}
