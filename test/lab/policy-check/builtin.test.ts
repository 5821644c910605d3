import { describe, expect, it } from 'vitest';
import { policyNames } from '../../../devices/policies/registry.ts';
import { checkPolicy } from '../../../lab/policy-check/check-policy.ts';
import type { PolicyReport, PropertyName } from '../../../lab/policy-check/types.ts';

const REQUIRED = ['reflexive', 'capacity-independent', 'robust', 'deterministic'];

function statuses(report: PolicyReport): Record<string, string> {
  return Object.fromEntries(report.properties.map((p) => [p.name, p.status]));
}

describe('checkPolicy on the correct built-ins', () => {
  it.each([...policyNames({ includeBroken: false }), 'gvtg', 'mtty', 'vgpu', 'aggr'])(
    '%s passes every required property',
    async (target) => {
      const report = await checkPolicy(target, { numRuns: 200 });
      expect(report.ok).toBe(true);
      for (const p of report.properties.filter((r) => r.kind === 'required')) {
        expect(p.status, `${p.name}: ${p.message}`).toBe('pass');
        expect(p.message).toMatch(/held for 200 runs/);
        expect(p.message).not.toMatch(/vacuous/);
      }
      expect(report.properties.map((p) => p.name)).toEqual([...REQUIRED, 'symmetric', 'transitive']);
    },
  );

  it('reports the directional policies as asymmetric, as information only', async () => {
    for (const target of ['software-version', 'range']) {
      const report = await checkPolicy(target);
      const symmetric = report.properties.find((p) => p.name === 'symmetric');
      expect(symmetric).toMatchObject({ kind: 'info', status: 'fail' });
      expect(report.ok).toBe(true);
    }
    expect(statuses(await checkPolicy('exact'))).toMatchObject({ symmetric: 'pass', transitive: 'pass' });
  });

  it('classifies targets: policy, driver, object', async () => {
    expect((await checkPolicy('exact', { numRuns: 5 })).targetKind).toBe('policy');
    const driver = await checkPolicy('gvtg', { numRuns: 5 });
    expect(driver).toMatchObject({ targetKind: 'driver', policy: { name: 'exact' } });
    const object = await checkPolicy(
      {
        name: 'inline',
        description: 'd',
        show: () => 'x',
        store: (_ctx, w) => (w === 'x' || w === 'x\n' ? true : { errno: 'EINVAL' }),
      },
      { numRuns: 20 },
    );
    expect(object).toMatchObject({ targetKind: 'object', ok: true, policy: { name: 'inline' } });
  });

  it('uses the driver hooks: policyFor and factsFor', async () => {
    const [sample] =
      (await import('../../../devices/policies/driver-samples.ts')).DRIVER_SAMPLE_FACTS['gvtg'] ?? [];
    const report = await checkPolicy('my-driver', {
      numRuns: 20,
      policyFor: (d) => (d === 'my-driver' ? 'software-version' : undefined),
      factsFor: (d) =>
        d === 'my-driver' && sample !== undefined ? [{ ...sample, driver: 'my-driver' }] : undefined,
    });
    expect(report).toMatchObject({ targetKind: 'driver', ok: true, policy: { name: 'software-version' } });
  });

  it('reports an unknown target or property as error on every property, without throwing', async () => {
    const report = await checkPolicy('no-such-thing');
    expect(report.ok).toBe(false);
    expect(report.targetKind).toBe('unknown');
    for (const p of report.properties) {
      expect(p.status).toBe('error');
      expect(p.message).toMatch(/unknown target 'no-such-thing'/);
    }
    const missing = await checkPolicy('./does/not/exist.ts');
    expect(missing.properties[0]?.message).toMatch(/no such module file/);
    const untyped = ['nope'] as unknown as readonly PropertyName[]; // what an untyped caller could pass
    const bad = await checkPolicy('exact', { properties: untyped });
    expect(bad.properties[0]).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/unknown properties: nope/),
    });
  });

  it('is reproducible: same seed, same report', async () => {
    const a = await checkPolicy('software-version', { seed: 7 });
    const b = await checkPolicy('software-version', { seed: 7 });
    expect(a).toEqual(b);
  });
});
