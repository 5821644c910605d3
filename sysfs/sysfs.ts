import type { ErrnoCode } from '../core/errno.ts';
import { EventBus } from '../core/events.ts';
import { isErrno } from '../core/result.ts';
import { type Syscall, SysError } from '../core/sys-error.ts';
import type { MdevCore } from '../devices/mdev-core.ts';
import type { OpenMode, SysfsApi, SysfsStat } from './api.ts';
import type { SysfsEvents, SysfsOp } from './events.ts';
import type { DirNode, FileNode, SysfsNode } from './nodes.ts';
import { type Resolved, resolvePath } from './resolve.ts';
import { sysfsRoot } from './tree.ts';

/** PAGE_SIZE on x86: a show() fills at most one page, a store() sees at most one page. */
export const PAGE_SIZE = 4096;
const CACHE_LIMIT = 16_384;

/**
 * One host's sysfs: the path API over the tree derived from the MdevCore, applying the kernfs rules
 * of kernel.md §8 around each attribute's show()/store(). Resolved paths are cached until the
 * device topology changes (a create, remove or parent change), which keeps attribute access cheap.
 */
export class Sysfs implements SysfsApi {
  readonly core: MdevCore;
  readonly bus = new EventBus<SysfsEvents>();
  readonly #root: DirNode;
  /** Path → resolution (or errno), following the final link / not; cleared on topology change. */
  readonly #follow = new Map<string, Resolved | ErrnoCode>();
  readonly #noFollow = new Map<string, Resolved | ErrnoCode>();
  readonly #inodes = new Map<string, number>();

  constructor(core: MdevCore) {
    this.core = core;
    const sys = sysfsRoot(core);
    this.#root = { kind: 'dir', list: () => ['sys'], child: (n) => (n === 'sys' ? sys : undefined) };
    const invalidate = () => {
      this.#follow.clear();
      this.#noFollow.clear();
    };
    core.bus.on('mdev:created', invalidate);
    core.bus.on('mdev:removed', invalidate);
    core.bus.on('mdev:parent-registered', invalidate);
    core.bus.on('mdev:parent-unregistered', invalidate);
  }

  read(path: string): string {
    const node = this.#file(path, 'read');
    if (node.attr.show === undefined) this.#fail('EACCES', 'open', 'read', path);
    const text = this.#call(() => node.attr.show?.(node.ctx as never), 'read', path);
    if (isErrno(text)) this.#fail(text.errno, 'read', 'read', path);
    const page =
      typeof text === 'string' && text.length > PAGE_SIZE ? text.slice(0, PAGE_SIZE) : (text as string);
    this.#emit('read', path, page.length);
    return page;
  }

  write(path: string, data: string | Uint8Array): number {
    const node = this.#file(path, 'write');
    const store = node.attr.store;
    if (store === undefined) this.#fail('EACCES', 'open', 'write', path);
    const bytes = toLatin1(data);
    if (bytes.length === 0) {
      this.#emit('write', path, 0);
      return 0;
    }
    const chunk = bytes.length > PAGE_SIZE ? bytes.slice(0, PAGE_SIZE) : bytes;
    const result = this.#call(() => store(node.ctx as never, chunk), 'write', path);
    if (isErrno(result)) this.#fail(result.errno, 'write', 'write', path);
    this.#emit('write', path, result as number);
    return result as number;
  }

  readlink(path: string): string {
    const found = this.#resolve(path, false, 'readlink', 'readlink');
    if (found.node.kind !== 'link') this.#fail('EINVAL', 'readlink', 'readlink', path);
    this.#emit('readlink', path);
    return found.node.target;
  }

  readdir(path: string): string[] {
    const found = this.#resolve(path, true, 'scandir', 'readdir');
    if (found.node.kind !== 'dir') this.#fail('ENOTDIR', 'scandir', 'readdir', path);
    this.#emit('readdir', path);
    return found.node.list();
  }

  stat(path: string): SysfsStat {
    const stat = this.#stat(this.#resolve(path, true, 'stat', 'stat'));
    this.#emit('stat', path);
    return stat;
  }

  lstat(path: string): SysfsStat {
    const stat = this.#stat(this.#resolve(path, false, 'lstat', 'lstat'));
    this.#emit('lstat', path);
    return stat;
  }

  exists(path: string): boolean {
    return !isCode(this.#lookup(path, true));
  }

  realpath(path: string): string {
    const found = this.#resolve(path, true, 'realpath', 'realpath');
    this.#emit('realpath', path);
    return `/${found.canonical.join('/')}`;
  }

  access(path: string, mode: OpenMode): void {
    const found = this.#resolve(path, true, 'open', 'access');
    checkOpen(found.node, mode, (code) => this.#fail(code, 'open', 'access', path));
    this.#emit('access', path);
  }

  #file(path: string, op: 'read' | 'write'): FileNode {
    const found = this.#resolve(path, true, 'open', op);
    if (found.node.kind === 'dir') this.#fail('EISDIR', op === 'write' ? 'open' : 'read', op, path);
    return found.node as FileNode;
  }

  #lookup(path: string, follow: boolean): Resolved | ErrnoCode {
    const cache = follow ? this.#follow : this.#noFollow;
    const hit = cache.get(path);
    if (hit !== undefined) return hit;
    const found = resolvePath(this.#root, path, follow);
    // Bounded: hostile callers may probe endless distinct paths.
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(path, found);
    return found;
  }

  #resolve(path: string, follow: boolean, syscall: Syscall, op: SysfsOp): Resolved {
    const found = this.#lookup(path, follow);
    if (isCode(found)) this.#fail(found, syscall, op, path);
    return found;
  }

  #stat(found: Resolved): SysfsStat {
    const key = found.canonical.join('/');
    let ino = this.#inodes.get(key);
    if (ino === undefined) {
      ino = this.#inodes.size + 2;
      this.#inodes.set(key, ino);
    }
    const node = found.node;
    switch (node.kind) {
      case 'dir':
        return { kind: 'dir', mode: 0o755, size: 0, ino, nlink: 2, ctimeNs: 0 };
      case 'link':
        return { kind: 'link', mode: 0o777, size: node.target.length, ino, nlink: 1, ctimeNs: 0 };
      case 'file': {
        const mode = node.attr.show && node.attr.store ? 0o644 : node.attr.store ? 0o200 : 0o444;
        return { kind: 'file', mode, size: PAGE_SIZE, ino, nlink: 1, ctimeNs: 0 };
      }
    }
  }

  /** A driver callback that throws is a kernel bug: the caller sees EIO, the bus sees why. */
  #call<T>(fn: () => T, op: SysfsOp, path: string): T | { errno: 'EIO' } {
    try {
      return fn();
    } catch (error) {
      if (this.bus.wants('sysfs:access')) {
        this.bus.emit('sysfs:access', {
          host: this.core.host,
          op,
          path,
          errno: 'EIO',
          at: this.core.clock.now,
        });
      }
      void error;
      return { errno: 'EIO' };
    }
  }

  #fail(code: ErrnoCode, syscall: Syscall, op: SysfsOp, path: string): never {
    if (this.bus.wants('sysfs:access')) {
      this.bus.emit('sysfs:access', { host: this.core.host, op, path, errno: code, at: this.core.clock.now });
    }
    throw new SysError(code, syscall, path);
  }

  #emit(op: SysfsOp, path: string, bytes?: number): void {
    if (!this.bus.wants('sysfs:access')) return;
    const at = this.core.clock.now;
    this.bus.emit(
      'sysfs:access',
      bytes === undefined
        ? { host: this.core.host, op, path, at }
        : { host: this.core.host, op, path, bytes, at },
    );
  }
}

function isCode(value: Resolved | ErrnoCode): value is ErrnoCode {
  return typeof value === 'string';
}

/** kernfs_fop_open: the ops decide, not only the mode bits, so root gets EACCES too (§8). */
export function checkOpen(node: SysfsNode, mode: OpenMode, fail: (code: ErrnoCode) => never): void {
  if (node.kind === 'dir') {
    if (mode !== 'r') fail('EISDIR');
    return;
  }
  if (node.kind !== 'file') return;
  if (mode !== 'w' && node.attr.show === undefined) fail('EACCES');
  if (mode !== 'r' && node.attr.store === undefined) fail('EACCES');
}

/** One char per byte, so lengths are byte counts and any bytes survive (non-UTF-8 included). */
function toLatin1(data: string | Uint8Array): string {
  if (typeof data === 'string') {
    return /^[\x00-\x7f]*$/.test(data) ? data : Buffer.from(data, 'utf8').toString('latin1');
  }
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
}
