import { expect } from 'vitest';
import type { ArcFault } from '../../../devices/vfio/fault-injection.ts';
import { FaultInjectingDriver } from '../../../devices/vfio/fault-injection.ts';
import { MIG_STATE, type MigState } from '../../../devices/vfio/states.ts';
import { VfioMigrationDevice } from '../../../devices/vfio/vfio-device.ts';
import type { MigrationEvent } from '../../../migration/orchestrator/events.ts';
import { type MigrateRequest, migrate } from '../../../migration/orchestrator/migrate.ts';
import type { MigrateOptions } from '../../../migration/orchestrator/options.ts';
import type { MigrationResult } from '../../../migration/orchestrator/result.ts';
import { decodeStream } from '../../../migration/stream/decoder.ts';
import type { Frame } from '../../../migration/stream/frame.ts';
import { encodeStream } from '../../../migration/stream/writer.ts';
import { loadScenario } from '../../../scenarios/load.ts';
import type { Host } from '../../../sysfs/host.ts';
import type { World } from '../../../sysfs/world.ts';

export const MIB = 1024 * 1024;
/** The source instance every world here migrates. */
export const UUID = '83b8f4f2-509f-382f-3c1e-e6bfe0fa1001';

/** Two hosts `src` and `dst` with one parent each and the instance `UUID` on `src`. */
export interface Pair {
  readonly world: World;
  readonly src: Host;
  readonly dst: Host;
  /** Parent name on both hosts. */
  readonly parent: string;
  readonly type: string;
  readonly aggregate: number;
  readonly uuid: string;
}

type ParentDoc = Record<string, unknown>;

async function pair(
  source: ParentDoc,
  target: ParentDoc,
  instance: { parent: string; type: string; aggregate: number },
  seed: number,
): Promise<Pair> {
  const world = await loadScenario({
    seed,
    hosts: [
      { name: 'src', parents: [source] },
      { name: 'dst', parents: [target] },
    ],
    instances: [
      {
        host: 'src',
        parent: instance.parent,
        type: instance.type,
        uuid: UUID,
        ...(instance.aggregate > 1 ? { aggregate: instance.aggregate } : {}),
      },
    ],
  });
  return {
    world,
    src: world.host('src'),
    dst: world.host('dst'),
    parent: instance.parent,
    type: instance.type,
    aggregate: instance.aggregate,
    uuid: UUID,
  };
}

/** Two hosts with the kernel's mtty sample (kernel.md §5) and one mtty-1 or mtty-2 on `src`. */
export function mttyPair(type: 'mtty-1' | 'mtty-2', seed = 7, target: ParentDoc = {}): Promise<Pair> {
  return pair(
    { driver: 'mtty' },
    { driver: 'mtty', ...target },
    { parent: 'mtty', type, aggregate: 1 },
    seed,
  );
}

export type GpuDriver = 'gvtg' | 'vgpu' | 'aggr';

export interface GpuPairOptions {
  readonly framebufferMiB?: number;
  readonly dirtyRateMiBps?: number;
  readonly payload?: 'real' | 'modeled';
  /** aggr only: `aggregate=N` of the source instance. */
  readonly aggregate?: number;
  readonly seed?: number;
  /** Extra fields of the source parent (pciId, migration, ...). */
  readonly source?: ParentDoc;
  /** Extra fields of the target parent; `driver` here puts another driver on the target. */
  readonly target?: ParentDoc;
}

const GPU: Record<GpuDriver, { address: string; pciId: string; type: string }> = {
  gvtg: { address: '0000:00:02.0', pciId: '8086:193b', type: 'i915-GVTg_V5_4' },
  aggr: { address: '0000:00:02.0', pciId: '8086:193b', type: 'i915-GVTg_V5_4' },
  vgpu: { address: '0000:3b:00.0', pciId: '10de:13bd', type: 'nvidia-155' },
};

/** Two hosts with a GPU-like parent (gvtg, vgpu, aggr) sized by `options:` (gpu-options.ts). */
export function gpuPair(driver: GpuDriver, o: GpuPairOptions = {}): Promise<Pair> {
  const g = GPU[driver];
  const options = {
    framebufferMiB: o.framebufferMiB ?? 1,
    dirtyRateMiBps: o.dirtyRateMiBps ?? 0,
    payload: o.payload ?? 'real',
  };
  const parent = { driver, address: g.address, pciId: g.pciId, options };
  return pair(
    { ...parent, ...o.source },
    { ...parent, ...o.target },
    { parent: g.address, type: g.type, aggregate: o.aggregate ?? 1 },
    o.seed ?? 7,
  );
}

export function request(p: Pair, options: MigrateOptions = {}): MigrateRequest {
  return { from: { host: 'src', uuid: p.uuid }, to: { host: 'dst', parent: p.parent }, options };
}

export interface Run {
  readonly result: MigrationResult;
  readonly events: readonly MigrationEvent[];
}

/** Migrates `p`'s instance src -> dst, collecting every event (after the caller's onEvent). */
export async function run(p: Pair, options: MigrateOptions = {}): Promise<Run> {
  const events: MigrationEvent[] = [];
  const onEvent = options.onEvent;
  const result = await migrate(
    p.world,
    request(p, {
      ...options,
      onEvent: (e) => {
        events.push(e);
        onEvent?.(e);
      },
    }),
  );
  return { result, events };
}

/** A migration's stream as the wire saw it: the whole of it and the writer's chunks. */
export interface Recording extends Run {
  readonly stream: Buffer;
  readonly chunks: readonly Buffer[];
}

/** Everything a stream tap saw, copied (the writer hands over views of device memory). */
export async function record(p: Pair, options: MigrateOptions = {}): Promise<Recording> {
  const chunks: Buffer[] = [];
  const r = await run(p, {
    ...options,
    wire: (chunk) => {
      chunks.push(Buffer.from(chunk));
      return chunk;
    },
  });
  return { ...r, stream: Buffer.concat(chunks), chunks };
}

/**
 * A `wire` tap that replaces the live stream with `mutated`: each chunk of the original stream
 * (`originalLength` bytes in all) is swapped for the same byte range of `mutated`, and the last
 * one also carries whatever `mutated` has beyond the original's end.
 */
export function replay(mutated: Uint8Array, originalLength: number) {
  return (chunk: Uint8Array, offset: number): Uint8Array => {
    const from = Math.min(offset, mutated.length);
    const end = offset + chunk.length;
    return end >= originalLength
      ? mutated.subarray(from)
      : mutated.subarray(from, Math.min(end, mutated.length));
  };
}

/** A `wire` tap that delivers only the first `at` bytes of the stream. */
export function truncateAt(at: number) {
  return (chunk: Uint8Array, offset: number): Uint8Array =>
    chunk.subarray(0, Math.max(0, Math.min(chunk.length, at - offset)));
}

/** The VFIO device state of `uuid` on `host` (GET MIG_DEVICE_STATE), or 'absent'. */
export function migState(host: Host, uuid: string): MigState | 'absent' {
  const device = host.kernel.devices.get(uuid);
  if (device?.vfio === undefined) return 'absent';
  const s = device.vfio.getState();
  return typeof s === 'number' ? s : 'absent';
}

export function digestOf(host: Host, uuid: string): string {
  const vfio = host.kernel.devices.get(uuid)?.vfio;
  if (vfio === undefined) throw new Error(`no VFIO device ${uuid} on ${host.name}`);
  return vfio.driver.stateDigest();
}

/** What userspace sees of a parent's capacity: the devices and every type's available_instances. */
export interface Capacity {
  readonly devices: readonly string[];
  readonly available: Readonly<Record<string, string>>;
  readonly free: number;
}

export function capacity(host: Host, parent: string): Capacity {
  const types = host.fs.readdirSync(`/sys/class/mdev_bus/${parent}/mdev_supported_types`);
  const available: Record<string, string> = {};
  for (const t of types) {
    available[t] = host.fs.readFileSync(
      `/sys/class/mdev_bus/${parent}/mdev_supported_types/${t}/available_instances`,
      'latin1',
    );
  }
  const p = host.kernel.parents.get(parent);
  return {
    devices: [...host.fs.readdirSync('/sys/bus/mdev/devices')].sort(),
    available,
    free: p?.free ?? -1,
  };
}

/** Swaps the VFIO device of `uuid` for one whose driver fails the given arcs. */
export function injectFaults(host: Host, uuid: string, faults: readonly ArcFault[]): FaultInjectingDriver {
  const device = host.kernel.devices.get(uuid);
  const vfio = device?.vfio;
  if (device === undefined || vfio === undefined) throw new Error(`no VFIO device ${uuid} on ${host.name}`);
  const driver = new FaultInjectingDriver(vfio.driver, faults);
  device.vfio = new VfioMigrationDevice(driver);
  return driver;
}

/** The world as a rollback must leave it: captured before a migration that is meant to fail. */
export interface Baseline {
  readonly digest: string;
  readonly src: Capacity;
  readonly dst: Capacity;
}

export function baseline(p: Pair): Baseline {
  return { digest: digestOf(p.src, p.uuid), src: capacity(p.src, p.parent), dst: capacity(p.dst, p.parent) };
}

/**
 * DESIGN.md principle 7 / qemu.md §2.3 (failure or cancel): the source is RUNNING with the state
 * it had, the target instance is gone and the target's capacity is what it was.
 */
export function expectRolledBack(p: Pair, b: Baseline, result: MigrationResult): void {
  expect(result.outcome).toBe('aborted');
  expect(result.reason.length).toBeGreaterThan(0);
  expect(result.target.uuid).toBeUndefined();
  expect(result.targetDigest).toBeUndefined();
  expect(migState(p.src, p.uuid)).toBe(MIG_STATE.RUNNING);
  expect(digestOf(p.src, p.uuid)).toBe(b.digest);
  expect(result.sourceDigest.before).toBe(b.digest);
  expect(result.sourceDigest.after).toBe(b.digest);
  expect(capacity(p.src, p.parent)).toEqual(b.src);
  expect(capacity(p.dst, p.parent)).toEqual(b.dst);
}

/**
 * Decodes a recorded stream, lets `edit` change its frames, and encodes the result: a stream whose
 * crc chain is valid again, to reach the checks behind the stream's own (device loaders, §5.2).
 */
export function rewrite(stream: Uint8Array, edit: (frames: Frame[]) => Frame[]): Buffer {
  return encodeStream(edit(decodeStream(stream)));
}

/** Index of the `n`-th (0-based) device data frame. */
export function dataFrameIndex(frames: readonly Frame[], n: number): number {
  let seen = 0;
  for (const [i, f] of frames.entries()) {
    if (f.kind !== 'dev-data-state') continue;
    if (seen++ === n) return i;
  }
  throw new Error(`no data frame #${n}`);
}
