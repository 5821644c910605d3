import type { Errno } from '../core/result.ts';

/**
 * A kobject attribute as a driver or the mdev core declares it: a `show()` and/or a `store()`.
 * devices/ knows only attribute names; sysfs/ places them in the tree and applies the kernfs rules
 * (open direction, 4096-byte cut, NUL termination) around these callbacks (kernel.md §8).
 */
export interface Attribute<C> {
  readonly name: string;
  /** Sub-directory holding the attribute (an attribute group with a name, e.g. mtty's `vendor`). */
  readonly group?: string;
  /** Full text as the kernel's show() emits it, normally newline-terminated, or an errno for read(2). */
  readonly show?: (ctx: C) => string | Errno;
  /**
   * `buf` is one write(2) chunk (≤ 4096 bytes) as latin1, one char per byte, exactly `count` long;
   * parsers must stop at the first NUL (`cString`). Returns bytes consumed or an errno.
   */
  readonly store?: (ctx: C, buf: string) => number | Errno;
}

/** The attribute's mode bits as sysfs derives them from which callbacks exist. */
export function attributeMode(attr: Attribute<never>): number {
  if (attr.show && attr.store) return 0o644;
  return attr.store ? 0o200 : 0o444;
}

/** What a C parser sees of a kernfs write buffer: everything before the first NUL (kernel.md §8). */
export function cString(buf: string): string {
  const nul = buf.indexOf('\0');
  return nul < 0 ? buf : buf.slice(0, nul);
}
