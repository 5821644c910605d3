/**
 * The incremental decoder's input buffer: chunks as they were pushed, read from the front.
 * `take(n)` hands out a view when the n bytes sit in one chunk and copies (once) only when they
 * straddle chunks; `takeSegments(n)` never copies. Bulk payloads reach the consumer with at most
 * one copy, and none when a payload arrived as one chunk (as StreamWriter emits it).
 */
export class ByteQueue {
  readonly #chunks: Uint8Array[] = [];
  /** Read position inside `#chunks[0]`. */
  #start = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.byteLength;
  }

  /** The byte at `index` from the front (0 ≤ index < length); used only for the few prefix bytes. */
  byteAt(index: number): number {
    let i = index + this.#start;
    for (const chunk of this.#chunks) {
      const byte = chunk[i];
      if (byte !== undefined) return byte;
      i -= chunk.byteLength;
    }
    throw new RangeError(`byteAt(${index}) past the ${this.#length} queued bytes`);
  }

  u32At(index: number): number {
    return (
      ((this.byteAt(index) << 24) |
        (this.byteAt(index + 1) << 16) |
        (this.byteAt(index + 2) << 8) |
        this.byteAt(index + 3)) >>>
      0
    );
  }

  /** Removes and returns the first `n` bytes (n ≤ length). */
  take(n: number): Uint8Array {
    if (n > this.#length) throw new RangeError(`take(${n}) past the ${this.#length} queued bytes`);
    this.#length -= n;
    const first = this.#chunks[0];
    if (first !== undefined && first.byteLength - this.#start >= n) {
      const view = first.subarray(this.#start, this.#start + n);
      this.#advance(first, n);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    for (let chunk = this.#chunks[0]; chunk !== undefined && filled < n; chunk = this.#chunks[0]) {
      const count = Math.min(chunk.byteLength - this.#start, n - filled);
      out.set(chunk.subarray(this.#start, this.#start + count), filled);
      filled += count;
      this.#advance(chunk, count);
    }
    return out;
  }

  /**
   * Removes the first `n` bytes (n ≤ length) and returns them as views of the queued chunks, in
   * order, without copying: the caller can checksum them piecewise and copy only if it needs one
   * contiguous buffer.
   */
  takeSegments(n: number): Uint8Array[] {
    if (n > this.#length) throw new RangeError(`takeSegments(${n}) past the ${this.#length} queued bytes`);
    this.#length -= n;
    const out: Uint8Array[] = [];
    let left = n;
    for (let chunk = this.#chunks[0]; chunk !== undefined && left > 0; chunk = this.#chunks[0]) {
      const count = Math.min(chunk.byteLength - this.#start, left);
      out.push(chunk.subarray(this.#start, this.#start + count));
      left -= count;
      this.#advance(chunk, count);
    }
    return out;
  }

  #advance(chunk: Uint8Array, count: number): void {
    this.#start += count;
    if (this.#start === chunk.byteLength) {
      this.#chunks.shift();
      this.#start = 0;
    }
  }
}
