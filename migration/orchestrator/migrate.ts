import { randomUuid } from '../../core/uuid.ts';
import type { MigrationDataFile } from '../../devices/vfio/data-file.ts';
import { MIG_FLAG, MIG_STATE } from '../../devices/vfio/states.ts';
import type { VfioMigrationDevice } from '../../devices/vfio/vfio-device.ts';
import type { Host } from '../../sysfs/host.ts';
import type { World } from '../../sysfs/world.ts';
import { checkCompatibility } from '../handshake/check.ts';
import type { Verdict } from '../handshake/verdict.ts';
import { writeComplete, writeConfigState, writeSetup } from '../stream/save-helpers.ts';
import { MigrationAbort, must } from './abort.ts';
import { Accounting, Cancelled } from './accounting.ts';
import { cleanupSource } from './cleanup.ts';
import type { Link } from './link.ts';
import { openStream } from './open-stream.ts';
import { type MigrateOptions, type ResolvedOptions, resolveOptions } from './options.ts';
import { createTarget, pickTargetParent, removeInstance, sourceAggregate } from './placement.ts';
import { type PrecopyStats, readChunks, runPrecopy } from './precopy.ts';
import { maxFrameSizeFor, readBytesFor } from './read-size.ts';
import type { MigrationResult } from './result.ts';
import { configBlobText } from './target-loader.ts';
import { openDevice, setState, stateOf, tryOpenDevice } from './vfio-calls.ts';

export interface MigrateRequest {
  readonly from: { readonly host: string; readonly uuid: string };
  readonly to: { readonly host: string; readonly parent?: string };
  readonly options?: MigrateOptions;
}

interface Created {
  readonly host: Host;
  readonly parent: string;
  readonly uuid: string;
}

/**
 * Live-migrates one mdev between two hosts of a world the way QEMU and libvirt do (qemu.md §2.3,
 * §4), gated on the migration_version handshake: when the handshake fails nothing is created and
 * not one stream byte is sent. Everything runs on the world's virtual clock; any failure or
 * cancellation rolls back (source RUNNING with its state intact, target removed, capacity back).
 */
export async function migrate(world: World, request: MigrateRequest): Promise<MigrationResult> {
  return migrateSync(world, request);
}

export function migrateSync(world: World, request: MigrateRequest): MigrationResult {
  const o = resolveOptions(request.options ?? {});
  const acc = new Accounting(world.clock, {
    ...(request.options?.cancel ? { cancel: request.options.cancel } : {}),
    ...(request.options?.onEvent ? { onEvent: request.options.onEvent } : {}),
  });
  return new MigrationRun(world, request, o, acc).run();
}

class MigrationRun {
  readonly #world: World;
  readonly #req: MigrateRequest;
  readonly #o: ResolvedOptions;
  readonly #acc: Accounting;
  readonly #src: Host;
  readonly #dst: Host;
  #verdict: Verdict | undefined;
  #targetParent = '';
  #created: Created | undefined;
  #srcDevice: VfioMigrationDevice | undefined;
  #dstDevice: VfioMigrationDevice | undefined;
  #digestBefore = '';
  #digestAtStop: string | undefined;
  #targetDigest: string | undefined;
  #downtimeStart: number | undefined;
  #downtimeNs = 0;
  readonly #precopyStats: PrecopyStats = { iterations: 0, converged: false, throttle: 0 };
  #link: Link | undefined;
  /** Data fd read size, fixed once the source device is open. */
  #readBytes = 0;

  constructor(world: World, req: MigrateRequest, o: ResolvedOptions, acc: Accounting) {
    this.#world = world;
    this.#req = req;
    this.#o = o;
    this.#acc = acc;
    this.#src = world.host(req.from.host);
    this.#dst = world.host(req.to.host);
  }

  run(): MigrationResult {
    // A cancel can come at any event, the handshake's included (a Cancelled thrown there used to
    // escape migrate()); past the point of no return `#transfer` stops honouring it.
    let cleanup: string[];
    try {
      const verdict = this.#handshake();
      if (verdict.verdict !== 'compatible') return this.#result('refused', `handshake: ${verdict.reason}`);
      cleanup = this.#transfer(verdict);
    } catch (error) {
      if (!(error instanceof MigrationAbort || error instanceof Cancelled)) throw error;
      this.#rollback(error.message);
      return this.#result('aborted', error.message);
    }
    const done = 'the target runs the source state';
    return this.#result('completed', cleanup.length === 0 ? done : `${done}; cleanup: ${cleanup.join('; ')}`);
  }

  /** The seed's userspace check; its cost is its sysfs operations plus one host round trip. */
  #handshake(): Verdict {
    const { uuid } = this.#req.from;
    // The check runs before its first event is announced (same clock, same order of events), so
    // a cancel at `handshake-start` still finds a verdict to report.
    this.#targetParent = this.#req.to.parent ?? pickTargetParent(this.#src.fs, this.#dst.fs, uuid);
    const verdict = checkCompatibility(
      { fs: this.#src.fs, uuid },
      { fs: this.#dst.fs, parent: this.#targetParent },
      { mode: this.#o.handshakeMode },
    );
    this.#verdict = verdict;
    this.#acc.emit('handshake-start', `${this.#req.from.host}:${uuid} -> ${this.#req.to.host}`);
    this.#acc.spend(verdict.touched.length * this.#o.sysfsOpNs + this.#o.rttNs);
    this.#acc.emit('handshake-verdict', `${verdict.verdict}${verdict.errno ? ` (${verdict.errno})` : ''}`);
    return verdict;
  }

  /** The migration after a compatible handshake; returns what went wrong after the commit. */
  #transfer(verdict: Verdict): string[] {
    const o = this.#o;
    const acc = this.#acc;
    const srcUuid = this.#req.from.uuid.toLowerCase();
    acc.enter('setup');
    const aggregate = sourceAggregate(this.#src.fs, srcUuid, () => acc.spend(o.sysfsOpNs));
    const uuid = createTarget(
      this.#dst,
      this.#targetParent,
      verdict.sourceType,
      { uuid: srcUuid, aggregate },
      {
        spend: () => acc.spend(o.sysfsOpNs),
        freshUuid: (n) => randomUuid(this.#world.rng.fork(`migrate:${srcUuid}:${n}`)),
      },
    );
    const created: Created = { host: this.#dst, parent: this.#targetParent, uuid };
    this.#created = created;
    acc.emit('target-created', `${this.#dst.name}:${uuid}`);
    const src = must(openDevice(this.#src, srcUuid), 'open source VFIO device');
    const dst = must(openDevice(this.#dst, created.uuid), 'open target VFIO device');
    this.#srcDevice = src;
    this.#dstDevice = dst;
    const flags = must(src.getMigrationFlags(), 'source VFIO_DEVICE_FEATURE_MIGRATION');
    must(dst.getMigrationFlags(), 'target VFIO_DEVICE_FEATURE_MIGRATION');
    // The first digest of a device is a full pass; later ones hash only what changed since.
    if (o.verifyDigests) this.#digestBefore = src.driver.stateDigest();
    this.#readBytes = readBytesFor(src, o.chunkBytes, o.maxFrameSize);
    const maxFrameSize = maxFrameSizeFor(this.#readBytes, o.maxFrameSize);

    const { loader, link, writer, section } = openStream({
      acc,
      o,
      maxFrameSize,
      wire: this.#req.options?.wire,
      source: { host: this.#src.name, seed: this.#world.seed, uuid: srcUuid, flags },
      target: {
        host: this.#dst.name,
        fs: this.#dst.fs,
        uuid: created.uuid,
        type: verdict.sourceType,
        aggregate,
        device: dst,
        attribute: verdict.attribute,
      },
      token: verdict.token,
    });
    this.#link = link;

    // save_setup: a PRE_COPY device enters PRE_COPY and gets its data fd (qemu.md §2.2).
    const precopy = (flags & MIG_FLAG.PRE_COPY) !== 0;
    let file: MigrationDataFile | undefined;
    if (precopy) file = setState(acc, o.ioctlNs, 'source', src, MIG_STATE.PRE_COPY);
    writeSetup(writer, section);
    link.settle();
    acc.emit('setup-sent', undefined, link.bytes);

    if (precopy && file !== undefined) {
      acc.enter('precopy');
      runPrecopy({ o, acc, writer, link, src, file, readBytes: this.#readBytes }, this.#precopyStats);
    }

    // Switchover: the vCPUs stop (P2P quiesce first when supported), then stop-copy drains.
    acc.enter('stopcopy');
    this.#downtimeStart = acc.clock.now;
    acc.emit(
      'switchover',
      this.#precopyStats.converged ? 'converged' : precopy ? 'iterations exhausted' : 'no pre-copy',
    );
    if (precopy) {
      if (flags & MIG_FLAG.P2P) setState(acc, o.ioctlNs, 'source', src, MIG_STATE.PRE_COPY_P2P);
      setState(acc, o.ioctlNs, 'source', src, MIG_STATE.STOP_COPY);
    } else {
      setState(acc, o.ioctlNs, 'source', src, MIG_STATE.STOP);
      file = setState(acc, o.ioctlNs, 'source', src, MIG_STATE.STOP_COPY);
    }
    if (file === undefined) throw new MigrationAbort('source gave no saving data fd');
    // Cached per block: rehashes only what the guest wrote since `before` (nothing once stopped).
    if (o.verifyDigests) this.#digestAtStop = src.driver.stateDigest();
    writeComplete(writer, section.sectionId, readChunks(file, link, this.#readBytes, undefined));
    writeConfigState(
      writer,
      section,
      new TextEncoder().encode(configBlobText(verdict.sourceType, aggregate)),
    );
    writer.write({ kind: 'eof' });
    link.finish();
    acc.emit('stream-eof', undefined, link.bytes);
    if (!loader.done) throw new MigrationAbort('target did not see the end of the stream');

    // Destination: RESUMING -> STOP completes the load; the vCPUs start (P2P first). Telling the
    // target to run is the point of no return: once the guest may run there, a cancel cannot
    // un-migrate it (QEMU ignores migrate_cancel after completion, qemu.md §2.3, §4 item 6). A
    // failed SET still rolls back: the target never ran.
    acc.enter('resume');
    acc.stopCancellation();
    setState(acc, o.ioctlNs, 'target', dst, MIG_STATE.RUNNING);
    if (o.verifyDigests) this.#targetDigest = dst.driver.stateDigest();
    this.#downtimeNs = acc.clock.now - this.#downtimeStart;
    // Checked before the target is announced running: a load that passed every check but holds
    // other state rolls back to the source, which still has the right one in STOP_COPY.
    if (o.verifyDigests && this.#targetDigest !== this.#digestAtStop) {
      throw new MigrationAbort(
        `target state digest ${this.#targetDigest} differs from the source's ${this.#digestAtStop}`,
      );
    }
    acc.emit('target-running', `downtime ${(this.#downtimeNs / 1e6).toFixed(3)} ms`);

    // save_cleanup after completion (not in the downtime): STOP_COPY -> STOP, a reset when that
    // fails (qemu.md §2.2); then the source goes. The target runs the guest now, so a failure here
    // is reported with the result and never rolls the migration back.
    acc.enter('cleanup');
    return cleanupSource({ acc, o, src, host: this.#src, uuid: srcUuid });
  }

  /**
   * QEMU's failure path (qemu.md §2.3): the source device goes back to RUNNING (reset if that
   * fails); the target, which may sit in RESUMING, is reset and its instance removed, which gives
   * its capacity back. Never cancellable, never throws.
   */
  #rollback(why: string): void {
    const acc = this.#acc;
    acc.stopCancellation();
    acc.enter('rollback');
    this.#link?.settle();
    if (this.#downtimeStart !== undefined) this.#downtimeNs = acc.clock.now - this.#downtimeStart;
    acc.emit('rollback', why);
    const src = this.#srcDevice;
    if (src !== undefined && stateOf(src) !== MIG_STATE.RUNNING) {
      acc.spend(this.#o.ioctlNs);
      const reply = src.setState(MIG_STATE.RUNNING);
      if ('errno' in reply) src.reset();
      acc.emit('source-state', 'RUNNING');
    }
    if (this.#created !== undefined) {
      this.#dstDevice?.reset();
      try {
        removeInstance(this.#created.host, this.#created.uuid, 'remove target', () =>
          acc.spend(this.#o.sysfsOpNs),
        );
        acc.emit('target-removed', this.#created.uuid);
      } catch (error) {
        acc.emit('target-remove-failed', error instanceof Error ? error.message : String(error));
      }
    }
  }

  #result(outcome: MigrationResult['outcome'], reason: string): MigrationResult {
    const acc = this.#acc;
    // The outcome is a report, not a step: cancelling it would throw out of migrate().
    acc.stopCancellation();
    acc.emit(outcome, reason);
    const phases = acc.stats();
    const totalNs = acc.clock.now - acc.startedAt;
    const handshakeNs = phases.handshake.ns;
    const verdict = this.#verdict as Verdict;
    // Free after a completed migration: the stopped source has not changed since its at-stop digest.
    const srcDevice = this.#o.verifyDigests
      ? (this.#srcDevice ?? tryOpenDevice(this.#src, this.#req.from.uuid))
      : undefined;
    const after = srcDevice?.driver.stateDigest() ?? '';
    return {
      outcome,
      reason,
      verdict,
      source: { host: this.#src.name, uuid: this.#req.from.uuid.toLowerCase() },
      target: {
        host: this.#dst.name,
        parent: this.#targetParent,
        ...(this.#created && outcome === 'completed' ? { uuid: this.#created.uuid } : {}),
      },
      totalNs,
      downtimeNs: this.#downtimeNs,
      handshakeNs,
      handshakeShare: totalNs > 0 ? handshakeNs / totalNs : 0,
      phases,
      ...this.#precopyStats,
      bytesTotal: this.#link?.bytes ?? 0,
      sourceDigest: {
        before: this.#digestBefore || after,
        ...(this.#digestAtStop === undefined ? {} : { atStop: this.#digestAtStop }),
        after,
      },
      ...(this.#targetDigest === undefined || outcome !== 'completed'
        ? {}
        : { targetDigest: this.#targetDigest }),
      events: acc.events,
    };
  }
}
