import { posix } from 'node:path';
import { errnoOf, type FsLike } from './fs-like.ts';
import type { Touched, Verdict } from './verdict.ts';

/** Attribute names by revision, newest first: v3+ `migration_version`, v2 `version` (§2.1). */
const ATTRIBUTE_NAMES = ['migration_version', 'version'] as const;

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

type Decision = Omit<Verdict, 'touched'>;

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
  const touched: Touched[] = [];
  return { ...decide(source, target, options.mode ?? 'type', touched), touched };
}

function decide(
  source: SourceRef,
  target: TargetRef,
  mode: 'type' | 'instance',
  touched: Touched[],
): Decision {
  // Where the source's type and strings live.
  let sourceType: string;
  let sourceDir: string;
  let deviceDir: string | undefined;
  if ('uuid' in source) {
    deviceDir = `/sys/bus/mdev/devices/${source.uuid}`;
    const t = readType(source.fs, `${deviceDir}/mdev_type`, touched, 'source');
    if (t.errno !== undefined)
      return verdict('not-migratable', 1, `source ${source.uuid} unreadable`, '', '', t.errno);
    sourceType = t.name;
    sourceDir = mode === 'instance' ? deviceDir : `${deviceDir}/mdev_type`;
  } else {
    if (mode === 'instance') throw new RangeError("mode 'instance' needs a source device, not a type");
    sourceType = source.type;
    sourceDir = `/sys/class/mdev_bus/${source.parent}/mdev_supported_types/${source.type}`;
  }

  let targetType: string;
  let targetDir: string;
  if ('uuid' in target) {
    const dev = `/sys/bus/mdev/devices/${target.uuid}`;
    const t = readType(target.fs, `${dev}/mdev_type`, touched, 'target');
    if (t.errno !== undefined)
      return verdict('incompatible', 0, `target ${target.uuid} unreadable`, sourceType, '', t.errno);
    targetType = t.name;
    targetDir = mode === 'instance' ? dev : `${dev}/mdev_type`;
  } else {
    targetType = target.type ?? sourceType;
    targetDir = `/sys/class/mdev_bus/${target.parent}/mdev_supported_types/${targetType}`;
  }

  // Step 0 (R7): same type first, unless the device-node string already carries it (R9).
  if (mode === 'type' && sourceType !== targetType) {
    return verdict('incompatible', 0, `types differ: ${sourceType} vs ${targetType}`, sourceType, targetType);
  }
  if (!('uuid' in target) && !exists(target.fs, targetDir, touched, 'target')) {
    return verdict(
      'incompatible',
      0,
      `target parent offers no type ${targetType}`,
      sourceType,
      targetType,
      'ENOENT',
    );
  }

  // Step 1: find and read the source's attribute (R1: absent means not migratable).
  const attribute = ATTRIBUTE_NAMES.find((name) =>
    exists(source.fs, `${sourceDir}/${name}`, touched, 'source'),
  );
  if (attribute === undefined) {
    return verdict(
      'not-migratable',
      1,
      'source has no migration version attribute',
      sourceType,
      targetType,
      'ENOENT',
    );
  }
  const read = readAttr(source.fs, `${sourceDir}/${attribute}`, touched, 'source');
  if (read.errno !== undefined) {
    return verdict(
      'not-migratable',
      1,
      'reading the source version failed',
      sourceType,
      targetType,
      read.errno,
      attribute,
    );
  }
  // Written back verbatim, as `cat src > dst` would; only design B appends to it.
  let token = read.text;
  if (mode === 'type' && deviceDir !== undefined) {
    // Design B: the instance's create parameters travel with the type's version (R10).
    const paramsPath = `${deviceDir}/create_parameters`;
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
          attribute,
        );
      }
      token = `${token.endsWith('\n') ? token.slice(0, -1) : token},${params.text}`;
    }
  }

  // Step 2: write it to the target (R3): success is compatibility, an errno is not.
  const targetPath = `${targetDir}/${attribute}`;
  try {
    target.fs.writeFileSync(targetPath, token);
    touched.push({ side: 'target', op: 'write', path: targetPath, result: 'ok' });
  } catch (error) {
    const errno = errnoOf(error);
    touched.push({ side: 'target', op: 'write', path: targetPath, result: errno });
    // kernfs answers a write to a missing name with EACCES (no create op): no attribute there.
    const reason =
      errno === 'EACCES' || errno === 'ENOENT'
        ? 'target has no migration version attribute'
        : 'target refused the version';
    return verdict('incompatible', 2, reason, sourceType, targetType, errno, attribute, token);
  }
  return verdict(
    'compatible',
    2,
    'target accepted the source version',
    sourceType,
    targetType,
    undefined,
    attribute,
    token,
  );
}

function readType(
  fs: FsLike,
  link: string,
  touched: Touched[],
  side: Touched['side'],
): { name: string; errno?: string } {
  try {
    const target = fs.readlinkSync(link);
    touched.push({ side, op: 'readlink', path: link, result: 'ok' });
    return { name: posix.basename(target) };
  } catch (error) {
    const errno = errnoOf(error);
    touched.push({ side, op: 'readlink', path: link, result: errno });
    return { name: '', errno };
  }
}

function exists(fs: FsLike, path: string, touched: Touched[], side: Touched['side']): boolean {
  const found = fs.existsSync(path);
  touched.push({ side, op: 'exists', path, result: found ? 'ok' : 'absent' });
  return found;
}

function readAttr(
  fs: FsLike,
  path: string,
  touched: Touched[],
  side: Touched['side'],
): { text: string; errno?: string } {
  try {
    const text = fs.readFileSync(path, 'latin1');
    touched.push({ side, op: 'read', path, result: 'ok', text });
    return { text };
  } catch (error) {
    const errno = errnoOf(error);
    touched.push({ side, op: 'read', path, result: errno });
    return { text: '', errno };
  }
}

function verdict(
  kind: Verdict['verdict'],
  step: Verdict['step'],
  reason: string,
  sourceType: string,
  targetType: string,
  errno?: string,
  attribute?: string,
  token?: string,
): Decision {
  return {
    verdict: kind,
    step,
    reason,
    sourceType,
    targetType,
    ...(errno === undefined ? {} : { errno }),
    ...(attribute === undefined ? {} : { attribute }),
    ...(token === undefined ? {} : { token }),
  };
}
