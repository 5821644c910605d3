import { describe, expect, it } from 'vitest';
import { aggregatePolicy } from '../../../devices/policies/aggregate.ts';
import type { VersionFacts } from '../../../devices/policies/policy.ts';
import { ctxOf, gvtgFacts } from './ctx.ts';

const aggr = (typeName: string, units: string, aggregate?: string): VersionFacts =>
  gvtgFacts({
    driver: 'aggr',
    typeId: `i915-${typeName}`,
    typeName,
    properties: aggregate === undefined ? { units } : { units, aggregate },
  });

function migrate(source: VersionFacts, target: VersionFacts) {
  const shown = aggregatePolicy.show(ctxOf(source));
  if (typeof shown !== 'string') return shown;
  return aggregatePolicy.store(ctxOf(target), shown);
}

describe('aggregate policy (kernel.md §2.4)', () => {
  it('prints family and total units', () => {
    expect(aggregatePolicy.show(ctxOf(aggr('GVTg_V5_4', '2', '2')))).toBe('8086-193b-GVTg_V5*4');
  });

  it('treats GVTg_V5_2x1, GVTg_V5_4x2 and GVTg_V5_8x4 as equivalent', () => {
    const hosts = [aggr('GVTg_V5_2', '4'), aggr('GVTg_V5_4', '2', '2'), aggr('GVTg_V5_8', '1', '4')];
    for (const a of hosts) for (const b of hosts) expect(migrate(a, b)).toBe(true);
  });

  it('refuses a different total or different hardware', () => {
    expect(migrate(aggr('GVTg_V5_4', '2', '1'), aggr('GVTg_V5_8', '1', '4'))).toMatchObject({
      errno: 'EINVAL',
    });
    expect(migrate(aggr('GVTg_V5_4', '2'), { ...aggr('GVTg_V5_4', '2'), deviceId: '191b' })).toMatchObject({
      errno: 'EINVAL',
    });
  });

  it('is ENODEV on bad units or aggregate', () => {
    for (const facts of [aggr('GVTg_V5_4', '0'), aggr('GVTg_V5_4', 'x'), aggr('GVTg_V5_4', '2', '0')]) {
      expect(aggregatePolicy.show(ctxOf(facts))).toMatchObject({ errno: 'ENODEV' });
      expect(aggregatePolicy.store(ctxOf(facts), '')).toMatchObject({ errno: 'ENODEV' });
    }
  });
});
