import { ERRNO, type ErrnoCode } from '../../../core/errno.ts';
import { SysError } from '../../../core/sys-error.ts';
import type { World } from '../../../sysfs/world.ts';
import { uuidN } from '../../helpers/scenarios.ts';
import { parseCreate, parseRemove } from './kernel-parsers.ts';
import {
  createErrno,
  type HostModel,
  type Model,
  type ParentModel,
  pick,
  type TypeModel,
  typePath,
} from './world-model.ts';

/** Where a random write goes, as drawn (naturals resolved against the model when it runs). */
export interface TargetChoice {
  readonly host: number;
  readonly parent: number;
  readonly type: number;
  readonly kind: 'create' | 'remove' | 'readonly' | 'dir' | 'missing' | 'gone';
  readonly pick: number;
}

export type Target =
  | {
      readonly kind: 'create';
      readonly host: HostModel;
      readonly parent: ParentModel;
      readonly type: TypeModel;
      readonly path: string;
    }
  | { readonly kind: 'remove'; readonly host: HostModel; readonly uuid: string; readonly path: string }
  | { readonly kind: 'readonly' | 'dir'; readonly path: string }
  /** A name that does not exist; `inDir` when its directory does (O_CREAT there → EACCES). */
  | { readonly kind: 'missing'; readonly path: string; readonly inDir: boolean };

/** Read-only attribute paths of one type, its parent and the parent's devices (kernel.md §1.1, §5.1, §2.4). */
function readonlyPaths(host: HostModel, parent: ParentModel, type: TypeModel): string[] {
  const t = typePath(parent, type);
  const out = [`${t}/name`, `${t}/available_instances`, `${t}/device_api`];
  if (type.hasDescription) out.push(`${t}/description`);
  if (parent.acceptsParams) out.push(`${t}/aggregation`);
  if (parent.driver !== 'mtty') out.push(`${parent.dir}/vendor`, `${parent.dir}/device`);
  for (const d of host.devices.values()) {
    if (d.parent !== parent) continue;
    if (parent.driver === 'mtty') out.push(`/sys/bus/mdev/devices/${d.uuid}/vendor/sample_mdev_dev`);
    if (parent.driver === 'aggr') out.push(`/sys/bus/mdev/devices/${d.uuid}/aggregated_instances`);
  }
  return out;
}

export function resolveTarget(model: Model, c: TargetChoice): Target {
  const host = pick(model.hosts, c.host);
  const parent = pick(host.parents, c.parent);
  const type = pick(parent.types, c.type);
  const devices = [...host.devices.keys()];
  switch (c.kind) {
    case 'create':
      return { kind: 'create', host, parent, type, path: `${typePath(parent, type)}/create` };
    case 'remove':
      if (devices.length > 0) {
        const uuid = pick(devices, c.pick);
        return { kind: 'remove', host, uuid, path: `/sys/bus/mdev/devices/${uuid}/remove` };
      }
      return { kind: 'missing', path: `/sys/bus/mdev/devices/${uuidN(999)}/remove`, inDir: false };
    case 'gone':
      return { kind: 'missing', path: `${typePath(parent, type)}/devices/${uuidN(999)}`, inDir: true };
    case 'readonly':
      return { kind: 'readonly', path: pick(readonlyPaths(host, parent, type), c.pick) };
    case 'dir': {
      const dirs = [typePath(parent, type), `${typePath(parent, type)}/devices`, parent.dir];
      for (const uuid of devices)
        dirs.push(`/sys/bus/mdev/devices/${uuid}`, `/sys/bus/mdev/devices/${uuid}/mdev_type`);
      return { kind: 'dir', path: pick(dirs, c.pick) };
    }
    case 'missing':
      return { kind: 'missing', path: `${typePath(parent, type)}/no_such_attribute`, inDir: true };
  }
}

/** What a write did: bytes written (sysfs: write(2)'s return; fs: the whole length), or an errno. */
export type Outcome = { readonly ok: number } | { readonly errno: ErrnoCode };

const PAGE = 4096;

/** One write(2) on the model: kernfs rules (§8) then the attribute's store() (§1.3, §1.4). */
function modelWriteOnce(target: Target, bytes: Uint8Array): Outcome {
  switch (target.kind) {
    case 'readonly':
      return { errno: 'EACCES' };
    case 'dir':
      return { errno: 'EISDIR' };
    case 'missing':
      return { errno: 'ENOENT' };
    case 'remove':
      if (!target.host.devices.has(target.uuid)) return { errno: 'ENOENT' };
  }
  if (bytes.length === 0) return { ok: 0 };
  const chunk = Buffer.from(bytes.subarray(0, PAGE)).toString('latin1');
  if (target.kind === 'remove') {
    const r = parseRemove(chunk);
    if (r === 'noop') return { ok: chunk.length };
    if (r === 'destroy') {
      target.host.devices.delete(target.uuid);
      return { ok: chunk.length };
    }
    return { errno: r };
  }
  const request = parseCreate(chunk, target.parent.acceptsParams);
  if (typeof request === 'string') return { errno: request };
  const errno = createErrno(target.host, target.parent, target.type, request.uuid, request.aggregate);
  if (errno !== undefined) return { errno };
  target.host.devices.set(request.uuid, {
    uuid: request.uuid,
    parent: target.parent,
    type: target.type,
    aggregate: request.aggregate,
  });
  return { ok: chunk.length };
}

/**
 * The model's prediction for `host.sysfs.write` (one write(2)) or `host.fs.writeFileSync`
 * (open with O_CREAT, then write(2) until everything is consumed); updates the model.
 */
export function modelWrite(target: Target, bytes: Uint8Array, via: 'sysfs' | 'fs'): Outcome {
  if (via === 'sysfs') return modelWriteOnce(target, bytes);
  // kernfs has no create op: O_CREAT of a missing name in an existing directory → EACCES.
  if (target.kind === 'missing') return { errno: target.inDir ? 'EACCES' : 'ENOENT' };
  let offset = 0;
  do {
    const r = modelWriteOnce(target, bytes.subarray(offset));
    if ('errno' in r) return r;
    if (r.ok <= 0) break;
    offset += r.ok;
  } while (offset < bytes.length);
  return { ok: bytes.length };
}

/** How often each outcome was seen (`ok` or an errno code), so suites can prove their coverage. */
export const outcomeTally = new Map<string, number>();

function tally(outcome: Outcome): Outcome {
  const key = 'ok' in outcome ? 'ok' : outcome.errno;
  outcomeTally.set(key, (outcomeTally.get(key) ?? 0) + 1);
  return outcome;
}

/**
 * Runs the same write on the simulator. Anything thrown that is not a SysError carrying a kernel
 * errno (positive, matching the table) is rethrown: the property fails on it.
 */
export function realWrite(
  world: World,
  hostName: string,
  path: string,
  bytes: Uint8Array,
  via: 'sysfs' | 'fs',
): Outcome {
  const host = world.host(hostName);
  try {
    if (via === 'fs') {
      host.fs.writeFileSync(path, bytes);
      return tally({ ok: bytes.length });
    }
    const ascii = bytes.every((b) => b < 0x80);
    // ASCII goes in as a string half the time (strings are taken as UTF-8, identical for ASCII).
    const n = host.sysfs.write(
      path,
      ascii && bytes.length % 2 === 0 ? Buffer.from(bytes).toString('latin1') : bytes,
    );
    if (!Number.isInteger(n) || n < 0 || n > Math.min(bytes.length, PAGE)) {
      throw new Error(`write returned ${n} for ${bytes.length} bytes`);
    }
    return tally({ ok: n });
  } catch (error) {
    if (!(error instanceof SysError)) throw error;
    if (error.errno <= 0 || ERRNO[error.code].errno !== error.errno) {
      throw new Error(`SysError with a bad errno: ${error.code}/${error.errno}`);
    }
    if (error.path !== path) throw new Error(`SysError names '${error.path}', not '${path}'`);
    return tally({ errno: error.code });
  }
}

export function hostNameOf(model: Model, target: Target, fallback: number): string {
  return 'host' in target ? target.host.name : pick(model.hosts, fallback).name;
}

export function describeBytes(bytes: Uint8Array): string {
  if (bytes.length > 48)
    return `<${bytes.length} bytes: ${JSON.stringify(Buffer.from(bytes.subarray(0, 16)).toString('latin1'))}…>`;
  return JSON.stringify(Buffer.from(bytes).toString('latin1'));
}
