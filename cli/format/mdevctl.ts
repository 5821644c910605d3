import type { MdevInfo, ParentTypes } from '../mdevctl/model.ts';
import { type JsonValue, prettyJson } from './json.ts';

/**
 * mdevctl's output formats, byte for byte (mdevctl/mdevctl: src/main.rs `types_command`,
 * `list_command`, `format_json`, `MDev::to_text`/`to_json`; testdata/{types,list}; ecosystem.md
 * §1.4-§1.5). Pure functions over plain data. Ordering rules are applied here: parents in
 * lexicographic order (a BTreeMap), devices by UUID, types by type name as plain strings (so
 * `nvidia-155` comes before `nvidia-36`).
 *
 * Text outputs end with a newline after each line and are empty when there is nothing to show;
 * JSON outputs have no trailing newline and are `[]` when there is nothing to show.
 */

/** Rust's `String` order: by UTF-8 bytes, which is code-point order (not JS's UTF-16 order). */
export function compareRust(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done === true || cb.done === true) return ca.done === cb.done ? 0 : ca.done === true ? -1 : 1;
    const d = (ca.value.codePointAt(0) ?? 0) - (cb.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

/** Parents sorted, each parent's types sorted by type name. */
export function sortTypes(parents: readonly ParentTypes[]): ParentTypes[] {
  return [...parents]
    .sort((a, b) => compareRust(a.parent, b.parent))
    .map((p) => ({
      parent: p.parent,
      types: [...p.types].sort((a, b) => compareRust(a.typeName, b.typeName)),
    }));
}

/** `mdevctl types` text. */
export function formatTypesText(parents: readonly ParentTypes[]): string {
  let out = '';
  for (const { parent, types } of sortTypes(parents)) {
    out += `${parent}\n`;
    for (const t of types) {
      out += `  ${t.typeName}\n`;
      out += `    Available instances: ${t.availableInstances}\n`;
      out += `    Device API: ${t.deviceApi}\n`;
      if (t.name !== '') out += `    Name: ${t.name}\n`;
      if (t.description !== '') out += `    Description: ${t.description}\n`;
    }
  }
  return out;
}

/** `mdevctl types --dumpjson` as a JSON value: `[]`, or `[{ parent: [{ type: {...} }] }]`. */
export function typesJson(parents: readonly ParentTypes[]): JsonValue {
  const sorted = sortTypes(parents);
  if (sorted.length === 0) return [];
  const byParent = new Map<string, JsonValue>();
  for (const { parent, types } of sorted) {
    byParent.set(
      parent,
      types.map((t) => {
        const fields = new Map<string, JsonValue>([
          ['available_instances', t.availableInstances],
          ['device_api', t.deviceApi],
        ]);
        if (t.name !== '') fields.set('name', t.name);
        if (t.description !== '') fields.set('description', t.description);
        return new Map([[t.typeName, fields]]);
      }),
    );
  }
  return [byParent];
}

/** Devices grouped by parent (parents sorted), each group sorted by UUID. */
export function groupDevices(devices: readonly MdevInfo[]): [string, MdevInfo[]][] {
  const groups = new Map<string, MdevInfo[]>();
  for (const d of devices) {
    const group = groups.get(d.parent);
    if (group === undefined) groups.set(d.parent, [d]);
    else group.push(d);
  }
  return [...groups]
    .sort(([a], [b]) => compareRust(a, b))
    .map(([parent, group]) => [parent, group.sort((a, b) => compareRust(a.uuid, b.uuid))]);
}

export interface ListTextOptions {
  /** `-v`: an `Attrs:` block under each device that has attributes. */
  readonly verbose?: boolean;
}

/**
 * `mdevctl list` text for active devices: `UUID PARENT TYPE auto|manual`, plus ` (defined)` when
 * the device also has a stored config; one line per device.
 */
export function formatListText(devices: readonly MdevInfo[], options: ListTextOptions = {}): string {
  let out = '';
  for (const [, group] of groupDevices(devices)) {
    for (const d of group) {
      out += `${d.uuid} ${d.parent} ${d.mdevType} ${d.autostart ? 'auto' : 'manual'}`;
      if (d.defined) out += ' (defined)';
      out += '\n';
      if (options.verbose === true && d.attrs.length > 0) {
        out += '  Attrs:\n';
        d.attrs.forEach(([key, value], i) => {
          out += `    @{${i}}: {"${key}":"${value}"}\n`;
        });
      }
    }
  }
  return out;
}

/** One device's config object: `{ mdev_type, start, attrs }` in that order. */
export function deviceConfigJson(d: MdevInfo): JsonValue {
  return new Map<string, JsonValue>([
    ['mdev_type', d.mdevType],
    ['start', d.autostart ? 'auto' : 'manual'],
    ['attrs', d.attrs.map(([key, value]) => new Map([[key, value]]))],
  ]);
}

/**
 * `mdevctl list --dumpjson` as a JSON value: `[{ parent: [{ uuid: config }] }]`, or `[]`. When a
 * UUID was asked for (`-u`) and at most one device matched, the bare config object alone (so it
 * can be piped into a config file), or `[]` when none matched.
 */
export function listJson(
  devices: readonly MdevInfo[],
  options: { readonly byUuid?: boolean } = {},
): JsonValue {
  const groups = groupDevices(devices);
  if (options.byUuid === true && devices.length <= 1) {
    const only = groups[0]?.[1][0];
    return only === undefined ? [] : deviceConfigJson(only);
  }
  if (groups.length === 0) return [];
  return [
    new Map(
      groups.map(([parent, group]) => [parent, group.map((d) => new Map([[d.uuid, deviceConfigJson(d)]]))]),
    ),
  ];
}

/** `--dumpjson` text: serde_json pretty, no trailing newline. */
export function formatJson(value: unknown): string {
  return prettyJson(value);
}
