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
    ['devices', () => devicesDir(core, [])],
  ]);
}

function linkTo(fromDir: readonly string[], parent: Parent) {
  return linkNode(relativeTarget(fromDir, parentDevicePath(parent.config.location)));
}

function deviceDirPath(device: MdevDevice): string[] {
  return [...parentDevicePath(device.parent.config.location), device.uuid];
}

/** /sys/devices/...: the intermediate directories down to each parent, then the parent itself. */
function devicesDir(core: MdevCore, prefix: readonly string[]): DirNode {
  const depth = prefix.length + 1;
  const names = () => {
    const out = new Map<string, Parent | null>();
    for (const parent of core.parents.values()) {
      const path = parentDevicePath(parent.config.location);
      if (!prefix.every((c, i) => path[i + 1] === c) || path.length <= depth) continue;
      const name = path[depth] as string;
      out.set(name, path.length === depth + 1 ? parent : (out.get(name) ?? null));
    }
    return out;
  };
  return mapDir(names, (parent, name) =>
    parent === null ? devicesDir(core, [...prefix, name]) : parentDir(parent),
  );
}

function parentDir(parent: Parent): DirNode {
  const fixed = new Map<string, () => SysfsNode>([
    ['mdev_supported_types', () => mapDir(() => parent.types, typeDir)],
    ...attributeEntries(parent.attributes, parent),
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
