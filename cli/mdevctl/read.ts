import { posix } from 'node:path';
import { parseUuidArg } from '../uuid.ts';
import type { MdevInfo, MdevTypeInfo, ParentTypes } from './model.ts';

/**
 * Reads types and active devices from a /sys tree exactly the way mdevctl does
 * (mdevctl/mdevctl: src/main.rs `supported_types`, `active_devices`; src/mdev.rs
 * `load_from_sysfs`), through the subset of Node's `fs` that mdevctl's Rust code uses. A simulated
 * host's `host.fs` and `node:fs` on a real host both satisfy it, so this code runs on either.
 */
export interface SysfsReadFs {
  readdirSync(path: string): string[];
  readFileSync(path: string, encoding: 'utf8'): string;
  /** Follows links (fs::canonicalize). */
  realpathSync(path: string): string;
  existsSync(path: string): boolean;
  /** Follows links (fs::metadata). */
  statSync(path: string): { isDirectory(): boolean } | undefined;
  /** Does not follow a final link (fs::symlink_metadata). */
  lstatSync(path: string): { isSymbolicLink(): boolean } | undefined;
}

/** Where the trees start; a prefix other than `/sys` reads a copy (tests, chroots). */
export interface SysfsRoots {
  /** mdevctl's `parent_base`. */
  readonly parentBase: string;
  /** mdevctl's `mdev_base`. */
  readonly mdevBase: string;
}

export const SYS_ROOTS: SysfsRoots = { parentBase: '/sys/class/mdev_bus', mdevBase: '/sys/bus/mdev/devices' };

/** Roots under another directory standing for `/sys`. */
export function sysRootsUnder(sys: string): SysfsRoots {
  return { parentBase: posix.join(sys, 'class/mdev_bus'), mdevBase: posix.join(sys, 'bus/mdev/devices') };
}

/** mdevctl's `if let Ok(dir) = base.read_dir()`: an unreadable base directory lists nothing. */
function readdirOrNothing(fs: SysfsReadFs, path: string): string[] {
  try {
    return fs.readdirSync(path);
  } catch {
    return [];
  }
}

/** Rust's `str::trim`: Unicode White_Space at both ends (unlike JS trim, U+FEFF stays). */
function rustTrim(text: string): string {
  return text.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');
}

/** Rust's `str::parse::<i32>()` (optional sign, ASCII digits, in range), failing as mdevctl would. */
function parseI32(text: string, path: string): number {
  if (!/^[+-]?\d+$/.test(text)) {
    const why = text === '' ? 'cannot parse integer from empty string' : 'invalid digit found in string';
    throw new Error(`${why} (${path})`);
  }
  const n = Number(text);
  if (n > 2147483647 || n < -2147483648) {
    throw new Error(`number too ${n > 0 ? 'large' : 'small'} to fit in target type (${path})`);
  }
  return n;
}

/**
 * `mdevctl types [--parent P]`: every parent under `parentBase` (only P when given) with every
 * directory under its `mdev_supported_types`. Unsorted; the formatters sort.
 */
export function readSupportedTypes(
  fs: SysfsReadFs,
  parent?: string,
  roots: SysfsRoots = SYS_ROOTS,
): ParentTypes[] {
  const out: ParentTypes[] = [];
  for (const parentName of readdirOrNothing(fs, roots.parentBase)) {
    if (parent !== undefined && parent !== parentName) continue;
    const typesDir = posix.join(roots.parentBase, parentName, 'mdev_supported_types');
    const types: MdevTypeInfo[] = [];
    for (const typeName of fs.readdirSync(typesDir)) {
      const dir = posix.join(typesDir, typeName);
      if (fs.statSync(dir)?.isDirectory() !== true) continue;
      const read = (attr: string) => fs.readFileSync(posix.join(dir, attr), 'utf8');
      const has = (attr: string) => fs.existsSync(posix.join(dir, attr));
      types.push({
        typeName,
        availableInstances: parseI32(
          rustTrim(read('available_instances')),
          posix.join(dir, 'available_instances'),
        ),
        deviceApi: rustTrim(read('device_api')),
        name: has('name') ? rustTrim(read('name')) : '',
        description: has('description') ? rustTrim(read('description')).replaceAll('\n', ', ') : '',
      });
    }
    out.push({ parent: parentName, types });
  }
  return out;
}

export interface ActiveDeviceFilter {
  /** Lower-case hyphenated. */
  readonly uuid?: string | undefined;
  readonly parent?: string | undefined;
}

/**
 * `mdevctl list [--uuid U] [--parent P]`: every entry of `mdevBase` that parses as a UUID and is a
 * symlink; the parent is the basename of the canonical path's directory, the type the basename of
 * the canonical `mdev_type` link. Autostart is `manual`: the simulator has no stored configs.
 */
export function readActiveDevices(
  fs: SysfsReadFs,
  filter: ActiveDeviceFilter = {},
  roots: SysfsRoots = SYS_ROOTS,
): MdevInfo[] {
  const out: MdevInfo[] = [];
  for (const entry of readdirOrNothing(fs, roots.mdevBase)) {
    const uuid = parseUuidArg(entry);
    if (uuid === undefined) continue;
    if (filter.uuid !== undefined && filter.uuid !== uuid) continue;
    const path = posix.join(roots.mdevBase, uuid);
    if (fs.lstatSync(path)?.isSymbolicLink() !== true) continue;
    const parent = posix.basename(fs.realpathSync(posix.dirname(fs.realpathSync(path))));
    if (filter.parent !== undefined && filter.parent !== parent) continue;
    const mdevType = posix.basename(fs.realpathSync(posix.join(path, 'mdev_type')));
    out.push({ uuid, parent, mdevType, autostart: false, defined: false, attrs: [] });
  }
  return out;
}
