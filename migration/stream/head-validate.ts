import { canonicalUuid } from '../../core/uuid.ts';
import {
  CAPABILITIES,
  type Capability,
  FRAME_TAG,
  type FrameTag,
  MAX_IDSTR_BYTES,
  MAX_MIGRATION_VERSION_BYTES,
  MAX_NAME_BYTES,
  VFIO_MIG_FLAG,
  VFIO_SECTION_VERSION,
} from './constants.ts';
import { describe, FieldReader, type Fields } from './fields.ts';
import type { DeviceDescriptor, Frame, MarkerKind } from './frame.ts';
import { StreamError } from './stream-error.ts';

/**
 * Turns a decoded head (an `unknown` straight from msgpack) plus the frame's raw payload into a
 * typed Frame, or throws StreamError. Every field is checked for type, range and presence; extra
 * fields are refused. The writer runs its frames through here too.
 */
export function wireToFrame(tag: FrameTag, head: unknown, payload: Uint8Array, offset: number): Frame {
  switch (tag) {
    case FRAME_TAG.CONFIGURATION:
      return configuration(head, offset);
    case FRAME_TAG.SECTION_START:
    case FRAME_TAG.SECTION_FULL:
      return sectionHeader(tag, head, offset);
    case FRAME_TAG.SECTION_PART:
    case FRAME_TAG.SECTION_END: {
      const kind = tag === FRAME_TAG.SECTION_PART ? 'section-part' : 'section-end';
      const r: FieldReader = new FieldReader(kind, offset);
      const f = r.object(head, ['sectionId']);
      return { kind, sectionId: r.u32(f['sectionId'], 'sectionId') };
    }
    case FRAME_TAG.VFIO_MARKER:
      return marker(head, payload, offset);
    case FRAME_TAG.EOF:
      new FieldReader('eof', offset).object(head, []);
      return { kind: 'eof' };
  }
}

function configuration(head: unknown, offset: number): Frame {
  const r: FieldReader = new FieldReader('configuration', offset);
  const f = r.object(head, ['host', 'seed', 'capabilities']);
  const host = r.string(f['host'], 'host', MAX_NAME_BYTES, { nonEmpty: true, noControl: true });
  if (host.includes('/')) r.fail(`'host' must not contain '/' (it is the first idstr component)`);
  const seed = r.u32(f['seed'], 'seed');
  const capabilities: Capability[] = [];
  for (const cap of r.array(f['capabilities'], 'capabilities')) {
    if (typeof cap !== 'string') r.fail(`capability must be a string, got ${describe(cap)}`);
    if (!(CAPABILITIES as readonly string[]).includes(cap)) {
      // qemu.md §3.4: "Received unknown capability %s".
      throw new StreamError(
        'unknown-capability',
        offset,
        `Received unknown capability ${JSON.stringify(cap)}`,
      );
    }
    if ((capabilities as readonly string[]).includes(cap)) r.fail(`capability '${cap}' listed twice`);
    capabilities.push(cap as Capability);
  }
  return { kind: 'configuration', host, seed, capabilities };
}

function sectionHeader(
  tag: typeof FRAME_TAG.SECTION_START | typeof FRAME_TAG.SECTION_FULL,
  head: unknown,
  offset: number,
): Frame {
  const start = tag === FRAME_TAG.SECTION_START;
  const kind = start ? 'section-start' : 'section-full';
  const r: FieldReader = new FieldReader(kind, offset);
  const keys = ['sectionId', 'idstr', 'instanceId', 'versionId'];
  const f = r.object(head, start ? [...keys, 'device'] : keys);
  const sectionId = r.u32(f['sectionId'], 'sectionId');
  const idstr = r.string(f['idstr'], 'idstr', MAX_IDSTR_BYTES, { nonEmpty: true, noControl: true });
  const instanceId = r.u32(f['instanceId'], 'instanceId');
  const versionId = r.u32(f['versionId'], 'versionId');
  if (versionId > VFIO_SECTION_VERSION) {
    // qemu.md §3.3: a newer section version than ours is refused.
    throw new StreamError(
      'unsupported-version',
      offset,
      `savevm: unsupported version ${versionId} for '${idstr}' v${VFIO_SECTION_VERSION}`,
    );
  }
  if (versionId < 1) r.fail(`'versionId' must be at least 1, got ${versionId}`);
  if (!start) return { kind: 'section-full', sectionId, idstr, instanceId, versionId };
  return { kind: 'section-start', sectionId, idstr, instanceId, versionId, device: device(r, f['device']) };
}

function device(r: FieldReader, value: unknown): DeviceDescriptor {
  const f = r.object(value, ['uuid', 'mdevType', 'migrationVersion', 'createParams'], 'device');
  const uuid = r.string(f['uuid'], 'device.uuid', 36, { nonEmpty: true, noControl: true });
  if (canonicalUuid(uuid) !== uuid) r.fail(`'device.uuid' must be a lower-case 8-4-4-4-12 UUID`);
  const mdevType = r.string(f['mdevType'], 'device.mdevType', MAX_NAME_BYTES, {
    nonEmpty: true,
    noControl: true,
  });
  if (mdevType.includes('/')) r.fail(`'device.mdevType' must not contain '/'`);
  const rawVersion = f['migrationVersion'];
  // Opaque (DESIGN principle 3): only its size and encoding are checked, never its content.
  const migrationVersion =
    rawVersion === null
      ? null
      : r.string(rawVersion, 'device.migrationVersion', MAX_MIGRATION_VERSION_BYTES, {
          nonEmpty: false,
          noControl: false,
        });
  const p = r.object(f['createParams'], ['aggregate'], 'device.createParams');
  const aggregate = r.u32(p['aggregate'], 'device.createParams.aggregate');
  if (aggregate < 1) r.fail(`'device.createParams.aggregate' must be at least 1`);
  return { uuid, mdevType, migrationVersion, createParams: { aggregate } };
}

/** Marker value → frame kind (qemu.md §2.1). Data, so it reads against the table there. */
const MARKER_KIND: ReadonlyMap<bigint, MarkerKind> = new Map<bigint, MarkerKind>([
  [VFIO_MIG_FLAG.END_OF_STATE, 'end-of-state'],
  [VFIO_MIG_FLAG.DEV_CONFIG_STATE, 'dev-config-state'],
  [VFIO_MIG_FLAG.DEV_SETUP_STATE, 'dev-setup-state'],
  [VFIO_MIG_FLAG.DEV_DATA_STATE, 'dev-data-state'],
  [VFIO_MIG_FLAG.DEV_INIT_DATA_SENT, 'dev-init-data-sent'],
]);

function marker(head: unknown, payload: Uint8Array, offset: number): Frame {
  const r: FieldReader = new FieldReader('marker', offset);
  if (typeof head !== 'object' || head === null || Array.isArray(head) || !Object.hasOwn(head, 'marker')) {
    r.fail(`marker head must be a map with a 'marker' field`);
  }
  const value = (head as Fields)['marker'];
  if (typeof value !== 'bigint') r.fail(`'marker' must be a 64-bit integer, got ${describe(value)}`);
  const kind = MARKER_KIND.get(value);
  if (kind === undefined) {
    // qemu.md §2.2 load_state: "Unknown tag 0x…".
    throw new StreamError('unknown-marker', offset, `Unknown tag 0x${value.toString(16)}`);
  }
  const carriesData = kind === 'dev-data-state' || kind === 'dev-config-state';
  const km: FieldReader = new FieldReader(kind, offset);
  const f = km.object(head, carriesData ? ['marker', 'sectionId', 'size'] : ['marker', 'sectionId']);
  const sectionId = km.u32(f['sectionId'], 'sectionId');
  if (!carriesData) {
    if (payload.byteLength !== 0) km.fail(`carries ${payload.byteLength} payload bytes, expected none`);
    return { kind, sectionId };
  }
  const size = km.u32(f['size'], 'size');
  if (size !== payload.byteLength)
    km.fail(`'size' is ${size} but the payload has ${payload.byteLength} bytes`);
  return { kind, sectionId, data: payload };
}
