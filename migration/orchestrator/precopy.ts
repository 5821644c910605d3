import type { MigrationDataFile } from '../../devices/vfio/data-file.ts';
import type { VfioMigrationDevice } from '../../devices/vfio/vfio-device.ts';
import { writeIterate } from '../stream/save-helpers.ts';
import type { StreamWriter } from '../stream/writer.ts';
import { MigrationAbort, must } from './abort.ts';
import type { Accounting } from './accounting.ts';
import {
  guestThrottle,
  THROTTLE_INCREMENT,
  THROTTLE_INITIAL,
  THROTTLE_MAX,
  THROTTLE_TRIGGER,
} from './guest.ts';
import type { Link } from './link.ts';
import type { ResolvedOptions } from './options.ts';

/** What pre-copy did so far (updated in place, so an abort mid-way still reports it). */
export interface PrecopyStats {
  iterations: number;
  /** Ended because the pending bytes fit the downtime budget (not because iterations ran out). */
  converged: boolean;
  /** Guest throttle set by auto-converge, 0..0.99. */
  throttle: number;
}

export interface PrecopyContext {
  readonly o: ResolvedOptions;
  readonly acc: Accounting;
  readonly writer: StreamWriter;
  readonly link: Link;
  readonly src: VfioMigrationDevice;
  readonly file: MigrationDataFile;
  readonly readBytes: number;
}

/**
 * QEMU's iterate loop (qemu.md §4): while the exact pending bytes (PRECOPY_INFO and MIG_DATA_SIZE)
 * do not fit `bandwidth × downtime-limit`, send one more iteration, up to `maxIterations`; with
 * auto-converge, throttle the guest when it dirtied more than half of what was sent, twice.
 */
export function runPrecopy(c: PrecopyContext, stats: PrecopyStats): void {
  const { o, acc, link, src, file } = c;
  const threshold = (o.bandwidth * o.downtimeLimitNs) / 1e9;
  const throttle = o.autoConverge ? guestThrottle(src) : undefined;
  let highDirty = 0;
  let initDataSent = false;
  for (;;) {
    acc.spend(2 * o.ioctlNs);
    const info = must(file.precopyInfo(), 'VFIO_MIG_GET_PRECOPY_INFO');
    const exact = must(src.getDataSize(), 'VFIO_DEVICE_FEATURE_MIG_DATA_SIZE');
    if (info.initialBytes === 0 && exact <= threshold) {
      stats.converged = true;
      return;
    }
    if (stats.iterations >= o.maxIterations) return;
    stats.iterations++;
    const before = link.bytes;
    const budget = info.initialBytes + info.dirtyBytes;
    // switchover-ack: DEV_INIT_DATA_SENT once the initial bytes are all on their way (qemu.md §2.2).
    const sendInit: boolean = !initDataSent && info.initialBytes > 0 && info.initialBytes <= budget;
    writeIterate(c.writer, 1, readChunks(file, link, c.readBytes, budget), sendInit);
    initDataSent ||= sendInit;
    link.settle();
    const sent = link.bytes - before;
    acc.emit(
      'precopy-iteration',
      `#${stats.iterations} pending ${budget} B, device stop-copy ${exact} B`,
      sent,
    );
    if (throttle === undefined) continue;
    const dirtied = must(file.precopyInfo(), 'VFIO_MIG_GET_PRECOPY_INFO').dirtyBytes;
    highDirty = dirtied > sent * THROTTLE_TRIGGER ? highDirty + 1 : 0;
    if (highDirty < 2) continue;
    stats.throttle =
      stats.throttle === 0 ? THROTTLE_INITIAL : Math.min(THROTTLE_MAX, stats.throttle + THROTTLE_INCREMENT);
    throttle(stats.throttle);
    acc.emit('auto-converge', `guest throttled to ${Math.round(stats.throttle * 100)} %`);
    highDirty = 0;
  }
}

/**
 * Data fd reads of at most `readBytes` until `budget` bytes (pre-copy), a temporary end (ENOMSG
 * or 0 in pre-copy) or the end of data (stop-copy, no budget). Transfer time owed by the link is
 * paid before each read, never while a frame is half-delivered.
 */
export function* readChunks(
  file: MigrationDataFile,
  link: Link,
  readBytes: number,
  budget: number | undefined,
): Generator<Uint8Array> {
  let sent = 0;
  for (;;) {
    link.settle();
    if (budget !== undefined && sent >= budget) return;
    const chunk = file.read(readBytes);
    if ('errno' in chunk) {
      if (chunk.errno === 'ENOMSG' && budget !== undefined) return;
      throw new MigrationAbort(
        `source data fd read: ${chunk.errno}${chunk.reason ? ` (${chunk.reason})` : ''}`,
      );
    }
    if (chunk.length === 0) return;
    sent += chunk.length;
    yield chunk;
  }
}
