import type { SysfsStat } from './api.ts';
import { fileMode } from './file-mode.ts';

/** The file-type predicates `fs.Stats` and `fs.Dirent` share; sysfs has no devices, FIFOs or sockets. */
abstract class NodeKindPredicates {
  protected abstract readonly kind: SysfsStat['kind'];
  isFile(): boolean {
    return this.kind === 'file';
  }
  isDirectory(): boolean {
    return this.kind === 'dir';
  }
  isSymbolicLink(): boolean {
    return this.kind === 'link';
  }
  isBlockDevice(): boolean {
    return false;
  }
  isCharacterDevice(): boolean {
    return false;
  }
  isFIFO(): boolean {
    return false;
  }
  isSocket(): boolean {
    return false;
  }
}

/** The subset of `fs.Stats` code reading /sys relies on, derived from a sysfs node's stat. */
export class SysfsStats extends NodeKindPredicates {
  readonly dev = 0;
  readonly ino: number;
  readonly mode: number;
  readonly nlink: number;
  readonly uid = 0;
  readonly gid = 0;
  readonly rdev = 0;
  readonly size: number;
  readonly blksize = 4096;
  readonly blocks = 0;
  readonly atimeMs: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly birthtimeMs: number;
  protected readonly kind: SysfsStat['kind'];

  constructor(stat: SysfsStat) {
    super();
    this.kind = stat.kind;
    this.mode = fileMode(stat);
    this.ino = stat.ino;
    this.nlink = stat.nlink;
    this.size = stat.size;
    const ms = stat.ctimeNs / 1e6;
    this.atimeMs = ms;
    this.mtimeMs = ms;
    this.ctimeMs = ms;
    this.birthtimeMs = ms;
  }

  get atime(): Date {
    return new Date(this.atimeMs);
  }
  get mtime(): Date {
    return new Date(this.mtimeMs);
  }
  get ctime(): Date {
    return new Date(this.ctimeMs);
  }
  get birthtime(): Date {
    return new Date(this.birthtimeMs);
  }
}

/** `fs.Dirent` for `readdirSync(path, { withFileTypes: true })`. */
export class SysfsDirent extends NodeKindPredicates {
  readonly name: string;
  readonly parentPath: string;
  protected readonly kind: SysfsStat['kind'];

  constructor(name: string, parentPath: string, kind: SysfsStat['kind']) {
    super();
    this.name = name;
    this.parentPath = parentPath;
    this.kind = kind;
  }
  get path(): string {
    return this.parentPath;
  }
}
