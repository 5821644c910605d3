/**
 * The part of Node's `fs` the userspace check uses. `node:fs` itself satisfies it (so the check
 * runs against a real /sys), and so does `host.fs`, the simulator's adapter.
 */
export interface FsLike {
  readFileSync(path: string, encoding: 'latin1'): string;
  /** Written as latin1 so the bytes read come back byte for byte (one char per byte). */
  writeFileSync(path: string, data: string, encoding: 'latin1'): void;
  readlinkSync(path: string): string;
  existsSync(path: string): boolean;
}

/** Errno code of an fs error (`code` on Node's SystemError and on SysError alike). */
export function errnoOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EIO';
}
