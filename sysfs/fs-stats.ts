import type { SysfsStat } from './api.ts';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

/** The subset of `fs.Stats` code reading /sys relies on, derived from a sysfs node's stat. */
export class SysfsStats {
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
  readonly #kind: SysfsStat['kind'];

  constructor(stat: SysfsStat) {
    this.#kind = stat.kind;
    const type = stat.kind === 'dir' ? S_IFDIR : stat.kind === 'link' ? S_IFLNK : S_IFREG;
    this.mode = type | stat.mode;
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
  isFile(): boolean {
    return this.#kind === 'file';
  }
  isDirectory(): boolean {
    return this.#kind === 'dir';
  }
  isSymbolicLink(): boolean {
    return this.#kind === 'link';
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

/** `fs.Dirent` for `readdirSync(path, { withFileTypes: true })`. */
export class SysfsDirent {
  readonly name: string;
  readonly parentPath: string;
  readonly #kind: SysfsStat['kind'];

  constructor(name: string, parentPath: string, kind: SysfsStat['kind']) {
    this.name = name;
    this.parentPath = parentPath;
    this.#kind = kind;
  }
  get path(): string {
    return this.parentPath;
  }
  isFile(): boolean {
    return this.#kind === 'file';
  }
  isDirectory(): boolean {
    return this.#kind === 'dir';
  }
  isSymbolicLink(): boolean {
    return this.#kind === 'link';
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
