import { describe, expect, it } from 'vitest';
import { checkPolicy } from '../../../lab/policy-check/check-policy.ts';

describe('checkPolicy onProgress (drives the CLI progress bar)', () => {
  it('reports each finished property in order, with the total', async () => {
    const seen: [number, number, string][] = [];
    await checkPolicy('exact', {
      numRuns: 5,
      onProgress: (done, total, name) => seen.push([done, total, name]),
    });
    expect(seen).toEqual([
      [1, 6, 'reflexive'],
      [2, 6, 'capacity-independent'],
      [3, 6, 'robust'],
      [4, 6, 'deterministic'],
      [5, 6, 'symmetric'],
      [6, 6, 'transitive'],
    ]);
  });
});
