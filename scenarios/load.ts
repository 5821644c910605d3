import type { VendorDriver } from '../devices/driver.ts';
import { BUILTIN_DRIVERS } from '../devices/drivers/registry.ts';
import type { VersionPolicy } from '../devices/policies/policy.ts';
import type { World } from '../sysfs/world.ts';
import { buildWorld } from './build-world.ts';
import { parseScenarioText } from './parse-source.ts';
import { formatDocPath, ScenarioError } from './scenario-error.ts';
import { type WorldDocument, WorldSchema } from './schema.ts';

export interface LoadOptions {
  /** Extra or replacement vendor drivers by scenario name. */
  readonly drivers?: ReadonlyMap<string, VendorDriver>;
  /** Version policies by name, in addition to the built-in ones (a user's plug-ins). */
  readonly policies?: ReadonlyMap<string, VersionPolicy>;
  /**
   * Device state payload for every parent whose driver can model it (the GPU-like ones):
   * `real` bytes, or `modeled` sizes only, overriding each parent's own `options.payload`.
   */
  readonly payload?: 'real' | 'modeled';
}

/** Validates a scenario (YAML/JSON text or a plain object) into a typed document. */
export function parseScenario(source: string | object): WorldDocument {
  const data = typeof source === 'string' ? parseScenarioText(source) : source;
  const result = WorldSchema.safeParse(data);
  if (!result.success) {
    throw new ScenarioError(
      result.error.issues.map((i) => ({ path: formatDocPath(i.path), message: i.message })),
    );
  }
  return result.data;
}

/**
 * The public entry point: a scenario (YAML or JSON text, or a plain object) → a World. Any
 * problem is a ScenarioError whose message names the path in the document.
 */
export async function loadScenario(source: string | object, options: LoadOptions = {}): Promise<World> {
  const doc = parseScenario(source);
  const drivers =
    options.drivers === undefined ? BUILTIN_DRIVERS : new Map([...BUILTIN_DRIVERS, ...options.drivers]);
  return buildWorld(withPayload(doc, drivers, options.payload), drivers, options.policies);
}

function withPayload(
  doc: WorldDocument,
  drivers: ReadonlyMap<string, VendorDriver>,
  payload: 'real' | 'modeled' | undefined,
): WorldDocument {
  if (payload === undefined) return doc;
  return {
    ...doc,
    hosts: doc.hosts.map((host) => ({
      ...host,
      parents: host.parents.map((p) =>
        drivers.get(p.driver)?.modeledPayload ? { ...p, options: { ...p.options, payload } } : p,
      ),
    })),
  };
}
