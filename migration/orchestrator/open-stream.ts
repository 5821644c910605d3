import { MIG_FLAG } from '../../devices/vfio/states.ts';
import { STREAM_VERSION } from '../stream/constants.ts';
import type { VfioSection } from '../stream/save-helpers.ts';
import { StreamWriter } from '../stream/writer.ts';
import type { Accounting } from './accounting.ts';
import { Link } from './link.ts';
import type { ResolvedOptions } from './options.ts';
import { TargetLoader, type TargetSide } from './target-loader.ts';

export interface OpenStreamContext {
  readonly acc: Accounting;
  readonly o: ResolvedOptions;
  readonly maxFrameSize: number;
  readonly wire: ((chunk: Uint8Array, offset: number) => Uint8Array) | undefined;
  readonly source: {
    readonly host: string;
    readonly seed: number;
    readonly uuid: string;
    readonly flags: number;
  };
  readonly target: TargetSide;
  /** The handshake's opaque token, carried for the target driver to re-validate. */
  readonly token: string | undefined;
}

export interface OpenedStream {
  readonly loader: TargetLoader;
  readonly link: Link;
  readonly writer: StreamWriter;
  readonly section: VfioSection;
}

/**
 * The stream between the two hosts, as `qemu_savevm_state_header` starts it (qemu.md §3.2): the
 * target's loader behind the link, the writer in front, the header and the configuration written.
 * The configuration announces switchover-ack for PRE_COPY devices and, when the payload crc is
 * off (ends in one process, no tap), `unchecked-payload`.
 */
export function openStream(c: OpenStreamContext): OpenedStream {
  const loader = new TargetLoader(c.target, c.acc, c.o);
  const link = new Link(loader, c.acc, {
    bandwidth: c.o.bandwidth,
    maxFrameSize: c.maxFrameSize,
    ...(c.wire === undefined ? {} : { wire: c.wire }),
  });
  const writer = new StreamWriter(link.send, { maxFrameSize: c.maxFrameSize });
  const section: VfioSection = {
    sectionId: 1,
    host: c.source.host,
    instanceId: 0,
    device: {
      uuid: c.source.uuid,
      mdevType: c.target.type,
      migrationVersion: c.token ?? null,
      createParams: { aggregate: c.target.aggregate },
    },
  };
  writer.write({ kind: 'header', version: STREAM_VERSION });
  writer.write({
    kind: 'configuration',
    host: c.source.host,
    seed: c.source.seed,
    capabilities: [
      ...((c.source.flags & MIG_FLAG.PRE_COPY) !== 0 ? (['switchover-ack'] as const) : []),
      ...(c.o.payloadCrc ? [] : (['unchecked-payload'] as const)),
    ],
  });
  return { loader, link, writer, section };
}
