import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allCommands } from './model/arbitraries.ts';
import { checkInvariants } from './model/invariants.ts';
import { outcomeTally } from './model/targets.ts';
import { freshPair, typePath } from './model/world-model.ts';

/**
 * Model-based invariants (style.md §A.6; DESIGN.md principle 2) over two hosts: `lab` (mtty) and
 * `gpu` (gvtg, aggr, vgpu and a max_instances-counted gvtg). Every command (CreateMdev,
 * RemoveMdev, ReadAvailable, WriteRandomBytes; one file each under model/commands) compares the
 * simulator's answer with the model's, then checks every invariant.
 */
describe('sysfs ≡ model under random create/remove/read/write sequences', () => {
  it('the initial state satisfies the invariants', () => {
    const { model, real } = freshPair();
    checkInvariants(real, model);
  });

  it('kernel.md §1.3/§1.4/§5.1/§8: answers match the model; available_instances, devices/, links and UUID uniqueness hold after every command', () => {
    outcomeTally.clear();
    fc.assert(
      fc.property(fc.commands(allCommands, { maxCommands: 60, size: 'medium' }), (cmds) => {
        fc.modelRun(freshPair, cmds);
      }),
      { numRuns: 40 },
    );
    // The run must have reached every rule it claims to check (a generator gone stale fails here).
    for (const outcome of ['ok', 'EEXIST', 'EUSERS', 'ENOSPC', 'EINVAL', 'EACCES', 'EISDIR', 'ENOENT']) {
      expect(outcomeTally.get(outcome) ?? 0, outcome).toBeGreaterThan(0);
    }
  });

  it('removal frees capacity: removing every instance leaves exactly the capacity of an empty host', () => {
    fc.assert(
      fc.property(fc.commands(allCommands, { maxCommands: 30 }), (cmds) => {
        const pair = freshPair();
        fc.modelRun(() => pair, cmds);
        for (const h of pair.model.hosts) {
          for (const uuid of [...h.devices.keys()]) {
            expect(pair.real.host(h.name).sysfs.write(`/sys/bus/mdev/devices/${uuid}/remove`, '1')).toBe(1);
            h.devices.delete(uuid);
          }
        }
        checkInvariants(pair.real, pair.model);
        const empty = pair.model.hosts.map((h) =>
          h.parents.flatMap((p) =>
            p.types.map((t) => pair.real.host(h.name).sysfs.read(`${typePath(p, t)}/available_instances`)),
          ),
        );
        expect(empty).toEqual([
          ['24\n', '12\n'],
          [
            ...['1\n', '2\n', '4\n', '8\n'],
            ...['1\n', '2\n', '4\n', '8\n'],
            ...['16\n', '16\n', '8\n', '4\n', '1\n'],
            ...['1\n', '1\n', '1\n', '1\n'],
          ],
        ]);
      }),
      { numRuns: 30 },
    );
  });
});
