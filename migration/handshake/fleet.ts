import { exists } from './fs-calls.ts';
import type { FsLike } from './fs-like.ts';
import { join, typeDir } from './paths.ts';
import { type Answer, noSuchType, offer, readVersion, unreadable } from './steps.ts';

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
