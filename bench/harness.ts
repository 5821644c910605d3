/**
 * Shared measuring helpers for the mitata benches (performance.md §B.6): run the registered
 * benchmarks, collect their statistics by name, compute ratios between them, and print the
 * environment (CPU, Node, V8, mitata) with every result, as §B.6 recommends.
 *
 * Output: mitata's own table by default; `--json` (or BENCH_JSON=1) prints mitata's JSON instead
 * (without raw samples) on stdout, for machines, and the summary lines of `printRatios` on stderr.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { run } from 'mitata';

export interface BenchStats {
  readonly name: string;
  /** Nanoseconds per iteration. */
  readonly avg: number;
  readonly p50: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
  readonly samples: number;
}

type RunReport = Awaited<ReturnType<typeof run>>;

export function wantsJson(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--json') || process.env['BENCH_JSON'] === '1';
}

/** Runs every bench registered with mitata's `bench()` and returns the statistics by bench name. */
export async function runBenches(
  options: { json?: boolean; filter?: RegExp } = {},
): Promise<Map<string, BenchStats>> {
  const json = options.json ?? wantsJson();
  const report: RunReport = await run({
    ...(options.filter === undefined ? {} : { filter: options.filter }),
    format: json ? { json: { debug: false, samples: false } } : 'mitata',
    colors: !json && process.stdout.isTTY === true,
  });
  return collect(report);
}

function collect(report: RunReport): Map<string, BenchStats> {
  const out = new Map<string, BenchStats>();
  for (const trial of report.benchmarks) {
    for (const r of trial.runs) {
      if (r.stats === undefined) throw new Error(`bench '${r.name}' failed: ${String(r.error)}`);
      const s = r.stats;
      out.set(r.name, {
        name: r.name,
        avg: s.avg,
        p50: s.p50,
        p99: s.p99,
        min: s.min,
        max: s.max,
        samples: s.samples.length,
      });
    }
  }
  return out;
}

export function stat(results: ReadonlyMap<string, BenchStats>, name: string): BenchStats {
  const s = results.get(name);
  if (s === undefined) throw new Error(`no bench named '${name}' (have: ${[...results.keys()].join(', ')})`);
  return s;
}

/** `numerator / denominator` on the chosen statistic (median by default: robust to GC spikes). */
export function ratio(
  results: ReadonlyMap<string, BenchStats>,
  numerator: string,
  denominator: string,
  on: 'avg' | 'p50' = 'p50',
): number {
  return stat(results, numerator)[on] / stat(results, denominator)[on];
}

export function formatNs(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

export interface RatioLine {
  readonly label: string;
  readonly numerator: string;
  readonly denominator: string;
  /** The ratio must be at least this (printed PASS/BELOW GOAL). */
  readonly goal?: number;
}

/**
 * Prints one line per ratio and returns whether every goal was met. With `--json` the lines go
 * to stderr (`log`), so stdout stays one JSON document.
 */
export function printRatios(
  results: ReadonlyMap<string, BenchStats>,
  lines: readonly RatioLine[],
  log: (line: string) => void = wantsJson() ? console.error : console.log,
): boolean {
  let ok = true;
  log('');
  for (const line of lines) {
    const n = stat(results, line.numerator);
    const d = stat(results, line.denominator);
    const r = n.p50 / d.p50;
    const verdict =
      line.goal === undefined
        ? ''
        : r >= line.goal
          ? `  PASS (goal ≥ ${line.goal}×)`
          : `  BELOW GOAL (goal ≥ ${line.goal}×)`;
    if (line.goal !== undefined && r < line.goal) ok = false;
    log(`${line.label}: ${r.toFixed(1)}×  (${formatNs(n.p50)} / ${formatNs(d.p50)}, medians)${verdict}`);
  }
  return ok;
}

/** CPU, Node, V8 and mitata versions: print them with every result. */
export function environment(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu} x${cpus().length}; node ${process.version}; v8 ${process.versions.v8}; mitata ${packageVersion('mitata')}`;
}

function packageVersion(name: string): string {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

/**
 * A readable attribute of this machine's real /sys (performance.md §B.4 used the first two), or
 * undefined when none is readable (a container without /sys).
 */
export function findRealSysfsAttribute(
  candidates: readonly string[] = ['/sys/kernel/mm/transparent_hugepage/enabled', '/sys/class/net/lo/mtu'],
): string | undefined {
  const readable = (path: string) => {
    try {
      return readFileSync(path).length > 0;
    } catch {
      return false;
    }
  };
  for (const path of candidates) if (readable(path)) return path;
  const searched: string[] = [];
  for (const dir of ['/sys/class/net', '/sys/class/block', '/sys/devices/system/cpu']) {
    try {
      for (const name of readdirSync(dir))
        searched.push(`${dir}/${name}/mtu`, `${dir}/${name}/size`, `${dir}/${name}/online`);
    } catch {
      // not present here
    }
  }
  searched.push('/sys/kernel/profiling', '/sys/devices/system/cpu/online', '/sys/power/state');
  return searched.find(readable);
}
