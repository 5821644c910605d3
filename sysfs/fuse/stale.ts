/** Detaching mounts whose serving process died or hung (`Transport endpoint is not connected`). */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FUSE_FSTYPE } from './constants.ts';
import { readMountinfo } from './mountinfo.ts';
import { live } from './registry.ts';
import { errnoCode, unmountPath } from './unmount.ts';

export interface CleanStaleOptions {
  /** Only mounts at or below this directory. */
  readonly under?: string;
  /** Also detach mounts that still answer (another live process serves them). Default false. */
  readonly includeLive?: boolean;
  /** How long a stat of the mount root may take before the mount counts as hung (stale). Default 2 s. */
  readonly probeTimeoutMs?: number;
}

/**
 * Lazily detaches `fuse.mdevsim` mounts whose serving process is gone (stat gives ENOTCONN) or
 * hung. Mounts this process serves are never touched. Returns the mountpoints it detached.
 */
export async function cleanStaleMounts(options: CleanStaleOptions = {}): Promise<string[]> {
  const under = options.under === undefined ? undefined : resolve(options.under);
  const candidates = readMountinfo().filter(
    (m) =>
      m.fsType === FUSE_FSTYPE &&
      !live.has(m.mountPoint) &&
      (under === undefined || m.mountPoint === under || m.mountPoint.startsWith(`${under}/`)),
  );
  const cleaned: string[] = [];
  // Deepest first, so a stale mount inside another one goes before its parent.
  candidates.sort((a, b) => b.mountPoint.length - a.mountPoint.length);
  for (const m of candidates) {
    const stale =
      options.includeLive === true || (await probeStale(m.mountPoint, options.probeTimeoutMs ?? 2000));
    if (!stale) continue;
    await unmountPath(m.mountPoint);
    cleaned.push(m.mountPoint);
  }
  return cleaned;
}

async function probeStale(mp: string, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((done) => {
    timer = setTimeout(() => done(true), timeoutMs);
  });
  const probe = stat(mp).then(
    () => false,
    (error: unknown) => {
      const code = errnoCode(error);
      return code === 'ENOTCONN' || code === 'ECONNABORTED' || code === 'EIO';
    },
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
