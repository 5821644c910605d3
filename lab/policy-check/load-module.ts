import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { VersionPolicy } from '../../devices/policies/policy.ts';
import { describeValue } from './outcome.ts';
import type { PolicyInfo } from './worker-protocol.ts';

export type LoadedModule =
  | { readonly ok: true; readonly policy: VersionPolicy; readonly info: PolicyInfo }
  | { readonly ok: false; readonly message: string };

/**
 * Imports a user's TypeScript or JavaScript module (through tsx, so `.ts` works with or without a
 * `"type": "module"` package) and finds its VersionPolicy: the export named `policy`, else the
 * default export (also when tsx wrapped a CommonJS-compiled module in `default`). Runs inside the
 * worker: a throw, a hang, or garbage here is contained by the caller.
 */
export async function loadPolicyModule(modulePath: string): Promise<LoadedModule> {
  let namespace: unknown;
  try {
    namespace = await tsImport(pathToFileURL(modulePath).href, import.meta.url);
  } catch (error) {
    return { ok: false, message: `module ${basename(modulePath)} threw at import: ${thrown(error)}` };
  }
  try {
    return findPolicy(namespace, modulePath);
  } catch (error) {
    return { ok: false, message: `module ${basename(modulePath)} exports throw when read: ${thrown(error)}` };
  }
}

function findPolicy(namespace: unknown, modulePath: string): LoadedModule {
  const ns = (namespace ?? {}) as Record<string, unknown>;
  const inner = (typeof ns['default'] === 'object' && ns['default'] !== null ? ns['default'] : {}) as Record<
    string,
    unknown
  >;
  const candidates = [ns['policy'], ns['default'], inner['policy'], inner['default']];
  const policy = candidates.find(isPolicyShaped);
  if (policy === undefined) {
    return {
      ok: false,
      message:
        `module ${basename(modulePath)} exports no VersionPolicy (an object with show() and store() methods, ` +
        `as the default export or named 'policy'); found default: ${describeExport(ns, 'default')}, ` +
        `policy: ${describeExport(ns, 'policy')}`,
    };
  }
  const name = typeof policy.name === 'string' ? policy.name : basename(modulePath);
  const description = typeof policy.description === 'string' ? policy.description : '(no description)';
  return { ok: true, policy, info: { name, description } };
}

function isPolicyShaped(value: unknown): value is VersionPolicy {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['show'] === 'function' && typeof v['store'] === 'function';
}

/** What the module exports under `key`, looking through tsx's CommonJS wrapper (`default.default`). */
function describeExport(ns: Record<string, unknown>, key: string): string {
  const wrapper = ns['default'];
  const unwrapped =
    typeof wrapper === 'object' && wrapper !== null && key in wrapper
      ? (wrapper as Record<string, unknown>)
      : ns;
  return key in unwrapped ? describeValue(unwrapped[key]) : '(absent)';
}

function thrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : describeValue(error);
}
