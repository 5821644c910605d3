import { exists, readAttr, stackless } from './fs-calls.ts';
import { errnoOf, type FsLike } from './fs-like.ts';
import { join } from './paths.ts';
import type { Touched, Verdict } from './verdict.ts';

/** Attribute names by revision, newest first: v3+ `migration_version`, v2 `version` (§2.1). */
export const ATTRIBUTE_NAMES = ['migration_version', 'version'] as const;

/** A verdict without its audit trail. */
export type Answer = Omit<Verdict, 'touched'>;

export interface SourceVersion {
  readonly attribute: string;
  readonly token: string;
}

export interface ReadFailure {
  readonly attribute?: string;
  readonly errno: string;
  readonly reason: string;
}

/** Step 1: the version attribute in `dir` — absent (R1) or unreadable (R6) is a failure. */
export function readVersion(
  fs: FsLike,
  dir: string,
  touched: Touched[] | undefined,
): SourceVersion | ReadFailure {
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

export function unreadable(read: ReadFailure, sourceType: string, targetType: string): Answer {
  return verdict('not-migratable', 1, read.reason, sourceType, targetType, read.errno, read.attribute);
}

export function noSuchType(sourceType: string, targetType: string): Answer {
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
export function offer(
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

export function verdict(
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
