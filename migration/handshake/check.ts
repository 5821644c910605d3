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

/** A type on a parent as the source of a fleet check. */
export interface TypeSourceRef {
  readonly fs: FsLike;
  readonly parent: string;
  readonly type: string;
}

/** A parent as the target of a fleet check (the source's type is looked up there). */
export interface ParentTargetRef {
  readonly fs: FsLike;
  readonly parent: string;
}

/** A verdict without its audit trail. */
export type Answer = Omit<Verdict, 'touched'>;

/**
 * One source type offered to many target parents, as a fleet matrix does it row by row: the
 * source's string is read once and written to each target. Each answer equals what
 * `checkCompatibility(source, target)` gives for that pair — the same step, errno, reason and
 * token, since reading an attribute changes nothing — only the audit trail is not kept.
 */
export function offerToParents(source: TypeSourceRef, targets: readonly ParentTargetRef[]): Answer[] {
  const type = source.type;
  const read = readVersion(source.fs, typeDir(source.parent, type), undefined);
  const answers: Answer[] = [];
  for (const target of targets) {
    const dir = typeDir(target.parent, type);
    if (!exists(target.fs, dir, undefined, 'target')) answers.push(noSuchType(type, type));
    else if ('errno' in read) answers.push(unreadable(read, type, type));
    else answers.push(offer(target.fs, join(dir, read.attribute), read, type, type, undefined));
  }
  return answers;
}

/**
 * Runs one fs call whose exception, if any, the caller turns into an errno and drops: capturing
 * its stack (most of the cost of a refused write) would buy nothing, so none is captured.
 */
function stackless<T>(call: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return call();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Path strings are built once and reused: a lookup keyed by the same string object is an order of
 * magnitude cheaper than hashing a freshly concatenated path (this is the check's hot path, and a
 * matrix makes millions of them). Bounded, since callers may name arbitrary paths.
 */
const JOINED = new Map<string, Map<string, string>>();
const JOINED_LIMIT = 1 << 16;
let joinedCount = 0;

function join(base: string, name: string): string {
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

function typeDir(parent: string, type: string): string {
  return join(join(join('/sys/class/mdev_bus', parent), 'mdev_supported_types'), type);
}

function deviceDirOf(uuid: string): string {
  return join('/sys/bus/mdev/devices', uuid);
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

interface SourceVersion {
  readonly attribute: string;
  readonly token: string;
}

interface ReadFailure {
  readonly attribute?: string;
  readonly errno: string;
  readonly reason: string;
}

/** Step 1: the version attribute in `dir` — absent (R1) or unreadable (R6) is a failure. */
function readVersion(fs: FsLike, dir: string, touched: Touched[] | undefined): SourceVersion | ReadFailure {
  for (const attribute of ATTRIBUTE_NAMES) {
    const path = join(dir, attribute);
    if (!exists(fs, path, touched, 'source')) continue;
    const read = readAttr(fs, path, touched, 'source');
    if (read.errno !== undefined)
      return { attribute, errno: read.errno, reason: 'reading the source version failed' };
    return { attribute, token: read.text };
  }
  return { errno: 'ENOENT', reason: 'source has no migration version attribute' };
}

function unreadable(read: ReadFailure, sourceType: string, targetType: string): Answer {
  return verdict('not-migratable', 1, read.reason, sourceType, targetType, read.errno, read.attribute);
}

function noSuchType(sourceType: string, targetType: string): Answer {
  return verdict(
    'incompatible',
    0,
    `target parent offers no type ${targetType}`,
    sourceType,
    targetType,
    'ENOENT',
  );
}

/** Step 2 (R3): write the token; the write's return decides. */
function offer(
  fs: FsLike,
  path: string,
  version: SourceVersion,
  sourceType: string,
  targetType: string,
  touched: Touched[] | undefined,
): Answer {
  const { attribute, token } = version;
  try {
    stackless(() => fs.writeFileSync(path, token, 'latin1'));
    touched?.push({ side: 'target', op: 'write', path, result: 'ok' });
  } catch (error) {
    const errno = errnoOf(error);
    touched?.push({ side: 'target', op: 'write', path, result: errno });
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
    const target = stackless(() => fs.readlinkSync(link));
    touched.push({ side, op: 'readlink', path: link, result: 'ok' });
    return { name: target.slice(target.lastIndexOf('/') + 1) };
  } catch (error) {
    const errno = errnoOf(error);
    touched.push({ side, op: 'readlink', path: link, result: errno });
    return { name: '', errno };
  }
}

function exists(fs: FsLike, path: string, touched: Touched[] | undefined, side: Touched['side']): boolean {
  const found = fs.existsSync(path);
  touched?.push({ side, op: 'exists', path, result: found ? 'ok' : 'absent' });
  return found;
}

function readAttr(
  fs: FsLike,
  path: string,
  touched: Touched[] | undefined,
  side: Touched['side'],
): { text: string; errno?: string } {
  try {
    const text = stackless(() => fs.readFileSync(path, 'latin1'));
    touched?.push({ side, op: 'read', path, result: 'ok', text });
    return { text };
  } catch (error) {
    const errno = errnoOf(error);
    touched?.push({ side, op: 'read', path, result: errno });
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
): Answer {
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
