/**
 * A separate process that serves a FUSE mount, for tests that kill it or signal it:
 *   tsx test/fuse/child-mount.ts <mountpoint> [signals]
 * Prints `ready <mountpoint>` once mounted. With `signals`, installs installSignalCleanup
 * (SIGINT → unmount, exit 130; SIGTERM → unmount, exit 143).
 */
import { installSignalCleanup, mountSysfs } from '../../sysfs/fuse/mount.ts';
import { smallTree } from './fake-sysfs.ts';

const [mountpoint, mode] = process.argv.slice(2);
if (mountpoint === undefined) {
  process.stderr.write('usage: child-mount.ts <mountpoint> [signals]\n');
  process.exit(2);
}
const handle = await mountSysfs(smallTree(), mountpoint);
if (mode === 'signals') installSignalCleanup([handle]);
process.stdout.write(`ready ${handle.mountpoint}\n`);
// Stay alive until killed or signalled.
setInterval(() => {}, 1 << 30);
