import { errnoOf, type FsLike } from './fs-like.ts';
import type { Touched } from './verdict.ts';

/**
 * Runs one fs call whose exception, if any, the caller turns into an errno and drops: capturing
 * its stack (most of the cost of a refused write) would buy nothing, so none is captured.
 */
export function stackless<T>(call: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return call();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export function readType(
  fs: FsLike,
  link: string,
  touched: Touched[],
  side: Touched['side'],
): { name: string; errno?: string } {
  try {
    const target = stackless(() => fs.readlinkSync(link));
    touched.push({ side, op: 'readlink', path: link, result: 'ok' });
    return { name: target.slice(target.lastIndexOf('/') + 1) };
  } catch (error) {
    const errno = errnoOf(error);
    touched.push({ side, op: 'readlink', path: link, result: errno });
    return { name: '', errno };
  }
}

export function exists(
  fs: FsLike,
  path: string,
  touched: Touched[] | undefined,
  side: Touched['side'],
): boolean {
  const found = fs.existsSync(path);
  touched?.push({ side, op: 'exists', path, result: found ? 'ok' : 'absent' });
  return found;
}

export function readAttr(
  fs: FsLike,
  path: string,
  touched: Touched[] | undefined,
  side: Touched['side'],
): { text: string; errno?: string } {
  try {
    const text = stackless(() => fs.readFileSync(path, 'latin1'));
    touched?.push({ side, op: 'read', path, result: 'ok', text });
    return { text };
  } catch (error) {
    const errno = errnoOf(error);
    touched?.push({ side, op: 'read', path, result: errno });
    return { text: '', errno };
  }
}
