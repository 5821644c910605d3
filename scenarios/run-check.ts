import { MdevsimError } from '../core/errors.ts';
import { checkCompatibility, type SourceRef, type TargetRef } from '../migration/handshake/check.ts';
import type { Verdict } from '../migration/handshake/verdict.ts';
import type { World } from '../sysfs/world.ts';
import type { CheckAction } from './actions-schema.ts';
import { verdictTranscript } from './transcript.ts';

export interface CheckSection {
  readonly kind: 'check';
  readonly title: string;
  readonly source: string;
  readonly target: string;
  readonly mode: 'type' | 'instance';
  readonly verdict: Verdict;
  readonly transcript: readonly string[];
}

/** Runs one `check:` action: the userspace handshake between two hosts of the world. */
export function runCheck(world: World, action: CheckAction, index: number): CheckSection {
  const mode = action.mode ?? 'type';
  let source: SourceRef;
  let sourceHost: string;
  let sourceLabel: string;
  if (typeof action.from === 'string') {
    const [host = '', uuid = ''] = splitHostUuid(action.from);
    sourceHost = host;
    source = { fs: world.host(host).fs, uuid: uuid.toLowerCase() };
    sourceLabel = action.from;
  } else {
    sourceHost = action.from.host;
    source = { fs: world.host(sourceHost).fs, parent: action.from.parent, type: action.from.type };
    sourceLabel = `${sourceHost}:${action.from.parent}/${action.from.type}`;
  }
  const t = typeof action.to === 'string' ? { host: action.to } : action.to;
  const targetFs = world.host(t.host).fs;
  let target: TargetRef;
  if (t.uuid !== undefined) target = { fs: targetFs, uuid: t.uuid.toLowerCase() };
  else {
    const parent = t.parent ?? firstParent(world, t.host);
    target = t.type === undefined ? { fs: targetFs, parent } : { fs: targetFs, parent, type: t.type };
  }
  const targetLabel = `${t.host}:${'uuid' in target ? target.uuid : `${target.parent}${t.type ? `/${t.type}` : ''}`}`;
  const verdict = checkCompatibility(source, target, { mode });
  return {
    kind: 'check',
    title: action.title ?? `check #${index + 1}`,
    source: sourceLabel,
    target: targetLabel,
    mode,
    verdict,
    transcript: verdictTranscript(verdict, { source: sourceHost, target: t.host }),
  };
}

export function splitHostUuid(text: string): [string, string] {
  const colon = text.indexOf(':');
  return [text.slice(0, colon), text.slice(colon + 1)];
}

export function firstParent(world: World, host: string): string {
  const first = world.host(host).kernel.parents.keys().next();
  if (first.done) throw new MdevsimError('no-parent', `host '${host}' has no mdev parent`);
  return first.value;
}
