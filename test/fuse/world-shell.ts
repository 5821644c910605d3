/**
 * bash as a user of a simulated host: a private mount namespace (`unshare -m`) with the host's
 * mounted sysfs bound over /sys, so the commands are typed exactly as on a real host. Asynchronous
 * (test/fuse/sh.ts): never block the event loop of a process that might serve the mount.
 */
import { q, type ShResult, sh } from './sh.ts';

/** Exit status when the bind mount itself fails (bash and coreutils use 0–2, 126, 127). */
export const NS_SETUP_FAILED = 125;

const SETUP = `mount --bind "$1" /sys || exit ${NS_SETUP_FAILED}; exec bash -c "$2"`;

/** Runs `script` with `bash -c` where /sys is `sysDir`. LC_ALL=C (sh.ts). */
export function bashOnSys(sysDir: string, script: string): Promise<ShResult> {
  return sh(
    `exec unshare --mount --propagation private bash -c ${q(SETUP)} mdevsim-ns ${q(sysDir)} ${q(script)}`,
  );
}
