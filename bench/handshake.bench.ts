/**
 * The migration_version handshake against its two performance goals (performance.md §B.4, §B.6):
 *
 * 1. One full userspace check through the path API (`checkCompatibility` over `host.fs`) is at
 *    least 10× faster than ONE real sysfs attribute read (`fs.readFileSync` of a /sys file of this
 *    machine), measured with mitata in the same run.
 * 2. A fleet matrix of 1,000 source types × 1,000 target parents takes at most 5 s.
 *
 * It also times the operations a check is made of (path lookups cached and not, the fs adapter,
 * a refused write's exception), so a miss names its cause. Wall-clock time lives only in bench/
 * (DESIGN.md principle 4).
 *
 *   npx tsx bench/handshake.bench.ts [--json]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { bench, do_not_optimize, group, summary } from 'mitata';
import { compatibilityMatrix } from '../lab/matrix/matrix.ts';
import { checkCompatibility } from '../migration/handshake/check.ts';
import { loadScenario } from '../scenarios/load.ts';
import { environment, findRealSysfsAttribute, printRatios, runBenches, wantsJson } from './harness.ts';

const log = wantsJson() ? console.error : console.log;
const GVT = '0000:00:02.0';
const UUID = '5ac1fb20-2bbf-4842-bb7e-36c58c3be9cd';

const real = findRealSysfsAttribute();
if (real === undefined) {
  console.error('no readable attribute under /sys on this machine: cannot measure the baseline');
  process.exit(2);
}

// The seed's host (v2 GVT-g, 8086:193b, default.yaml's `src`) and a v4 twin for the type source.
const world = await loadScenario({
  hosts: [
    {
      name: 'src',
      parents: [{ address: GVT, driver: 'gvtg', pciId: '8086:193b', migration: { revision: 'v2' } }],
    },
    {
      name: 'v4',
      parents: [{ address: GVT, driver: 'gvtg', pciId: '8086:193b', migration: { revision: 'v4' } }],
    },
  ],
  instances: [{ host: 'src', parent: GVT, type: 'i915-GVTg_V5_4', uuid: UUID }],
});
const src = world.host('src');
const v4 = world.host('v4');
const seedCase1 = () => checkCompatibility({ fs: src.fs, uuid: UUID }, { fs: src.fs, parent: GVT });

const typeSource = () =>
  checkCompatibility({ fs: v4.fs, parent: GVT, type: 'i915-GVTg_V5_4' }, { fs: v4.fs, parent: GVT });

// Correctness first: the benches must measure what they claim.
if (seedCase1().verdict !== 'compatible' || typeSource().verdict !== 'compatible') {
  throw new Error('the bench world does not give the seed verdicts');
}

const DEV = `/sys/bus/mdev/devices/${UUID}`;
const ATTR = `/sys/class/mdev_bus/${GVT}/mdev_supported_types/i915-GVTg_V5_4/version`;
const TEXT = src.sysfs.read(ATTR);
const NAMES = {
  real: `real sysfs: fs.readFileSync(${real})`,
  seed: 'check: seed case 1, device source (v2, host.fs)',
  type: 'check: type source before creation (v4, host.fs)',
} as const;

group('one userspace check vs one real sysfs read', () => {
  summary(() => {
    bench(NAMES.real, () => do_not_optimize(readFileSync(real)));
    bench(NAMES.seed, () => do_not_optimize(seedCase1()));
    bench(NAMES.type, () => do_not_optimize(typeSource()));
  });
});

group('what a check is made of', () => {
  bench('sysfs.exists, cached path', () => do_not_optimize(src.sysfs.exists(ATTR)));
  bench('sysfs.exists, missing name (not cached)', () =>
    do_not_optimize(src.sysfs.exists(`${DEV}/create_parameters`)),
  );
  bench('sysfs.readlink (no-follow walk, not cached)', () =>
    do_not_optimize(src.sysfs.readlink(`${DEV}/mdev_type`)),
  );
  bench('sysfs.read (show)', () => do_not_optimize(src.sysfs.read(ATTR)));
  bench('fs.readFileSync latin1 (adapter)', () => do_not_optimize(src.fs.readFileSync(ATTR, 'latin1')));
  bench('sysfs.write (store accepts)', () => do_not_optimize(src.sysfs.write(ATTR, TEXT)));
  bench('fs.writeFileSync (adapter)', () => do_not_optimize(src.fs.writeFileSync(ATTR, TEXT)));
  bench('sysfs.write refused: SysError with stack, caught', () => {
    try {
      src.sysfs.write(ATTR, 'x');
    } catch (error) {
      do_not_optimize(error);
    }
  });
});

log(`${environment()}; load average ${loadavg()[0]?.toFixed(2)}`);
const results = await runBenches();
let met = printRatios(results, [
  {
    label: 'goal 1: real read / seed check (device source)',
    numerator: NAMES.real,
    denominator: NAMES.seed,
    goal: 10,
  },
  {
    label: 'goal 1: real read / type-source check',
    numerator: NAMES.real,
    denominator: NAMES.type,
    goal: 10,
  },
]);

/** PCI address number i: 256 functions per bus (32 devices × 8 functions). */
function address(i: number): string {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `0000:${hex(i >> 8, 2)}:${hex((i >> 3) & 31, 2)}.${i & 7}`;
}

// Goal 2. Host `fleet-a`: 250 GVT-g parents × 4 types = 1,000 source types; host `fleet-b`: 1,000
// target parents. Every 4th a-GPU and every 5th b-GPU is 8086:191b, so both answers occur.
const gvt = (i: number, other: boolean) => ({
  address: address(i),
  driver: 'gvtg',
  pciId: other ? '8086:191b' : '8086:193b',
});
let t0 = performance.now();
const fleet = await loadScenario({
  hosts: [
    { name: 'fleet-a', parents: Array.from({ length: 250 }, (_, i) => gvt(i, i % 4 === 3)) },
    { name: 'fleet-b', parents: Array.from({ length: 1000 }, (_, i) => gvt(i, i % 5 === 4)) },
  ],
});
const build = performance.now() - t0;

// With crossHostOnly the rows of fleet-a come first: its 1,000 types × fleet-b's 1,000 parents.
// Then fleet-b's 4,000 types × fleet-a's 250 parents follow. The progress callback timestamps the
// end of the first block, in wall and CPU time (other load on the machine inflates the first).
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let block = 0;
let blockCpu = 0;
let coldCpu = 0;
t0 = performance.now();
const c0 = cpu();
const cells = compatibilityMatrix(fleet, {
  crossHostOnly: true,
  onProgress: (done) => {
    // The first 4 rows resolve every fleet-b path once (4 types × 1,000 parents); later rows hit the cache.
    if (done === 4) coldCpu = cpu() - c0;
    if (done === 1000) {
      block = performance.now() - t0;
      blockCpu = cpu() - c0;
    }
  },
});
const total = performance.now() - t0;

const first = cells.slice(0, 1_000_000);
const compatible = first.filter((c) => c.verdict === 'compatible').length;
const refused = first.filter((c) => c.verdict === 'incompatible' && c.step === 2).length;
if (compatible + refused !== 1_000_000 || compatible === 0 || refused === 0) {
  throw new Error('the matrix world does not give the expected verdicts');
}
log(`\nmatrix world: 2 hosts, 1,250 GVT-g parents, built in ${build.toFixed(0)} ms`);
log(
  `goal 2: 1,000 source types × 1,000 target parents: ${(block / 1000).toFixed(2)} s wall, ` +
    `${(blockCpu / 1000).toFixed(2)} s CPU, ${((block * 1000) / 1e6).toFixed(2)} µs/pair ` +
    `(${compatible} compatible, ${refused} refused at the write)` +
    `  ${block <= 5000 ? 'PASS' : 'BELOW GOAL'} (goal ≤ 5 s)`,
);
log(
  `  first 4 rows (every fleet-b path resolved for the first time): ${(coldCpu / 1000).toFixed(2)} s CPU; ` +
    `other 996 rows: ${(((blockCpu - coldCpu) * 1000) / 996_000).toFixed(2)} µs CPU/pair`,
);
log(
  `  whole crossHostOnly matrix: ${cells.length.toLocaleString('en-US')} pairs in ${(total / 1000).toFixed(2)} s wall`,
);
met &&= block <= 5000;
process.exitCode = met ? 0 : 1;
