/** Sysfs path strings of the check, interned. */
/**
 * Path strings are built once and reused: a lookup keyed by the same string object is an order of
 * magnitude cheaper than hashing a freshly concatenated path (this is the check's hot path, and a
 * matrix makes millions of them). Bounded, since callers may name arbitrary paths.
 */
const JOINED = new Map<string, Map<string, string>>();
const JOINED_LIMIT = 1 << 16;
let joinedCount = 0;

export function join(base: string, name: string): string {
  let names = JOINED.get(base);
  if (names === undefined) {
    names = new Map();
    JOINED.set(base, names);
  }
  let path = names.get(name);
  if (path === undefined) {
    if (++joinedCount > JOINED_LIMIT) {
      JOINED.clear();
      joinedCount = 0;
    }
    path = `${base}/${name}`;
    names.set(name, path);
  }
  return path;
}

export function typeDir(parent: string, type: string): string {
  return join(join(join('/sys/class/mdev_bus', parent), 'mdev_supported_types'), type);
}

export function deviceDirOf(uuid: string): string {
  return join('/sys/bus/mdev/devices', uuid);
}
