import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPolicy } from '../../../lab/policy-check/check-policy.ts';
import type { PolicyReport } from '../../../lab/policy-check/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'mdevsim-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function module(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

const GOOD = `
import type { PolicyContext, VersionPolicy } from '${join(process.cwd(), 'devices/policies/policy.ts')}';
const own = (ctx: PolicyContext): string => \`\${ctx.facts.vendorId}-\${ctx.facts.deviceId}-\${ctx.facts.typeId}\`;
const policy: VersionPolicy = {
  name: 'user-exact',
  description: 'vendor-device-type, exact',
  show: own,
  store(ctx, written) {
    const text = written.split('\\0')[0] ?? '';
    return text === own(ctx) || text === \`\${own(ctx)}\\n\` ? true : { errno: 'EINVAL' };
  },
};
export default policy;
`;

/** Small budget for the modules that hang; a generous one for the rest, so a loaded machine does not flake. */
const BUDGET = 2000;
const HANG = { numRuns: 30, timeoutMs: BUDGET } as const;
const FEW = { numRuns: 30, timeoutMs: 20_000 } as const;

function expectAllError(report: PolicyReport, pattern: RegExp): void {
  expect(report.ok).toBe(false);
  expect(report.properties).toHaveLength(6);
  for (const p of report.properties) {
    expect(p.status).toBe('error');
    expect(p.message).toMatch(pattern);
  }
}

describe('checkPolicy on user modules (worker-contained)', () => {
  it('passes a good TypeScript module with a default export', async () => {
    const report = await checkPolicy(module('good.ts', GOOD), FEW);
    expect(report).toMatchObject({ targetKind: 'module', ok: true, policy: { name: 'user-exact' } });
    expect(report.properties.every((p) => p.status === 'pass')).toBe(true);
  });

  it('finds a named `policy` export in a JavaScript module, resolving a relative path against cwd', async () => {
    module(
      'named.mjs',
      GOOD.replace(/^import type.*$/m, '')
        .replace(/: (PolicyContext|VersionPolicy|string)/g, '')
        .replace('export default policy;', 'export { policy };'),
    );
    const report = await checkPolicy('named.mjs', { ...FEW, cwd: dir, properties: ['reflexive'] });
    expect(report).toMatchObject({ ok: true, policy: { name: 'user-exact' } });
  });

  it('reports a module that throws at import', async () => {
    const report = await checkPolicy(module('throws.ts', "throw new Error('boom at import');\n"), FEW);
    expectAllError(report, /throws\.ts threw at import: Error: boom at import/);
  });

  it('reports a module that exports garbage', async () => {
    const report = await checkPolicy(
      module('garbage.ts', 'export default 42;\nexport const policy = { show: 1 };\n'),
      FEW,
    );
    expectAllError(report, /exports no VersionPolicy.*found default: number 42, policy: an object \{show\}/);
  });

  it('reports a module that hangs at import, within the budget', async () => {
    const started = performance.now();
    const report = await checkPolicy(module('hangs.ts', 'while (true) {}\nexport default {};\n'), HANG);
    expectAllError(report, /did not finish loading within 2000 ms/);
    expect(performance.now() - started).toBeLessThan(BUDGET + 15_000);
  });

  it('reports a policy that hangs in store() per property, naming the call it hung in', async () => {
    const path = module(
      'hang-store.ts',
      "export const policy = { name: 'h', description: 'h', show: () => 'x', store: () => { for (;;) {} } };\n",
    );
    const report = await checkPolicy(path, { ...HANG, properties: ['reflexive', 'robust'] });
    expect(report.properties).toHaveLength(2);
    for (const p of report.properties) {
      expect(p.status).toBe('error');
      expect(p.message).toMatch(new RegExp(`timed out after ${BUDGET} ms in property '${p.name}'`));
      expect(p.counterexample).toMatchObject({ call: 'store()' });
    }
  });

  it('fails (not errors) a policy that returns garbage, with a counterexample', async () => {
    const path = module(
      'returns-false.ts',
      "export default { name: 'f', description: 'f', show: () => 'x', store: () => false };\n",
    );
    const report = await checkPolicy(path, FEW);
    const reflexive = report.properties.find((p) => p.name === 'reflexive');
    expect(reflexive).toMatchObject({
      status: 'fail',
      message: 'store() returned boolean false, expected true or an Errno',
    });
    expect(reflexive?.counterexample?.['written']).toBe('x');
  });

  it('contains a policy that ends its worker (process.exit) as an error of that property, and goes on', async () => {
    const path = module(
      'exits.ts',
      "export default { name: 'e', description: 'e', show: () => 'x', store: (_c: unknown, w: string) => { if (w !== 'x' && w !== 'x\\n') process.exit(3); return true; } };\n",
    );
    const report = await checkPolicy(path, { ...FEW, properties: ['reflexive', 'robust', 'symmetric'] });
    expect(report.properties.map((p) => [p.name, p.status])).toEqual([
      ['reflexive', 'pass'],
      ['robust', 'error'],
      ['symmetric', 'pass'],
    ]);
    expect(report.properties[1]?.message).toMatch(/in property 'robust': the worker exited \(code 3\)/);
    expect(report.properties[1]?.counterexample).toMatchObject({ call: 'store()' });
  });

  it('catches hidden state in a module policy', async () => {
    const path = module(
      'stateful.ts',
      "let n = 0;\nexport default { name: 's', description: 's', show: () => 'x', store: (_c: unknown, w: string) => (++n > 3 ? { errno: 'EBUSY' } : w === 'x' || w === 'x\\n' ? true : { errno: 'EINVAL' }) };\n",
    );
    const report = await checkPolicy(path, FEW);
    expect(report.ok).toBe(false);
    expect(report.properties.find((p) => p.name === 'reflexive')?.status).toBe('fail');
  });
});
