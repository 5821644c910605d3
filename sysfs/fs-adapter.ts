import { posix } from 'node:path';
import { SysError } from '../core/sys-error.ts';
import type { SysfsApi } from './api.ts';
import { SysfsDirent, SysfsStats } from './fs-stats.ts';

type Encoding = BufferEncoding;

const ASCII = /^[\x00-\x7f]*$/;
const ASCII_ENCODINGS: ReadonlySet<string> = new Set(['utf8', 'utf-8', 'latin1', 'binary', 'ascii']);

type ReadOptions = Encoding | { encoding?: Encoding | null; flag?: string } | null | undefined;
type WriteData = string | Uint8Array;
type PathLike = string | URL;

function toPath(path: PathLike): string {
  return typeof path === 'string' ? path : decodeURIComponent(path.pathname);
}

function encodingOf(options: ReadOptions): Encoding | undefined {
  if (typeof options === 'string') return options;
  return options?.encoding ?? undefined;
}

/**
 * A Node `fs`-shaped view of one host's sysfs, so code written for a real `/sys` runs against the
 * simulator unchanged: the same method names, return shapes and error shapes (`code`, `errno`,
 * `syscall`, `path`). Writes loop over short writes the way `fs.writeFileSync` does, so a value
 * longer than a page reaches store() as several calls, as it does on a real host (kernel.md §8).
 */
export class SysfsFs {
  readonly #sysfs: SysfsApi;
  readonly promises: SysfsFsPromises;

  constructor(sysfs: SysfsApi) {
    this.#sysfs = sysfs;
    this.promises = new SysfsFsPromises(this);
  }

  readFileSync(path: PathLike): Buffer;
  readFileSync(path: PathLike, options: Encoding | { encoding: Encoding }): string;
  readFileSync(path: PathLike, options?: ReadOptions): string | Buffer;
  readFileSync(path: PathLike, options?: ReadOptions): string | Buffer {
    const text = this.#sysfs.read(toPath(path));
    const encoding = encodingOf(options);
    // The path API returns one char per byte: latin1, and ASCII under any ASCII-compatible
    // encoding, need no Buffer round trip (the common case, and the handshake's hot path).
    if (encoding === 'latin1' || encoding === 'binary') return text;
    if ((encoding === 'utf8' || encoding === 'utf-8' || encoding === 'ascii') && ASCII.test(text))
      return text;
    const bytes = Buffer.from(text, 'latin1');
    return encoding === undefined ? bytes : bytes.toString(encoding);
  }

  writeFileSync(path: PathLike, data: WriteData, options?: Encoding | { encoding?: Encoding | null }): void {
    const p = toPath(path);
    const encoding = encodingOf(options) ?? 'utf8';
    this.#checkCreatable(p);
    if (typeof data === 'string' && ASCII.test(data) && ASCII_ENCODINGS.has(encoding)) {
      // ASCII: one char per byte, so no Buffer is needed (the path API takes the text as is);
      // short writes still continue with the rest, as fs.writeFileSync does.
      let rest = data;
      do {
        const written = this.#sysfs.write(p, rest);
        if (written <= 0) return;
        rest = rest.slice(written);
      } while (rest.length > 0);
      return;
    }
    const bytes = typeof data === 'string' ? Buffer.from(data, encoding) : data;
    let offset = 0;
    do {
      const written = this.#sysfs.write(p, bytes.subarray(offset));
      if (written <= 0) break;
      offset += written;
    } while (offset < bytes.length);
  }

  readlinkSync(path: PathLike): string {
    return this.#sysfs.readlink(toPath(path));
  }

  readdirSync(path: PathLike): string[];
  readdirSync(path: PathLike, options: { withFileTypes: true }): SysfsDirent[];
  readdirSync(path: PathLike, options?: { withFileTypes?: boolean } | Encoding): string[] | SysfsDirent[] {
    const p = toPath(path);
    const names = this.#sysfs.readdir(p);
    if (typeof options !== 'object' || !options.withFileTypes) return names;
    return names.map((name) => new SysfsDirent(name, p, this.#sysfs.lstat(`${p}/${name}`).kind));
  }

  realpathSync(path: PathLike): string {
    return this.#sysfs.realpath(toPath(path));
  }

  existsSync(path: PathLike): boolean {
    return this.#sysfs.exists(toPath(path));
  }

  statSync(path: PathLike, options?: { throwIfNoEntry?: boolean }): SysfsStats | undefined {
    return this.#statWith(() => this.#sysfs.stat(toPath(path)), options);
  }

  lstatSync(path: PathLike, options?: { throwIfNoEntry?: boolean }): SysfsStats | undefined {
    return this.#statWith(() => this.#sysfs.lstat(toPath(path)), options);
  }

  accessSync(path: PathLike, mode = 0): void {
    const p = toPath(path);
    const w = (mode & 2) !== 0;
    const r = (mode & 4) !== 0;
    if (!w && !r) {
      this.#sysfs.stat(p);
      return;
    }
    this.#sysfs.access(p, r && w ? 'rw' : w ? 'w' : 'r');
  }

  #statWith(
    fn: () => ReturnType<SysfsApi['stat']>,
    options?: { throwIfNoEntry?: boolean },
  ): SysfsStats | undefined {
    try {
      return new SysfsStats(fn());
    } catch (error) {
      if (options?.throwIfNoEntry === false && error instanceof SysError && error.code === 'ENOENT')
        return undefined;
      throw error;
    }
  }

  /** open(O_CREAT) of a missing name in a sysfs directory: kernfs has no create op → EACCES. */
  #checkCreatable(path: string): void {
    if (this.#sysfs.exists(path)) return;
    const parent = posix.dirname(path);
    if (this.#sysfs.exists(parent) && this.#sysfs.stat(parent).kind === 'dir') {
      throw new SysError('EACCES', 'open', path);
    }
    throw new SysError('ENOENT', 'open', path);
  }
}

/** `fs.promises` forms: the same calls, settled on a microtask (the simulator has no I/O wait). */
export class SysfsFsPromises {
  readonly #fs: SysfsFs;

  constructor(fs: SysfsFs) {
    this.#fs = fs;
  }

  async readFile(path: PathLike, options?: ReadOptions): Promise<string | Buffer> {
    return this.#fs.readFileSync(path, options);
  }
  async writeFile(
    path: PathLike,
    data: WriteData,
    options?: Encoding | { encoding?: Encoding | null },
  ): Promise<void> {
    this.#fs.writeFileSync(path, data, options);
  }
  async readlink(path: PathLike): Promise<string> {
    return this.#fs.readlinkSync(path);
  }
  async readdir(path: PathLike): Promise<string[]> {
    return this.#fs.readdirSync(path);
  }
  async realpath(path: PathLike): Promise<string> {
    return this.#fs.realpathSync(path);
  }
  async stat(path: PathLike): Promise<SysfsStats> {
    return this.#fs.statSync(path) as SysfsStats;
  }
  async lstat(path: PathLike): Promise<SysfsStats> {
    return this.#fs.lstatSync(path) as SysfsStats;
  }
  async access(path: PathLike, mode?: number): Promise<void> {
    this.#fs.accessSync(path, mode);
  }
}
