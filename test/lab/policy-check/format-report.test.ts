import { describe, expect, it } from 'vitest';
import { checkPolicy } from '../../../lab/policy-check/check-policy.ts';
import { formatReport } from '../../../lab/policy-check/format-report.ts';
import { printValue } from '../../../lab/policy-check/print-value.ts';

describe('formatReport', () => {
  it('prints one line per property, the verdict, then the counterexample and how to replay it', async () => {
    const text = formatReport(await checkPolicy('broken-capacity'));
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'policy check: broken-capacity (policy) — broken-capacity: BROKEN: exact, but refuses with ENOSPC when available_instances is 0',
    );
    expect(lines[1]).toBe('seed 20190505, 100 runs per property');
    expect(lines.filter((l) => /^ {2}(PASS|FAIL|ERROR) /.test(l))).toHaveLength(6);
    expect(text).toMatch(
      /^ {2}FAIL {3}capacity-independent +required +verdict depends on available_instances: 0 -> ENOSPC, 1 -> true$/m,
    );
    expect(text).toContain('RESULT: FAIL (1 of 4 required properties failed)');
    expect(text).toMatch(/^ {4}availableInstances: \[0, 1\]$/m);
    expect(text).toMatch(/^ {4}written: '8086-193b-i915-GVTg_V5_4'$/m);
    expect(text).toMatch(
      /^ {2}replay: checkPolicy\('broken-capacity', \{ seed: 20190505, path: '[\d:]+', properties: \['capacity-independent'\] \}\)$/m,
    );
  });

  it('says OK for a correct policy and ERROR when nothing could be checked', async () => {
    expect(formatReport(await checkPolicy('exact', { numRuns: 10 }))).toContain(
      'RESULT: OK (all 4 required properties hold)',
    );
    const error = formatReport(await checkPolicy('nothing'));
    expect(error).toContain('RESULT: ERROR (4 of 4 required properties could not be checked)');
    expect(error.match(/\(same error\)/g)).toHaveLength(5);
  });
});

describe('printValue', () => {
  it('escapes control and high bytes and cuts long strings', () => {
    expect(printValue("a\0b\n\x80\xff'")).toBe("'a\\0b\\n\\x80\\xff\\''");
    expect(printValue('x'.repeat(200), 4)).toBe("'xxxx'... (200 chars)");
    expect(printValue({ a: [1, 'b'], c: {} })).toBe("{ a: [1, 'b'], c: {} }");
  });
});
