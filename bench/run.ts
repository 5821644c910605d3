/**
 * `npm run bench`: every benchmark in turn, each in its own process (so one's heap and JIT state
 * never colour another's numbers). Pass names to run a subset: `npm run bench -- sysfs stream`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ALL = ['sysfs', 'handshake', 'stream', 'cli', 'fuse'] as const;
const picked = process.argv.slice(2);
const names = picked.length === 0 ? ALL : ALL.filter((n) => picked.includes(n));
let failed = 0;
for (const name of names) {
  const file = fileURLToPath(new URL(`./${name}.bench.ts`, import.meta.url));
  console.log(`\n===== bench/${name}.bench.ts`);
  // Guest-sized buffers are backed by transparent huge pages for the stream bench, as QEMU backs
  // guest memory; the bench prints the setting, and the README reports both configurations.
  const env =
    name === 'stream'
      ? { ...process.env, GLIBC_TUNABLES: process.env['GLIBC_TUNABLES'] ?? 'glibc.malloc.hugetlb=1' }
      : process.env;
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file], {
    stdio: 'inherit',
    env,
  });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
