import { migrate } from '../migration/orchestrator/migrate.ts';
import type { MigrateOptions } from '../migration/orchestrator/options.ts';
import type { MigrationResult } from '../migration/orchestrator/result.ts';
import type { World } from '../sysfs/world.ts';
import type { MigrateAction } from './actions-schema.ts';
import { splitHostUuid } from './run-check.ts';
import { type StreamSummary, summarizeStream } from './stream-summary.ts';

export interface MigrateSection {
  readonly kind: 'migrate';
  readonly title: string;
  readonly result: MigrationResult;
  readonly stream: StreamSummary;
}

/** Runs one `migrate:` action, recording the stream so the report can show what crossed. */
export async function runMigrate(
  world: World,
  action: MigrateAction,
  index: number,
): Promise<MigrateSection> {
  const [host = '', uuid = ''] = splitHostUuid(action.from);
  const to = typeof action.to === 'string' ? { host: action.to } : action.to;
  const chunks: Uint8Array[] = [];
  const o = action.options ?? {};
  const options: MigrateOptions = {
    ...(o.downtimeLimitMs === undefined ? {} : { downtimeLimitMs: o.downtimeLimitMs }),
    ...(o.bandwidth === undefined ? {} : { bandwidth: o.bandwidth }),
    ...(o.maxIterations === undefined ? {} : { maxIterations: o.maxIterations }),
    ...(o.autoConverge === undefined ? {} : { autoConverge: o.autoConverge }),
    ...(o.keepSource === undefined ? {} : { keepSource: o.keepSource }),
    ...(o.rttMs === undefined ? {} : { rttMs: o.rttMs }),
    ...(o.sysfsOpUs === undefined ? {} : { sysfsOpUs: o.sysfsOpUs }),
    wire: (chunk) => {
      chunks.push(Uint8Array.prototype.slice.call(chunk));
      return chunk;
    },
  };
  const result = await migrate(world, {
    from: { host, uuid },
    to: to.parent === undefined ? { host: to.host } : { host: to.host, parent: to.parent },
    options,
  });
  const stream = summarizeStream(chunks, result.verdict.sourceType);
  return { kind: 'migrate', title: action.title ?? `migration #${index + 1}`, result, stream };
}

const ms = (ns: number) => `${(ns / 1e6).toFixed(3)} ms`;
const bytes = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${n} B`);

export function formatMigrateSection(s: MigrateSection): string[] {
  const r = s.result;
  const lines = [
    `${r.source.host}:${r.source.uuid} (${r.verdict.sourceType}) -> ${r.target.host}:${r.target.parent}`,
    `handshake: ${r.verdict.verdict} (step ${r.verdict.step}${r.verdict.errno ? `, ${r.verdict.errno}` : ''}) in ${ms(r.handshakeNs)}`,
    `outcome: ${r.outcome}: ${r.reason}`,
  ];
  if (r.outcome === 'refused') {
    lines.push(`stream bytes sent: ${r.bytesTotal}; target instances created: none`);
    return lines;
  }
  lines.push(
    `time: total ${ms(r.totalNs)}, downtime ${ms(r.downtimeNs)}, handshake ${ms(r.handshakeNs)} (${(r.handshakeShare * 100).toFixed(2)} % of total)`,
    `pre-copy: ${r.iterations} iteration(s), ${r.converged ? 'converged' : 'did not converge'}${r.throttle ? `, guest throttled ${Math.round(r.throttle * 100)} %` : ''}`,
    `phases: ${Object.entries(r.phases)
      .filter(([, p]) => p.ns > 0 || p.bytes > 0)
      .map(([name, p]) => `${name} ${ms(p.ns)}/${bytes(p.bytes)}`)
      .join(' · ')}`,
    `stream: ${bytes(s.stream.bytes)} in ${s.stream.frames} frames${s.stream.complete ? '' : ' (incomplete)'}, device data ${bytes(s.stream.deviceBytes)}`,
  );
  const m = s.stream.mtty;
  if (m !== undefined) {
    lines.push(
      `mtty data: magic ${m.magicOk ? 'ok' : 'BAD'}, version ${m.major}.${m.minor}, nr_ports ${m.nrPorts}, flags ${m.flags}, ` +
        `${s.stream.deviceBytes} = 24 + 36 x ${m.nrPorts} ${m.sizeOk ? 'ok' : 'MISMATCH'} (header ${m.headerHex})`,
    );
  }
  const src = r.sourceDigest.atStop ?? r.sourceDigest.before;
  const match = r.targetDigest !== undefined && r.targetDigest === src;
  lines.push(
    r.outcome === 'completed'
      ? `state digest: source ${src.slice(0, 16)}…, target ${r.targetDigest?.slice(0, 16)}… ${match ? '(equal)' : '(DIFFERENT)'}`
      : `source digest unchanged: ${r.sourceDigest.after === r.sourceDigest.before ? 'yes' : 'NO'}`,
  );
  return lines;
}
