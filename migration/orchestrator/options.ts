import { MdevsimError } from '../../core/errors.ts';
import type { MigrationEvent } from './events.ts';
import { FRAME_HEADROOM } from './read-size.ts';

/**
 * Knobs of one migration. Defaults follow QEMU (qemu.md §4): downtime-limit 300 ms, max-bandwidth
 * 128 MiB/s, auto-converge off with cpu-throttle-initial 20 %, -increment 10 %, max 99 % and
 * throttle-trigger-threshold 50 %. Costs of the operations around the transfer are parameters of
 * the model (performance.md §B.4–§B.5), all on the virtual clock.
 */
export interface MigrateOptions {
  /** QEMU `downtime-limit`, milliseconds. */
  readonly downtimeLimitMs?: number;
  /** QEMU `max-bandwidth`, bytes per second, used for pre-copy and stop-copy alike. */
  readonly bandwidth?: number;
  /** Pre-copy iterations before a forced switchover (QEMU itself iterates forever). */
  readonly maxIterations?: number;
  /** QEMU's auto-converge capability: throttle the guest when it dirties faster than we send. */
  readonly autoConverge?: boolean;
  /** Keep the source instance (stopped) instead of removing it after success. */
  readonly keepSource?: boolean;
  /** Host-to-host round trip, milliseconds (the handshake's read and write are on two hosts). */
  readonly rttMs?: number;
  /** Cost of one sysfs access (open + read/write + close), microseconds. */
  readonly sysfsOpUs?: number;
  /** Cost of one VFIO feature ioctl, microseconds. */
  readonly ioctlUs?: number;
  /**
   * Largest chunk read from the data fd. Default: QEMU's VFIO_MIG_DEFAULT_DATA_BUFFER_SIZE, 1 MiB,
   * or the device model's preferred read size when it has one (modeled payloads, read-size.ts).
   */
  readonly chunkBytes?: number;
  /** Largest stream frame either end accepts. Default 16 MiB + 64 KiB, more if a read is larger. */
  readonly maxFrameSize?: number;
  /** The handshake mode (`type`: the seed's algorithm; `instance`: v5 device node). */
  readonly handshakeMode?: 'type' | 'instance';
  /**
   * Called for every event up to the point of no return; returning true cancels the migration
   * there (rollback: source RUNNING, target removed). Once the target is told to run (the
   * `target-state: RUNNING` event and after) it is no longer called: QEMU ignores migrate_cancel
   * after completion (qemu.md §2.3, §4 item 6).
   */
  readonly cancel?: (event: MigrationEvent) => boolean;
  /** Every stream chunk on its way to the target; may return a replacement (fault injection). */
  readonly wire?: (chunk: Uint8Array, offset: number) => Uint8Array;
  /**
   * Cover device bytes with the frame crc. Default: only when a `wire` tap is set. Without one
   * the stream goes from the writer straight into the target's decoder in memory, where nothing
   * can corrupt it, so the stream announces `unchecked-payload` (migration/stream constants.ts:
   * "a trusted in-process ... transport can skip it") and saves two crc32 passes over the state.
   */
  readonly payloadCrc?: boolean;
  /** Called with each event before the cancel check (tests use it to change the world mid-way). */
  readonly onEvent?: (event: MigrationEvent) => void;
  /**
   * Take the state digests and check the target's against the source's at-stop one before the
   * target runs (default true): what "digest-checked end to end" means. Each digest is cached by
   * the device model and only changed blocks are hashed again, but the target's is one full sha256
   * pass over the loaded state (and the source's first one another): ~150 ms per 256 MiB measured
   * by bench/stream.bench.ts, against 12 to 25 ms to copy it (performance.md §B.3). With false the
   * migration takes no digest at all: `sourceDigest.before` and `.after` are '' and
   * `atStop`/`targetDigest` are absent; a caller compares the devices' stateDigest() itself
   * afterwards if it wants the check.
   */
  readonly verifyDigests?: boolean;
}

export interface ResolvedOptions {
  readonly downtimeLimitNs: number;
  readonly bandwidth: number;
  readonly maxIterations: number;
  readonly autoConverge: boolean;
  readonly keepSource: boolean;
  readonly rttNs: number;
  readonly sysfsOpNs: number;
  readonly ioctlNs: number;
  /** undefined: per device (read-size.ts). */
  readonly chunkBytes: number | undefined;
  /** undefined: fitted to the read size (read-size.ts). */
  readonly maxFrameSize: number | undefined;
  readonly handshakeMode: 'type' | 'instance';
  readonly payloadCrc: boolean;
  readonly verifyDigests: boolean;
}

export const MIB = 1024 * 1024;

/** A bad option names itself; nothing has happened yet when this is thrown. */
export class MigrateOptionsError extends MdevsimError {
  override readonly name = 'MigrateOptionsError';
  constructor(message: string) {
    super('bad-option', message);
  }
}

export function resolveOptions(o: MigrateOptions): ResolvedOptions {
  const positive = (
    name: string,
    value: number | undefined,
    fallback: number,
    max = Number.MAX_SAFE_INTEGER,
  ) => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v <= 0 || v > max)
      throw new MigrateOptionsError(`${name} must be > 0 and ≤ ${max}, got ${value}`);
    return v;
  };
  const nonNegative = (name: string, value: number | undefined, fallback: number) => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v < 0) throw new MigrateOptionsError(`${name} must be ≥ 0, got ${value}`);
    return v;
  };
  const maxIterations = positive('maxIterations', o.maxIterations, 30, 1_000_000);
  if (!Number.isInteger(maxIterations)) throw new MigrateOptionsError('maxIterations must be an integer');
  const chunkBytes =
    o.chunkBytes === undefined ? undefined : Math.floor(positive('chunkBytes', o.chunkBytes, MIB, 64 * MIB));
  const maxFrameSize =
    o.maxFrameSize === undefined ? undefined : positive('maxFrameSize', o.maxFrameSize, 0, 1024 * MIB);
  // A read becomes one frame: a frame limit below the read size would fail mid-migration.
  if (maxFrameSize !== undefined && maxFrameSize < (chunkBytes ?? MIB) + FRAME_HEADROOM) {
    throw new MigrateOptionsError(
      `maxFrameSize ${maxFrameSize} leaves no room for a ${chunkBytes ?? MIB}-byte read + ${FRAME_HEADROOM}`,
    );
  }
  return {
    downtimeLimitNs: positive('downtimeLimitMs', o.downtimeLimitMs, 300, 2_000_000) * 1e6,
    bandwidth: positive('bandwidth', o.bandwidth, 128 * MIB),
    maxIterations,
    autoConverge: o.autoConverge ?? false,
    keepSource: o.keepSource ?? false,
    rttNs: nonNegative('rttMs', o.rttMs, 0.2) * 1e6,
    sysfsOpNs: nonNegative('sysfsOpUs', o.sysfsOpUs, 10) * 1e3,
    ioctlNs: nonNegative('ioctlUs', o.ioctlUs, 5) * 1e3,
    chunkBytes,
    maxFrameSize,
    handshakeMode: o.handshakeMode ?? 'type',
    payloadCrc: o.payloadCrc ?? o.wire !== undefined,
    verifyDigests: o.verifyDigests ?? true,
  };
}
