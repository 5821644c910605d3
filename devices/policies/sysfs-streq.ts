/**
 * String helpers with the kernel's C-string semantics for `store()` input (kernel.md §8).
 */

/** What a C parser sees of `text`: everything before the first NUL (kernel.md §8 "Buffer"). */
export function cString(text: string): string {
  const nul = text.indexOf('\0');
  return nul === -1 ? text : text.slice(0, nul);
}

/**
 * Equality the way sysfs compares attribute input (kernel.md §8 "Comparison"): the two C strings
 * are equal, or one is the other followed by exactly one newline. So `"a"`, `"a\n"` match each
 * other, while `"a"` and `"a\n\n"` do not. (A consequence: `"a\n"` also matches `"a\n\n"`.)
 */
export function sysfsStreq(a: string, b: string): boolean {
  const x = cString(a);
  const y = cString(b);
  return x === y || `${x}\n` === y || `${y}\n` === x;
}

/** The written text as a parser should read it: cut at NUL, then one trailing newline dropped. */
export function storeText(written: string): string {
  const text = cString(written);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}
