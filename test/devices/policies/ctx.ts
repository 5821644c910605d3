import type { PolicyContext, Revision, VersionFacts } from '../../../devices/policies/policy.ts';

/** Test helpers: GVT-g-like facts and a context around them. */
export function gvtgFacts(overrides: Partial<VersionFacts> = {}): VersionFacts {
  return {
    driver: 'gvtg',
    vendorId: '8086',
    deviceId: '193b',
    typeId: 'i915-GVTg_V5_4',
    typeName: 'GVTg_V5_4',
    softwareVersion: '1.2.0',
    properties: {},
    ...overrides,
  };
}

export function ctxOf(facts: VersionFacts, revision: Revision = 'v2', availableInstances = 1): PolicyContext {
  return { facts, revision, availableInstances };
}
