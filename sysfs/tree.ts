import { typeAttributes } from '../devices/core-attributes.ts';
import type { MdevCore } from '../devices/mdev-core.ts';
import type { MdevDevice } from '../devices/mdev-device.ts';
import type { MdevType } from '../devices/mdev-type.ts';
import type { Parent } from '../devices/parent.ts';
import { parentDevicePath, relativeTarget } from './layout.ts';
import {
  attributeEntries,
  type DirNode,
  fileNode,
  linkNode,
  mapDir,
  type SysfsNode,
  staticDir,
} from './nodes.ts';

/**
 * The mdev part of one host's /sys as a tree of nodes computed from the MdevCore on every lookup
 * (kernel.md §1.1). Links carry the kernel's relative targets so `readlink` matches a real host.
 */
export function sysfsRoot(core: MdevCore): DirNode {
  const index = new DevicesIndex(core);
  const pciParents = () => new Map([...core.parents].filter(([, p]) => p.config.location.bus === 'pci'));
  return staticDir([
    [
      'class',
      () =>
        staticDir([
          [
            'mdev_bus',
            () =>
              mapDir(
                () => core.parents,
                (p) => linkTo(['class', 'mdev_bus'], p),
              ),
          ],
        ]),
    ],
    [
      'bus',
      () =>
        staticDir([
          [
            'pci',
            () =>
              staticDir([['devices', () => mapDir(pciParents, (p) => linkTo(['bus', 'pci', 'devices'], p))]]),
          ],
          [
            'mdev',
            () =>
              staticDir([
                [
                  'devices',
                  () =>
                    mapDir(
                      () => core.devices,
                      (d) => linkNode(relativeTarget(['bus', 'mdev', 'devices'], deviceDirPath(d))),
                    ),
                ],
              ]),
          ],
        ]),
    ],
    ['devices', () => devicesDir(core, [], index)],
  ]);
}

function linkTo(fromDir: readonly string[], parent: Parent) {
  return linkNode(relativeTarget(fromDir, parentDevicePath(parent.config.location)));
}

function deviceDirPath(device: MdevDevice): string[] {
  return [...parentDevicePath(device.parent.config.location), device.uuid];
}

/**
 * /sys/devices/...: the intermediate directories down to each parent, then the parent itself.
 * The directory entries are indexed by path prefix once per parent-set change, so a lookup does
 * not scan every parent (fleet-sized hosts have thousands).
 */
function devicesDir(core: MdevCore, prefix: readonly string[], index: DevicesIndex): DirNode {
  const key = prefix.join('/');
  return mapDir(
    () => index.entries(core).get(key) ?? new Map<string, Parent | null>(),
    (parent, name) => (parent === null ? devicesDir(core, [...prefix, name], index) : parentDir(parent)),
  );
}

/** Prefix under /sys/devices → its entries (a parent, or null for an intermediate directory). */
class DevicesIndex {
  #entries: Map<string, Map<string, Parent | null>> | undefined;

  constructor(core: MdevCore) {
    const drop = () => {
      this.#entries = undefined;
    };
    core.bus.on('mdev:parent-registered', drop);
    core.bus.on('mdev:parent-unregistered', drop);
  }

  entries(core: MdevCore): Map<string, Map<string, Parent | null>> {
    if (this.#entries !== undefined) return this.#entries;
    const entries = new Map<string, Map<string, Parent | null>>();
    for (const parent of core.parents.values()) {
      const path = parentDevicePath(parent.config.location).slice(1);
      for (let depth = 0; depth < path.length; depth++) {
        const key = path.slice(0, depth).join('/');
        let dir = entries.get(key);
        if (dir === undefined) {
          dir = new Map();
          entries.set(key, dir);
        }
        const name = path[depth] as string;
        const isParent = depth === path.length - 1;
        if (isParent) dir.set(name, parent);
        else if (!dir.has(name)) dir.set(name, null);
      }
    }
    this.#entries = entries;
    return entries;
  }
}

function parentDir(parent: Parent): DirNode {
  const fixed = new Map<string, () => SysfsNode>([
    ['mdev_supported_types', () => mapDir(() => parent.types, typeDir)],
  ]);
  const loc = parent.config.location;
  if (loc.bus === 'pci') {
    fixed.set('vendor', () => fileNode({ name: 'vendor', show: () => `0x${loc.vendorId}\n` }, parent));
    fixed.set('device', () => fileNode({ name: 'device', show: () => `0x${loc.deviceId}\n` }, parent));
  }
  const devices = () => {
    const map = new Map<string, MdevDevice>();
    for (const d of parent.devices()) map.set(d.uuid, d);
    return map;
  };
  return mapDir(devices, deviceDir, fixed);
}

function typeDir(type: MdevType): DirNode {
  return staticDir([
    ...attributeEntries(typeAttributes(type), type),
    [
      'devices',
      () =>
        mapDir(
          () => type.devices,
          (d) => linkNode(`../../../${d.uuid}`),
        ),
    ],
  ]);
}

function deviceDir(device: MdevDevice): DirNode {
  return staticDir([
    ['mdev_type', () => linkNode(`../mdev_supported_types/${device.type.id}`)],
    ...attributeEntries(device.attributes, device),
  ]);
}
