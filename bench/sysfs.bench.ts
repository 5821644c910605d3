/**
 * sysfs access latency (performance.md §B.4): the simulator's path API and fs adapter against a
 * real sysfs attribute of this machine, measured in the same run with mitata (§B.6).
 * Goal: a path-API attribute read at least 20× faster than `fs.readFileSync` of a real attribute.
 *
 *   npx tsx bench/sysfs.bench.ts [--json]
 */
import { openSync, readFileSync, readSync } from 'node:fs';
import { bench, do_not_optimize, group, summary } from 'mitata';
import { loadScenario } from '../scenarios/load.ts';
import { environment, findRealSysfsAttribute, printRatios, runBenches, wantsJson } from './harness.ts';

const world = await loadScenario({
  seed: 1,
  hosts: [
    {
      name: 'lab',
      parents: [
        { driver: 'mtty' },
        { driver: 'gvtg', address: '0000:00:02.0', pciId: '8086:193b', options: { payload: 'modeled' } },
        { driver: 'gvtg', address: '0000:00:03.0', pciId: '8086:193b' },
      ],
    },
  ],
  instances: [{ host: 'lab', parent: 'mtty', type: 'mtty-1', uuid: '83b8f4f2-509f-382f-3c1e-e6bfe0fa1001' }],
});
const lab = world.host('lab');
const MTTY = '/sys/class/mdev_bus/mtty/mdev_supported_types';
const AVAIL = `${MTTY}/mtty-2/available_instances`;
const REMOVE = '/sys/bus/mdev/devices/83b8f4f2-509f-382f-3c1e-e6bfe0fa1001/remove';
const CYCLE_UUID = 'c0ffee00-0000-4000-8000-000000000001';
const ZERO = Buffer.from('0');

const real = findRealSysfsAttribute();
if (real === undefined) {
  console.error('no readable attribute under /sys on this machine: cannot measure the baseline');
  process.exit(2);
}
const realFd = openSync(real, 'r');
const realBuf = Buffer.alloc(4096);

// Correctness first: the benches must measure what they claim.
if (lab.sysfs.read(AVAIL) !== '11\n') throw new Error('unexpected available_instances');
if (lab.sysfs.write(REMOVE, '0') !== 1) throw new Error('remove "0" is not a 1-byte no-op');

const NAMES = {
  real: `real sysfs: fs.readFileSync(${real})`,
  realFd: `real sysfs: fs.readSync(open fd, position 0)`,
  read: 'sim path API: sysfs.read(available_instances)',
  fsRead: "sim fs adapter: fs.readFileSync(available_instances, 'utf8')",
  write: 'sim path API: sysfs.write(remove, "0")',
  fsWrite: 'sim fs adapter: fs.writeFileSync(remove, "0")',
  cycleMtty: 'sim path API: create+remove mtty-1',
  cycleGvtModeled: 'sim path API: create+remove i915-GVTg_V5_8 (modeled payload)',
  cycleGvtReal: 'sim path API: create+remove i915-GVTg_V5_8 (default: 16 MiB real framebuffer)',
} as const;

function cycle(type: string) {
  return () => {
    lab.sysfs.write(`${type}/create`, CYCLE_UUID);
    do_not_optimize(lab.sysfs.write(`/sys/bus/mdev/devices/${CYCLE_UUID}/remove`, '1'));
  };
}

group('attribute read', () => {
  summary(() => {
    bench(NAMES.real, () => do_not_optimize(readFileSync(real)));
    bench(NAMES.realFd, () => do_not_optimize(readSync(realFd, realBuf, 0, 4096, 0)));
    bench(NAMES.read, () => do_not_optimize(lab.sysfs.read(AVAIL)));
    bench(NAMES.fsRead, () => do_not_optimize(lab.fs.readFileSync(AVAIL, 'utf8')));
  });
});

group('attribute write', () => {
  summary(() => {
    bench(NAMES.write, () => do_not_optimize(lab.sysfs.write(REMOVE, '0')));
    bench(NAMES.fsWrite, () => do_not_optimize(lab.fs.writeFileSync(REMOVE, ZERO)));
  });
});

group('device lifecycle', () => {
  bench(NAMES.cycleMtty, cycle(`${MTTY}/mtty-1`));
  bench(NAMES.cycleGvtModeled, cycle('/sys/class/mdev_bus/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_8'));
  bench(NAMES.cycleGvtReal, cycle('/sys/class/mdev_bus/0000:00:03.0/mdev_supported_types/i915-GVTg_V5_8'));
});

const log = wantsJson() ? console.error : console.log;
log(environment());
const results = await runBenches();
if (lab.sysfs.read(AVAIL) !== '11\n') throw new Error('the benches leaked capacity');
const met = printRatios(results, [
  {
    label: 'real readFileSync / sim path-API read',
    numerator: NAMES.real,
    denominator: NAMES.read,
    goal: 20,
  },
  { label: 'real readFileSync / sim fs-adapter read', numerator: NAMES.real, denominator: NAMES.fsRead },
  { label: 'real pread / sim path-API read', numerator: NAMES.realFd, denominator: NAMES.read },
]);
process.exitCode = met ? 0 : 1;
