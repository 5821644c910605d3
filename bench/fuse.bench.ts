/**
 * Reading a sysfs attribute through the FUSE mount vs a real sysfs attribute of this machine, in
 * the same run (reference/performance.md §B.4: real open+read+close is 4.5–7.7 µs). The mount is
 * served by a CHILD process (test/fuse/world-child.ts), as the CLI's `mount` serves it, so this
 * process only runs the loops. Three loops per attribute, each timed as a whole:
 *
 *   cat    bash -c 'for i in $(seq N); do cat "$1" >/dev/null; done'   (a process per read)
 *   read   bash -c 'for i in $(seq N); do read -r x < "$1"; done'       (open/read/close, no fork)
 *   py     python3: N x os.open + os.read + os.close, timed inside      (the syscalls alone)
 *
 * Medians over ROUNDS interleaved rounds. Goal: `cat` through the mount at most 10x the real one.
 *
 *   npx tsx bench/fuse.bench.ts [N=1000] [rounds=5]
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFuseAvailable } from '../sysfs/fuse/mount.ts';
import { mdevsimMountsUnder, REPO, startWorldChild } from '../test/fuse/world-server.ts';

const N = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 5);
const GOAL = 10;

const LOOPS = {
  cat: ['bash', ['-c', 'for i in $(seq "$2"); do cat "$1" >/dev/null; done', 'bench']],
  read: ['bash', ['-c', 'for i in $(seq "$2"); do read -r x < "$1"; done', 'bench']],
  py: [
    'python3',
    [
      '-c',
      [
        'import os, sys, time',
        'path, n = sys.argv[1], int(sys.argv[2])',
        't = time.perf_counter_ns()',
        'for _ in range(n):',
        '    fd = os.open(path, os.O_RDONLY); os.read(fd, 4096); os.close(fd)',
        'print((time.perf_counter_ns() - t) / 1e3 / n)',
      ].join('\n'),
    ],
  ],
} as const satisfies Record<string, readonly [string, readonly string[]]>;
type Loop = keyof typeof LOOPS;

/**
 * µs per read of `attr` for one loop of N reads: what the loop prints if it times itself (py,
 * leaving out the interpreter's start-up), else the wall clock of the whole loop (bash's start-up,
 * a few ms, spread over N).
 */
function timeLoop(loop: Loop, attr: string): Promise<number> {
  const [cmd, args] = LOOPS[loop];
  const start = process.hrtime.bigint();
  return new Promise((done, fail) => {
    execFile(cmd, [...args, attr, String(N)], { timeout: 600_000 }, (error, stdout, stderr) => {
      if (error !== null) fail(new Error(`${loop} loop on ${attr} failed: ${stderr || error.message}`));
      else if (stdout.trim() !== '') done(Number(stdout.trim()));
      else done(Number(process.hrtime.bigint() - start) / 1e3 / N);
    });
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

const fuse = checkFuseAvailable();
if (!fuse.ok) {
  console.log(`skipped: ${fuse.message}`);
  process.exit(0);
}

const base = await mkdtemp(join(tmpdir(), 'mdevsim-bench-'));
await chmod(base, 0o755);
const child = await startWorldChild(join(REPO, 'scenarios/default.yaml'), join(base, 'mnt'), ['src', 'lab1']);
try {
  const pairs: ReadonlyArray<readonly [string, string, string]> = [
    [
      'attribute, canonical path',
      join(child.sys('src'), 'devices/pci0000:00/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_4/version'),
      '/sys/kernel/mm/transparent_hugepage/enabled',
    ],
    [
      'attribute, through a class link',
      join(child.sys('lab1'), 'class/mdev_bus/mtty/mdev_supported_types/mtty-2/available_instances'),
      '/sys/class/net/lo/mtu',
    ],
  ];
  console.log(
    `node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}; ` +
      `${N} reads per loop, median of ${ROUNDS} interleaved rounds; mount served by child pid ${child.pid}`,
  );
  const ratios: number[] = [];
  for (const [label, mounted, real] of pairs) {
    console.log(`\n${label}\n  mount: ${mounted}\n  real:  ${real}`);
    for (const loop of Object.keys(LOOPS) as Loop[]) {
      await timeLoop(loop, real); // warm-up
      await timeLoop(loop, mounted);
      const m: number[] = [];
      const r: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        r.push(await timeLoop(loop, real));
        m.push(await timeLoop(loop, mounted));
      }
      const ratio = median(m) / median(r);
      if (loop === 'cat') ratios.push(ratio);
      console.log(
        `  ${loop.padEnd(5)} mount ${median(m).toFixed(1).padStart(8)} µs/read   real ${median(r)
          .toFixed(1)
          .padStart(8)} µs/read   ratio ${ratio.toFixed(2)}x`,
      );
    }
  }
  const worst = Math.max(...ratios);
  console.log(`\ncat through the mount vs real sysfs: worst ratio ${worst.toFixed(2)}x (goal <= ${GOAL}x)`);
  if (worst > GOAL) process.exitCode = 1;
} finally {
  const exit = await child.stop('SIGTERM');
  const left = mdevsimMountsUnder(base);
  await rm(base, { recursive: true, force: true });
  if (exit.code !== 143 || left.length > 0) {
    console.error(`cleanup: child exit ${JSON.stringify(exit)}, mounts left: ${left.join(', ') || 'none'}`);
    process.exitCode = 1;
  }
}
