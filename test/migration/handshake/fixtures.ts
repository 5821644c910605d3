import type { Revision } from '../../../devices/policies/policy.ts';
import { loadScenario } from '../../../scenarios/load.ts';
import type { World } from '../../../sysfs/world.ts';

/**
 * Worlds and paths for the handshake tests (kernel.md §2, ecosystem.md §4.1–§4.2). The seed's
 * three cases: the GVT-g instance on `src` (8086:193b) read and written back on the same GPU,
 * offered to `dst` (8086:191b), and an instance on `old`, whose driver has no attribute (R1).
 */
export const GVT = '0000:00:02.0';
export const V54 = 'i915-GVTg_V5_4';
export const V58 = 'i915-GVTg_V5_8';

/** The seed's instance on `src`. */
export const SEED_UUID = '5ac1fb20-2bbf-4842-bb7e-36c58c3be9cd';
/** The instance on `old` (migration: false). */
export const OLD_UUID = '2b4cbf92-5a20-4e2f-a0ba-4c3bb7a2b9d2';
/** A second V5_4 instance on `src`: the same-GPU target device for the v5 device-node copy (R9). */
export const TWIN_UUID = '00000000-0000-4000-8000-0000000000b1';
/** A V5_4 instance on `dst` (8086:191b): the other-GPU target device. */
export const DST_UUID = '00000000-0000-4000-8000-0000000000d1';

export const REVISIONS: readonly Revision[] = ['v2', 'v4', 'v5'];

/** v2 called the attribute `version`, v3+ `migration_version` (kernel.md §2.1). */
export function attributeOf(revision: Revision): 'version' | 'migration_version' {
  return revision === 'v2' ? 'version' : 'migration_version';
}

/**
 * GVT-g's string for src's V5_4: v2/v4 `<vendor>-<device>-<type-id>` (ecosystem.md §4.1, §4.2);
 * v5 `%04x-%04x-%s-%08x` with the type name and software version 1.0.0 → 0x00010000 (kernel.md §2.3).
 */
export function seedString(revision: Revision): string {
  return revision === 'v5' ? '8086-193b-GVTg_V5_4-00010000' : '8086-193b-i915-GVTg_V5_4';
}

/** `/sys/class/mdev_bus/<parent>/mdev_supported_types/<type>[/<attr>]`, the way tools address it. */
export function typePath(parent: string, type: string, attr?: string): string {
  const dir = `/sys/class/mdev_bus/${parent}/mdev_supported_types/${type}`;
  return attr === undefined ? dir : `${dir}/${attr}`;
}

/** `/sys/bus/mdev/devices/<uuid>[/<attr>]`. */
export function devicePath(uuid: string, attr?: string): string {
  return attr === undefined ? `/sys/bus/mdev/devices/${uuid}` : `/sys/bus/mdev/devices/${uuid}/${attr}`;
}

/**
 * GPU parents' `options`: the handshake never moves device state, so instances carry a modelled
 * framebuffer (sizes only) instead of 16 MiB of seeded bytes each, which keeps world builds fast.
 */
export const MODELED = { payload: 'modeled' } as const;

/** The seed's world under one proposal revision (default.yaml's first three hosts, plus targets). */
export function seedWorld(revision: Revision): Promise<World> {
  const gvt = (pciId: string) => ({
    address: GVT,
    driver: 'gvtg',
    pciId,
    migration: { revision },
    options: MODELED,
  });
  return loadScenario({
    seed: 7,
    hosts: [
      { name: 'src', parents: [gvt('8086:193b')] },
      { name: 'dst', parents: [gvt('8086:191b')] },
      {
        name: 'old',
        parents: [{ address: GVT, driver: 'gvtg', pciId: '8086:193b', migration: false, options: MODELED }],
      },
    ],
    instances: [
      { host: 'src', parent: GVT, type: V54, uuid: SEED_UUID },
      { host: 'src', parent: GVT, type: V54, uuid: TWIN_UUID },
      { host: 'dst', parent: GVT, type: V54, uuid: DST_UUID },
      { host: 'old', parent: GVT, type: V54, uuid: OLD_UUID },
    ],
  });
}

/** Every mdev on every host and every type's available_instances: the state a write must not move. */
export function snapshot(world: World): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const host of world.hosts) {
    const lines = host.sysfs.readdir('/sys/bus/mdev/devices').map((u) => `dev ${u}`);
    for (const parent of host.kernel.parents.values()) {
      for (const type of parent.types.keys()) {
        lines.push(
          `${parent.name}/${type} ${host.sysfs.read(typePath(parent.name, type, 'available_instances'))}`,
        );
      }
    }
    out[host.name] = lines;
  }
  return out;
}

/** One parent of a built-in driver as a scenario declares it (aggr once per aggregation design). */
export interface DriverCase {
  readonly label: string;
  readonly driver: 'gvtg' | 'mtty' | 'vgpu' | 'aggr';
  /** The parent's sysfs name. */
  readonly parent: string;
  readonly aggregation?: 'A' | 'B';
}

export const DRIVER_CASES: readonly DriverCase[] = [
  { label: 'gvtg', driver: 'gvtg', parent: '0000:00:02.0' },
  { label: 'mtty', driver: 'mtty', parent: 'mtty' },
  { label: 'vgpu', driver: 'vgpu', parent: '0000:3b:00.0' },
  { label: 'aggr-A', driver: 'aggr', parent: '0000:00:03.0', aggregation: 'A' },
  { label: 'aggr-B', driver: 'aggr', parent: '0000:00:04.0', aggregation: 'B' },
];

/** The driver case with this label (`gvtg`, `mtty`, `vgpu`, `aggr-A`, `aggr-B`). */
export function driverCase(label: string): DriverCase {
  const found = DRIVER_CASES.find((c) => c.label === label);
  if (found === undefined) throw new Error(`no driver case '${label}'`);
  return found;
}

const PCI_IDS: Readonly<Record<string, string>> = {
  gvtg: '8086:193b',
  vgpu: '10de:13bd',
  aggr: '8086:193b',
};

/**
 * The scenario document of a driver case's parent. `policy` replaces the driver's default;
 * `properties` and `softwareVersion` are passed through (the range policy needs `board`/`ecc`,
 * which only vgpu supplies by default).
 */
export function parentDoc(
  c: DriverCase,
  migration: { revision: Revision; policy?: string } | false,
  extra: { pciId?: string; softwareVersion?: string; properties?: Record<string, string> } = {},
): Record<string, unknown> {
  const m =
    migration === false
      ? false
      : {
          revision: migration.revision,
          ...(migration.policy === undefined ? {} : { policy: migration.policy }),
          ...(c.aggregation === undefined ? {} : { aggregation: c.aggregation }),
        };
  const base: Record<string, unknown> =
    c.driver === 'mtty'
      ? { driver: 'mtty' }
      : {
          driver: c.driver,
          address: c.parent,
          pciId: extra.pciId ?? PCI_IDS[c.driver],
          options: MODELED,
        };
  return {
    ...base,
    migration: m,
    ...(extra.softwareVersion === undefined ? {} : { softwareVersion: extra.softwareVersion }),
    ...(extra.properties === undefined ? {} : { properties: extra.properties }),
  };
}

/**
 * Creates instances through `create` until every type of the parent shows available_instances 0
 * (pool drivers: the smallest type takes the last unit; vgpu: one type fills its count and the
 * others drop to 0 because a board hosts one profile at a time). Returns the UUIDs created.
 */
export function fillParent(world: World, host: string, parentName: string, first = 0xf000): string[] {
  const h = world.host(host);
  const parent = h.kernel.parents.get(parentName);
  if (parent === undefined) throw new Error(`no parent ${parentName} on ${host}`);
  const created: string[] = [];
  const types = [...parent.types.values()].sort((a, b) => a.spec.units - b.spec.units);
  let next = first;
  for (const type of types) {
    while (type.availableInstances > 0) {
      let uuid: string;
      do uuid = `00000000-0000-4000-8000-${(next++).toString(16).padStart(12, '0')}`;
      while (h.kernel.devices.has(uuid));
      h.sysfs.write(typePath(parentName, type.id, 'create'), uuid);
      created.push(uuid);
    }
  }
  return created;
}
