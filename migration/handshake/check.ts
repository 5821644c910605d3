import { exists, readAttr, readType } from './fs-calls.ts';
import type { FsLike } from './fs-like.ts';
import { deviceDirOf, join, typeDir } from './paths.ts';
import { type Answer, noSuchType, offer, readVersion, unreadable, verdict } from './steps.ts';
import type { Touched, Verdict } from './verdict.ts';

export { offerToParents, type ParentTargetRef, type TypeSourceRef } from './fleet.ts';
export type { Answer } from './steps.ts';

/** The source: an existing device, or a type on a parent (the check works before creation, R2). */
export type SourceRef =
  | { readonly fs: FsLike; readonly uuid: string }
  | { readonly fs: FsLike; readonly parent: string; readonly type: string };

/** The target: a type on a parent before any instance exists, or an instantiated device. */
export type TargetRef =
  | { readonly fs: FsLike; readonly parent: string; readonly type?: string }
  | { readonly fs: FsLike; readonly uuid: string };

export interface CheckOptions {
  /**
   * `type` (default): the seed's algorithm on the type node, same type first (R7), with the
   * instance's `create_parameters` appended when it has them (aggregation design B, R10).
   * `instance`: v5's device-node string (R9; design A), no type precondition.
   */
  readonly mode?: 'type' | 'instance';
}

/**
 * The userspace side of the handshake, exactly the algorithm of the proposal: (0) the source's
 * type from its `mdev_type` link, equal to the target's; (1) read the source's opaque string;
 * (2) write it to the target's attribute; the write's return decides. Only fs calls are used,
 * and the string is never inspected, so the same code runs against a real /sys.
 */
export function checkCompatibility(
  source: SourceRef,
  target: TargetRef,
  options: CheckOptions = {},
): Verdict {
  const mode = options.mode ?? 'type';
  if (mode === 'instance' && !('uuid' in source)) {
    throw new RangeError("mode 'instance' needs a source device, not a type");
  }
  const touched: Touched[] = [];
  return Object.assign(decide(source, target, mode, touched), { touched });
}

function decide(source: SourceRef, target: TargetRef, mode: 'type' | 'instance', touched: Touched[]): Answer {
  // Where the source's type and strings live.
  let sourceType: string;
  let sourceDir: string;
  let deviceDir: string | undefined;
  if ('uuid' in source) {
    deviceDir = deviceDirOf(source.uuid);
    const t = readType(source.fs, join(deviceDir, 'mdev_type'), touched, 'source');
    if (t.errno !== undefined)
      return verdict('not-migratable', 1, `source ${source.uuid} unreadable`, '', '', t.errno);
    sourceType = t.name;
    sourceDir = mode === 'instance' ? deviceDir : join(deviceDir, 'mdev_type');
  } else {
    sourceType = source.type;
    sourceDir = typeDir(source.parent, source.type);
  }

  let targetType: string;
  let targetDir: string;
  if ('uuid' in target) {
    const dev = deviceDirOf(target.uuid);
    const t = readType(target.fs, join(dev, 'mdev_type'), touched, 'target');
    if (t.errno !== undefined)
      return verdict('incompatible', 0, `target ${target.uuid} unreadable`, sourceType, '', t.errno);
    targetType = t.name;
    targetDir = mode === 'instance' ? dev : join(dev, 'mdev_type');
  } else {
    targetType = target.type ?? sourceType;
    targetDir = typeDir(target.parent, targetType);
  }

  // Step 0 (R7): same type first, unless the device-node string already carries it (R9).
  if (mode === 'type' && sourceType !== targetType) {
    return verdict('incompatible', 0, `types differ: ${sourceType} vs ${targetType}`, sourceType, targetType);
  }
  if (!('uuid' in target) && !exists(target.fs, targetDir, touched, 'target')) {
    return noSuchType(sourceType, targetType);
  }

  // Step 1: find and read the source's attribute (R1: absent means not migratable).
  const read = readVersion(source.fs, sourceDir, touched);
  if ('errno' in read) return unreadable(read, sourceType, targetType);
  // Written back verbatim, as `cat src > dst` would; only design B appends to it.
  let version = read;
  if (mode === 'type' && deviceDir !== undefined) {
    // Design B: the instance's create parameters travel with the type's version (R10).
    const paramsPath = join(deviceDir, 'create_parameters');
    if (exists(source.fs, paramsPath, touched, 'source')) {
      const params = readAttr(source.fs, paramsPath, touched, 'source');
      if (params.errno !== undefined) {
        return verdict(
          'not-migratable',
          1,
          'reading create parameters failed',
          sourceType,
          targetType,
          params.errno,
          read.attribute,
        );
      }
      const token = read.token.endsWith('\n') ? read.token.slice(0, -1) : read.token;
      version = { attribute: read.attribute, token: `${token},${params.text}` };
    }
  }

  // Step 2: write it to the target (R3): success is compatibility, an errno is not.
  return offer(target.fs, join(targetDir, read.attribute), version, sourceType, targetType, touched);
}
