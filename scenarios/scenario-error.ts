import { MdevsimError } from '../core/errors.ts';

/** One problem in a scenario document, located by its path (`hosts[1].parents[0].driver`). */
export interface ScenarioIssue {
  readonly path: string;
  readonly message: string;
}

/** A scenario that cannot be loaded; the message lists every issue with its document path. */
export class ScenarioError extends MdevsimError {
  override readonly name = 'ScenarioError';
  readonly issues: readonly ScenarioIssue[];

  constructor(issues: readonly ScenarioIssue[]) {
    super('invalid-scenario', issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n'));
    this.issues = issues;
  }
}

/** `['hosts', 1, 'parents', 0, 'driver']` → `hosts[1].parents[0].driver`. */
export function formatDocPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
