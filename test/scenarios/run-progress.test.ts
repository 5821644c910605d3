import { describe, expect, it } from 'vitest';
import { runScenarioText } from '../../scenarios/run.ts';

const DOC = `
hosts:
  - name: a
    parents: [{ driver: mtty }]
  - name: b
    parents: [{ driver: mtty }]
instances:
  - { host: a, parent: mtty, type: mtty-1, uuid: 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001 }
actions:
  - check: { title: first, from: "a:83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", to: b }
  - migrate: { title: second, from: "a:83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", to: b }
`;

describe('runScenarioText onProgress (drives the CLI progress bar)', () => {
  it('reports each finished action with its title', async () => {
    const seen: [number, number, string][] = [];
    const report = await runScenarioText(DOC, (done, total, title) => seen.push([done, total, title]));
    expect(seen).toEqual([
      [1, 2, 'first'],
      [2, 2, 'second'],
    ]);
    expect(report.sections.map((s) => s.kind)).toEqual(['check', 'migrate']);
  });
});
