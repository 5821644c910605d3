import { describe, expect, it } from 'vitest';
import { checkPolicy } from '../../../lab/policy-check/check-policy.ts';
import type { PolicyReport, PropertyName, PropertyResult } from '../../../lab/policy-check/types.ts';

function property(report: PolicyReport, name: PropertyName): PropertyResult {
  const found = report.properties.find((p) => p.name === name);
  if (found === undefined) throw new Error(`no ${name} in report`);
  return found;
}

describe('checkPolicy catches each deliberately broken policy', () => {
  it('broken-capacity fails capacity-independent at availableInstances 0, shrunk', async () => {
    const report = await checkPolicy('broken-capacity');
    expect(report.ok).toBe(false);
    const p = property(report, 'capacity-independent');
    expect(p).toMatchObject({ status: 'fail', kind: 'required', shrunk: true });
    expect(p.counterexample?.['availableInstances']).toEqual([0, 1]);
    expect(p.counterexample?.['verdicts']).toEqual(['ENOSPC', 'true']);
    expect(p.message).toMatch(/available_instances: 0 -> ENOSPC/);
    expect(property(report, 'reflexive').status).toBe('pass');
  });

  it('broken-not-reflexive fails reflexive with the own string as counterexample', async () => {
    const report = await checkPolicy('broken-not-reflexive');
    const p = property(report, 'reflexive');
    expect(p.status).toBe('fail');
    expect(p.message).toMatch(/refused the type's own string with EINVAL/);
    expect(p.counterexample?.['written']).toMatch(/^[0-9a-f]{4}-[0-9a-f]{4}-.+-\d+\.\d+\.\d+$/);
    expect(p.counterexample?.['availableInstances']).toBe(1);
  });

  it('broken-throws-non-ascii fails robust with a small counterexample holding one high byte', async () => {
    const report = await checkPolicy('broken-throws-non-ascii');
    const p = property(report, 'robust');
    expect(p).toMatchObject({ status: 'fail', shrunk: true });
    expect(p.message).toMatch(/store\(\) threw RangeError/);
    const written = String(p.counterexample?.['written']);
    expect(written.length).toBeLessThanOrEqual(64);
    expect([...written].filter((c) => c.charCodeAt(0) >= 0x80)).toHaveLength(1);
  });

  it('broken-nondeterministic fails deterministic', async () => {
    const report = await checkPolicy('broken-nondeterministic');
    const p = property(report, 'deterministic');
    expect(p.status).toBe('fail');
    expect(p.message).toMatch(/store\(\) answered (true|EINVAL), then (true|EINVAL)/);
    expect(property(report, 'capacity-independent').status).toBe('pass');
  });

  it('broken-mutates fails robust (hidden state) after a refused write of the empty string', async () => {
    const report = await checkPolicy('broken-mutates');
    const p = property(report, 'robust');
    expect(p.status).toBe('fail');
    expect(p.message).toMatch(/hidden state/);
    expect(p.counterexample?.['written']).toBe('');
    expect(p.counterexample?.['probeAfter']).toContain('EBUSY');
  });

  it('replays a failure from its seed and path', async () => {
    const first = property(await checkPolicy('broken-capacity'), 'capacity-independent');
    const replay = await checkPolicy('broken-capacity', {
      seed: first.seed,
      ...(first.path === undefined ? {} : { path: first.path }),
      properties: ['capacity-independent'],
    });
    expect(replay.properties).toHaveLength(1);
    expect(replay.properties[0]?.counterexample).toEqual(first.counterexample);
  });
});
