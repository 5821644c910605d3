/**
 * CLI cold start: `node bin/mdevsim.js fsm RUNNING STOP` on the compiled build, against `node -e 0`
 * measured in the same run, as medians over RUNS runs each (interleaved, after warm-up runs).
 * Goal: at most 4x bare Node. Builds first (`npm run build`), so it measures what users run.
 *
 *   npx tsx bench/cli.bench.ts [runs]
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.argv[2] ?? 20);
const WARMUP = 3;
const GOAL = 4;

function run(args: readonly string[]): bigint {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const elapsed = process.hrtime.bigint() - start;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return elapsed;
}

function median(samples: readonly bigint[]): number {
  const sorted = [...samples].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = sorted.length >> 1;
  const value = sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0n) + (sorted[mid] ?? 0n)) / 2n;
  return Number(value ?? 0n) / 1e6;
}

const build = spawnSync('npm', ['run', 'build', '--silent'], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (build.status !== 0) throw new Error('npm run build failed');

const cli = [join(ROOT, 'bin/mdevsim.js'), 'fsm', 'RUNNING', 'STOP'];
const bare = ['-e', '0'];
const check = spawnSync(process.execPath, cli, { cwd: ROOT, encoding: 'utf8' });
if (check.stdout !== 'RUNNING -> RUNNING_P2P -> STOP\n')
  throw new Error(`unexpected output: ${check.stdout}`);

for (let i = 0; i < WARMUP; i++) {
  run(bare);
  run(cli);
}
const cliSamples: bigint[] = [];
const bareSamples: bigint[] = [];
for (let i = 0; i < RUNS; i++) {
  bareSamples.push(run(bare));
  cliSamples.push(run(cli));
}

const cliMs = median(cliSamples);
const bareMs = median(bareSamples);
const ratio = cliMs / bareMs;
console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${RUNS} runs each`,
);
console.log(`node -e 0                             median ${bareMs.toFixed(1)} ms`);
console.log(`node bin/mdevsim.js fsm RUNNING STOP  median ${cliMs.toFixed(1)} ms`);
console.log(`ratio ${ratio.toFixed(2)}x (goal <= ${GOAL}x): ${ratio <= GOAL ? 'ok' : 'OVER'}`);
