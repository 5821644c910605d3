import fc from 'fast-check';
import { CAPABILITIES, STREAM_VERSION } from '../../../migration/stream/constants.ts';
import type { Capability, DeviceDescriptor, Frame } from '../../../migration/stream/index.ts';
import { vfioIdstr } from '../../../migration/stream/index.ts';

/** One device's share of a generated stream. */
interface DevicePlan {
  readonly sectionId: number;
  readonly instanceId: number;
  readonly device: DeviceDescriptor;
  /** Pre-copy rounds, each a list of data chunks. */
  readonly rounds: readonly (readonly Uint8Array[])[];
  /** Round after which DEV_INIT_DATA_SENT ends the block (only with switchover-ack). */
  readonly initRound: number;
  readonly stopCopy: readonly Uint8Array[];
  readonly config: Uint8Array;
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const chunk = fc.uint8Array({ maxLength: 96 });

const descriptor: fc.Arbitrary<DeviceDescriptor> = fc.record({
  uuid: fc.uuid(),
  mdevType: fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/),
  migrationVersion: fc.option(fc.string({ unit: 'binary', maxLength: 40 }), { nil: null }),
  createParams: fc.record({ aggregate: fc.integer({ min: 1, max: 0xffffffff }) }),
});

const plan: fc.Arbitrary<Omit<DevicePlan, 'sectionId'>> = fc.record({
  instanceId: u32,
  device: descriptor,
  rounds: fc.array(fc.array(chunk, { maxLength: 3 }), { maxLength: 3 }),
  initRound: fc.nat({ max: 3 }),
  stopCopy: fc.array(chunk, { maxLength: 3 }),
  config: chunk,
});

/** Valid frame lists: header, configuration, START per device, interleaved PARTs, ENDs, FULLs, EOF. */
export const validStream: fc.Arbitrary<Frame[]> = fc
  .record({
    host: fc.stringMatching(/^[a-z][a-z0-9.-]{0,30}$/),
    seed: u32,
    capabilities: fc.subarray([...CAPABILITIES] as Capability[]),
    sectionIds: fc.uniqueArray(u32, { maxLength: 4 }),
    plans: fc.array(plan, { maxLength: 4 }),
  })
  .map(({ host, seed, capabilities, sectionIds, plans }) => {
    const devices: DevicePlan[] = [];
    const uuids = new Set<string>();
    sectionIds.forEach((sectionId, i) => {
      const p = plans[i];
      if (p === undefined || uuids.has(p.device.uuid)) return;
      uuids.add(p.device.uuid);
      devices.push({ ...p, sectionId });
    });
    return toFrames(host, seed, capabilities, devices);
  });

function toFrames(host: string, seed: number, capabilities: Capability[], devices: DevicePlan[]): Frame[] {
  const ack = capabilities.includes('switchover-ack');
  const frames: Frame[] = [
    { kind: 'header', version: STREAM_VERSION },
    { kind: 'configuration', host, seed, capabilities },
  ];
  const header = (d: DevicePlan) => ({
    sectionId: d.sectionId,
    idstr: vfioIdstr(host, d.device.uuid),
    instanceId: d.instanceId,
    versionId: 1,
  });
  for (const d of devices) {
    frames.push({ kind: 'section-start', ...header(d), device: d.device });
    frames.push({ kind: 'dev-setup-state', sectionId: d.sectionId });
    frames.push({ kind: 'end-of-state', sectionId: d.sectionId });
  }
  for (let round = 0; round < 3; round++) {
    for (const d of devices) {
      const chunks = d.rounds[round];
      if (chunks === undefined) continue;
      const { sectionId } = d;
      frames.push({ kind: 'section-part', sectionId });
      for (const data of chunks) frames.push({ kind: 'dev-data-state', sectionId, data });
      const init = ack && round === d.initRound;
      frames.push({ kind: init ? 'dev-init-data-sent' : 'end-of-state', sectionId });
    }
  }
  for (const { sectionId, stopCopy } of devices) {
    frames.push({ kind: 'section-end', sectionId });
    for (const data of stopCopy) frames.push({ kind: 'dev-data-state', sectionId, data });
    frames.push({ kind: 'end-of-state', sectionId });
  }
  for (const d of devices) {
    frames.push({ kind: 'section-full', ...header(d) });
    frames.push({ kind: 'dev-config-state', sectionId: d.sectionId, data: d.config });
    frames.push({ kind: 'end-of-state', sectionId: d.sectionId });
  }
  frames.push({ kind: 'eof' });
  return frames;
}

/** Sorted distinct cut points inside `[1, length)`, to split a buffer into pushes. */
export function splitPoints(length: number): fc.Arbitrary<number[]> {
  if (length < 2) return fc.constant([]);
  return fc
    .uniqueArray(fc.integer({ min: 1, max: length - 1 }), { maxLength: 40 })
    .map((points) => points.sort((a, b) => a - b));
}

export function split(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}
