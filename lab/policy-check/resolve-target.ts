import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { allSampleFacts, DRIVER_POLICY, DRIVER_SAMPLE_FACTS } from '../../devices/policies/driver-samples.ts';
import type { VersionFacts, VersionPolicy } from '../../devices/policies/policy.ts';
import { policyEntry, policyNames } from '../../devices/policies/registry.ts';
import type { CheckOptions, TargetKind } from './types.ts';

/** What a `checkPolicy` target names, with the facts to generate from. */
export type ResolvedTarget =
  | {
      readonly kind: Exclude<TargetKind, 'module' | 'unknown'>;
      readonly label: string;
      readonly create: () => VersionPolicy;
      readonly samples: readonly VersionFacts[];
    }
  | {
      readonly kind: 'module';
      readonly label: string;
      readonly modulePath: string;
      readonly samples: readonly VersionFacts[];
    }
  | { readonly kind: 'invalid'; readonly label: string; readonly message: string };

const MODULE_LIKE = /[\\/]|\.[cm]?[jt]s$/;

/**
 * Built-in policy name first, then built-in driver name (its default policy and sample facts, both
 * overridable by hooks), then a module path. Anything else is `invalid` with a message.
 */
export function resolveTarget(target: string | VersionPolicy, options: CheckOptions): ResolvedTarget {
  if (typeof target !== 'string') {
    const label = typeof target.name === 'string' ? target.name : '(policy object)';
    return { kind: 'object', label, create: () => target, samples: options.facts ?? allSampleFacts() };
  }
  const entry = policyEntry(target);
  if (entry !== undefined) {
    return {
      kind: 'policy',
      label: target,
      create: entry.create,
      samples: options.facts ?? samplesForPolicy(target),
    };
  }
  const driverPolicy = options.policyFor?.(target) ?? DRIVER_POLICY[target];
  if (driverPolicy !== undefined) {
    const policy = policyEntry(driverPolicy);
    if (policy === undefined) {
      return {
        kind: 'invalid',
        label: target,
        message: `driver '${target}' maps to unknown policy '${driverPolicy}'`,
      };
    }
    const samples = options.facts ?? options.factsFor?.(target) ?? DRIVER_SAMPLE_FACTS[target];
    if (samples === undefined || samples.length === 0) {
      return {
        kind: 'invalid',
        label: target,
        message: `no sample facts for driver '${target}' (pass factsFor or facts)`,
      };
    }
    return { kind: 'driver', label: target, create: policy.create, samples };
  }
  if (MODULE_LIKE.test(target)) {
    const modulePath = resolve(options.cwd ?? process.cwd(), target);
    if (!existsSync(modulePath))
      return { kind: 'invalid', label: target, message: `no such module file: ${modulePath}` };
    return { kind: 'module', label: target, modulePath, samples: options.facts ?? allSampleFacts() };
  }
  const drivers = Object.keys(DRIVER_POLICY).join(', ');
  return {
    kind: 'invalid',
    label: target,
    message: `unknown target '${target}': not a built-in policy (${policyNames().join(', ')}), a driver (${drivers}), or a module path`,
  };
}

/** Samples of the drivers that use this policy by default; every sample when none does. */
function samplesForPolicy(name: string): readonly VersionFacts[] {
  const drivers = Object.keys(DRIVER_POLICY).filter((d) => DRIVER_POLICY[d] === name);
  const samples = drivers.flatMap((d) => DRIVER_SAMPLE_FACTS[d] ?? []);
  return samples.length > 0 ? samples : allSampleFacts();
}
