import { loadScenario } from '../../scenarios/load.ts';
import type { World } from '../../sysfs/world.ts';

/** The example scenario of the issue, byte for byte (two GVT-g hosts, one mtty host, one instance). */
export const ISSUE_SCENARIO = `seed: 7
hosts:
  - name: src
    parents:
      - address: "0000:00:02.0"
        driver: gvtg
        pciId: "8086:193b"
  - name: dst
    parents:
      - address: "0000:00:02.0"
        driver: gvtg
        pciId: "8086:191b"
  - name: lab
    parents:
      - driver: mtty
instances:
  - host: src
    parent: "0000:00:02.0"
    type: i915-GVTg_V5_4
    uuid: 5ac1fb20-2bbf-4842-bb7e-36c58c3be9cd
`;

/** The instance the issue's scenario creates on `src`. */
export const ISSUE_UUID = '5ac1fb20-2bbf-4842-bb7e-36c58c3be9cd';

export const GVT_TYPES = ['i915-GVTg_V5_1', 'i915-GVTg_V5_2', 'i915-GVTg_V5_4', 'i915-GVTg_V5_8'] as const;

export const GVT_PARENT = '/sys/devices/pci0000:00/0000:00:02.0';
export const MTTY_PARENT = '/sys/devices/virtual/mtty/mtty';

/** `<parent dir>/mdev_supported_types/<type>` via the class link, the way tools address it. */
export function typeDir(parent: string, type: string): string {
  return `/sys/class/mdev_bus/${parent}/mdev_supported_types/${type}`;
}

export function loadIssueWorld(): Promise<World> {
  return loadScenario(ISSUE_SCENARIO);
}

/**
 * One host `h` with a parent of every built-in capacity model:
 * mtty (24-port pool), gvtg 00:02.0 (8-unit pool), aggr 00:03.0 (pool + aggregate=N),
 * vgpu 01:00.0 (homogeneous per-type), gvtg 00:04.0 with `maxInstances` (core counter).
 */
export function loadMixedWorld(options: { maxInstances?: number; migration?: boolean } = {}): Promise<World> {
  const { maxInstances = 2, migration = false } = options;
  // `migration: false` keeps the upstream kernel's attribute set (no migration_version).
  const m = migration ? {} : { migration: false };
  // Modeled payloads: a GPU instance's VFIO state carries sizes, not 16 MiB of seeded bytes.
  const gpu = { ...m, options: { payload: 'modeled' } };
  return loadScenario({
    seed: 11,
    hosts: [
      {
        name: 'h',
        parents: [
          { driver: 'mtty', ...m },
          { driver: 'gvtg', address: '0000:00:02.0', pciId: '8086:193b', ...gpu },
          { driver: 'aggr', address: '0000:00:03.0', pciId: '8086:193b', ...gpu },
          { driver: 'vgpu', address: '0000:01:00.0', pciId: '10de:13bd', ...gpu },
          { driver: 'gvtg', address: '0000:00:04.0', pciId: '8086:193b', maxInstances, ...gpu },
        ],
      },
    ],
  });
}

/** Paths of the mixed world's parents (through /sys/class/mdev_bus). */
export const MIXED = {
  mtty: 'mtty',
  gvtg: '0000:00:02.0',
  aggr: '0000:00:03.0',
  vgpu: '0000:01:00.0',
  counted: '0000:00:04.0',
} as const;

/** `n` distinct, valid, lower-case UUIDs that are easy to read in a failure message. */
export function uuidN(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}
