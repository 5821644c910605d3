import type { ErrnoCode } from '../../../core/errno.ts';
import { buildWorld } from '../../../scenarios/build-world.ts';
import { parseScenario } from '../../../scenarios/load.ts';
import type { World } from '../../../sysfs/world.ts';
import { uuidN } from '../../helpers/scenarios.ts';

/**
 * A simplified picture of two hosts (style.md §A.6): which mdevs exist, of which type and
 * aggregate, and the capacity rules of kernel.md §1.3 / §5.1 / §2.4 and the drivers' documented
 * models, computed from that list alone.
 */
export type CapacityKind = 'pool' | 'core' | 'per-type';

export interface TypeModel {
  readonly id: string;
  readonly units: number;
  readonly maxAggregation: number;
  readonly hasDescription: boolean;
}

export interface ParentModel {
  readonly name: string;
  /** Canonical directory of the parent device. */
  readonly dir: string;
  readonly kind: CapacityKind;
  /** Pool units, or max_instances for the core counter (unused for per-type). */
  readonly total: number;
  readonly acceptsParams: boolean;
  readonly driver: 'mtty' | 'gvtg' | 'aggr' | 'vgpu';
  readonly types: readonly TypeModel[];
}

export interface DeviceModel {
  readonly uuid: string;
  readonly parent: ParentModel;
  readonly type: TypeModel;
  readonly aggregate: number;
}

export interface HostModel {
  readonly name: string;
  readonly parents: readonly ParentModel[];
  /** Insertion order = creation order. */
  readonly devices: Map<string, DeviceModel>;
}

export interface Model {
  readonly hosts: readonly HostModel[];
}

const gvtTypes = (aggr: boolean): TypeModel[] =>
  [1, 2, 4, 8].map((n) => ({
    id: `i915-GVTg_V5_${n}`,
    units: 8 / n,
    maxAggregation: aggr ? n : 1,
    hasDescription: true,
  }));

const MTTY: ParentModel = {
  name: 'mtty',
  dir: '/sys/devices/virtual/mtty/mtty',
  kind: 'pool',
  total: 24,
  acceptsParams: false,
  driver: 'mtty',
  types: [
    { id: 'mtty-1', units: 1, maxAggregation: 1, hasDescription: false },
    { id: 'mtty-2', units: 2, maxAggregation: 1, hasDescription: false },
  ],
};

const GVTG: ParentModel = {
  name: '0000:00:02.0',
  dir: '/sys/devices/pci0000:00/0000:00:02.0',
  kind: 'pool',
  total: 8,
  acceptsParams: false,
  driver: 'gvtg',
  types: gvtTypes(false),
};

const AGGR: ParentModel = {
  name: '0000:00:03.0',
  dir: '/sys/devices/pci0000:00/0000:00:03.0',
  kind: 'pool',
  total: 8,
  acceptsParams: true,
  driver: 'aggr',
  types: gvtTypes(true),
};

const VGPU: ParentModel = {
  name: '0000:01:00.0',
  dir: '/sys/devices/pci0000:01/0000:01:00.0',
  kind: 'per-type',
  total: 0,
  acceptsParams: false,
  driver: 'vgpu',
  types: [
    ['35', 16],
    ['36', 16],
    ['37', 8],
    ['155', 4],
    ['41', 1],
  ].map(([id, units]) => ({
    id: `nvidia-${id}`,
    units: Number(units),
    maxAggregation: 1,
    hasDescription: true,
  })),
};

const COUNTED: ParentModel = {
  name: '0000:00:04.0',
  dir: '/sys/devices/pci0000:00/0000:00:04.0',
  kind: 'core',
  total: 1,
  acceptsParams: false,
  driver: 'gvtg',
  types: gvtTypes(false),
};

/** Devices every run starts with (so `remove` and device attributes have targets at once). */
const INITIAL = [
  { host: 'lab', parent: MTTY, type: 'mtty-2', uuid: uuidN(100), aggregate: 1 },
  { host: 'gpu', parent: GVTG, type: 'i915-GVTg_V5_4', uuid: uuidN(101), aggregate: 1 },
  { host: 'gpu', parent: AGGR, type: 'i915-GVTg_V5_8', uuid: uuidN(102), aggregate: 2 },
  { host: 'gpu', parent: VGPU, type: 'nvidia-37', uuid: uuidN(103), aggregate: 1 },
  { host: 'gpu', parent: COUNTED, type: 'i915-GVTg_V5_1', uuid: uuidN(104), aggregate: 1 },
] as const;

/** UUIDs commands draw from: fresh ones and the initial ones, so duplicates are frequent. */
export const UUID_POOL: readonly string[] = [
  ...Array.from({ length: 8 }, (_, i) => uuidN(i)),
  ...INITIAL.map((d) => d.uuid),
];

/** GPU parents carry modeled VFIO payloads (sizes only): creating a vGPU stays cheap. */
const MODELED = { payload: 'modeled' };

const DOC = {
  seed: 5,
  hosts: [
    { name: 'lab', parents: [{ driver: 'mtty', migration: false }] },
    {
      name: 'gpu',
      parents: [
        { driver: 'gvtg', address: GVTG.name, pciId: '8086:193b', migration: false, options: MODELED },
        { driver: 'aggr', address: AGGR.name, pciId: '8086:193b', migration: false, options: MODELED },
        { driver: 'vgpu', address: VGPU.name, pciId: '10de:13bd', migration: false, options: MODELED },
        {
          driver: 'gvtg',
          address: COUNTED.name,
          pciId: '8086:193b',
          maxInstances: COUNTED.total,
          migration: false,
          options: MODELED,
        },
      ],
    },
  ],
  instances: INITIAL.map((d) => ({
    host: d.host,
    parent: d.parent.name,
    type: d.type,
    uuid: d.uuid,
    ...(d.aggregate === 1 ? {} : { aggregate: d.aggregate }),
  })),
};

const PARSED = parseScenario(DOC);

/** A fresh simulator world and its model, in the same state (synchronous, for fc.modelRun). */
export function freshPair(): { model: Model; real: World } {
  const real = buildWorld(PARSED);
  const hosts: HostModel[] = [
    { name: 'lab', parents: [MTTY], devices: new Map() },
    { name: 'gpu', parents: [GVTG, AGGR, VGPU, COUNTED], devices: new Map() },
  ];
  for (const d of INITIAL) {
    const host = hosts.find((h) => h.name === d.host);
    const type = d.parent.types.find((t) => t.id === d.type);
    if (host === undefined || type === undefined) throw new Error('bad initial device');
    host.devices.set(d.uuid, { uuid: d.uuid, parent: d.parent, type, aggregate: d.aggregate });
  }
  return { model: { hosts }, real };
}

function devicesOf(host: HostModel, parent: ParentModel): DeviceModel[] {
  return [...host.devices.values()].filter((d) => d.parent === parent);
}

/** Units still free (pool) or instances left (core). */
export function free(host: HostModel, parent: ParentModel): number {
  const used = devicesOf(host, parent).reduce(
    (sum, d) => sum + (parent.kind === 'pool' ? d.type.units * d.aggregate : d.aggregate),
    0,
  );
  return parent.total - used;
}

/** What `available_instances` must show. */
export function available(host: HostModel, parent: ParentModel, type: TypeModel): number {
  switch (parent.kind) {
    case 'pool':
      return Math.floor(free(host, parent) / type.units);
    case 'core':
      return free(host, parent);
    case 'per-type': {
      const mine = devicesOf(host, parent);
      if (mine.some((d) => d.type !== type)) return 0;
      return Math.max(0, type.units - mine.reduce((s, d) => s + d.aggregate, 0));
    }
  }
}

/** mdev_device_create's checks in the kernel's order (kernel.md §1.3 steps 3–7). */
export function createErrno(
  host: HostModel,
  parent: ParentModel,
  type: TypeModel,
  uuid: string,
  aggregate: number,
): ErrnoCode | undefined {
  if (host.devices.has(uuid)) return 'EEXIST';
  if (parent.kind === 'core' && free(host, parent) < aggregate) return 'EUSERS';
  if (parent.acceptsParams && (aggregate < 1 || aggregate > type.maxAggregation)) return 'EINVAL';
  if (parent.kind === 'pool' && free(host, parent) < type.units * aggregate) return 'ENOSPC';
  if (parent.kind === 'per-type' && available(host, parent, type) < aggregate) return 'EINVAL';
  return undefined;
}

export function typePath(parent: ParentModel, type: TypeModel): string {
  return `/sys/class/mdev_bus/${parent.name}/mdev_supported_types/${type.id}`;
}

/** Picks element `i` modulo the length (arbitraries draw plain naturals). */
export function pick<T>(items: readonly T[], i: number): T {
  const item = items[i % items.length];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}
