import { GPU_PAGES_PER_BLOCK } from './gpu-format.ts';

/** One bit per 4 KiB page, packed 32 to a word: 512 KiB covers a 16 GiB framebuffer. */
export class PageBitmap {
  readonly pages: number;
  protected readonly words: Uint32Array;
  #count = 0;

  constructor(pages: number) {
    this.pages = pages;
    this.words = new Uint32Array(Math.ceil(pages / 32));
  }

  get count(): number {
    return this.#count;
  }

  has(page: number): boolean {
    return ((this.words[page >>> 5] as number) & (1 << (page & 31))) !== 0;
  }

  /** Sets the bit; true if it was clear. */
  set(page: number): boolean {
    const w = page >>> 5;
    const bit = 1 << (page & 31);
    const word = this.words[w] as number;
    if ((word & bit) !== 0) return false;
    this.words[w] = word | bit;
    this.#count++;
    return true;
  }

  /** Clears the bit; true if it was set. */
  clear(page: number): boolean {
    const w = page >>> 5;
    const bit = 1 << (page & 31);
    const word = this.words[w] as number;
    if ((word & bit) === 0) return false;
    this.words[w] = word & ~bit;
    this.#count--;
    return true;
  }

  /**
   * Sets pages [start, end) a word at a time: the loader marks a whole chunk received with it, so
   * a 16 GiB modeled load costs ~130k word writes instead of 4M bit writes.
   */
  setRange(start: number, end: number): void {
    const words = this.words;
    let p = start;
    while (p < end) {
      const w = p >>> 5;
      const word = words[w] as number;
      if ((p & 31) === 0 && end - p >= 32) {
        // A whole word: the common case of a chunk's pages.
        if (word !== 0xffffffff) {
          this.#count += 32 - popcount(word);
          words[w] = 0xffffffff;
        }
        p += 32;
        continue;
      }
      const lo = p & 31;
      const hi = Math.min(32, lo + (end - p));
      const mask = ((hi - lo === 32 ? 0xffffffff : (1 << (hi - lo)) - 1) << lo) >>> 0;
      this.#count += popcount(mask & ~word);
      words[w] = word | mask;
      p += hi - lo;
    }
  }

  clearAll(): void {
    this.words.fill(0);
    this.#count = 0;
  }

  /** The first set page at or after `from`, or -1. */
  nextSet(from: number): number {
    const words = this.words;
    let w = from >>> 5;
    if (w >= words.length) return -1;
    let bits = ((words[w] as number) & (0xffffffff << (from & 31))) >>> 0;
    while (bits === 0) {
      w++;
      if (w >= words.length) return -1;
      bits = words[w] as number;
    }
    return (w << 5) + (31 - Math.clz32(bits & -bits));
  }
}

function popcount(x: number): number {
  let v = x >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * The dirty-page log of a saving session. Besides the page count it keeps the number of runs of
 * consecutive dirty pages inside each aligned block, which is exactly the number of FB chunks the
 * dirty pages will take, so `dirty_bytes` can be reported exactly without scanning.
 */
export class DirtyBitmap extends PageBitmap {
  readonly blockPages: number;
  #runs = 0;

  /** `blockPages`: the stream's block (runs never cross one), GPU_PAGES_PER_BLOCK or the modeled one. */
  constructor(pages: number, blockPages: number = GPU_PAGES_PER_BLOCK) {
    super(pages);
    this.blockPages = blockPages;
  }

  get runs(): number {
    return this.#runs;
  }

  override set(page: number): boolean {
    if (!super.set(page)) return false;
    this.#runs +=
      1 - (this.#sameBlockSet(page, page - 1) ? 1 : 0) - (this.#sameBlockSet(page, page + 1) ? 1 : 0);
    return true;
  }

  override clear(page: number): boolean {
    if (!super.clear(page)) return false;
    this.#runs +=
      (this.#sameBlockSet(page, page - 1) ? 1 : 0) + (this.#sameBlockSet(page, page + 1) ? 1 : 0) - 1;
    return true;
  }

  /** Page by page here: every page can join or split runs. */
  override setRange(start: number, end: number): void {
    for (let p = start; p < end; p++) this.set(p);
  }

  override clearAll(): void {
    super.clearAll();
    this.#runs = 0;
  }

  /**
   * The maximal run (inside one block) containing the first dirty page at or after `from`,
   * wrapping to 0; undefined when nothing is dirty.
   */
  findRun(from: number): { readonly start: number; readonly end: number } | undefined {
    if (this.count === 0) return undefined;
    let start = this.nextSet(from);
    if (start < 0) start = this.nextSet(0);
    if (start < 0) return undefined;
    const block = this.blockPages;
    while (start % block !== 0 && this.has(start - 1)) start--;
    let end = start + 1;
    while (end % block !== 0 && end < this.pages && this.has(end)) end++;
    return { start, end };
  }

  /** Clears a maximal run found by findRun(). */
  clearRun(start: number, end: number): void {
    // A maximal run is one run: clearing all of it (without per-page bookkeeping) removes one.
    for (let p = start; p < end; p++) super.clear(p);
    this.#runs--;
  }

  #sameBlockSet(page: number, neighbour: number): boolean {
    if (neighbour < 0 || neighbour >= this.pages) return false;
    if (Math.floor(neighbour / this.blockPages) !== Math.floor(page / this.blockPages)) return false;
    return this.has(neighbour);
  }
}
