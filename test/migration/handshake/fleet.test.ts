import { describe, expect, it } from 'vitest';
import { checkCompatibility } from '../../../migration/handshake/check.ts';
import { offerToParents } from '../../../migration/handshake/fleet.ts';
import type { Answer } from '../../../migration/handshake/steps.ts';
import { loadScenario } from '../../../scenarios/load.ts';
import { MODELED } from './fixtures.ts';

/**
 * `offerToParents`, the fleet form the matrix uses: one source read, one write per target. It
 * must answer exactly as `checkCompatibility(source, target)` does for each pair (R7 step 0, R1/R6
 * step 1, R3/R6 step 2), token and reason included; only the audit trail is dropped.
 */
describe('offerToParents ≡ checkCompatibility per pair (kernel.md §2.2 R1, R3, R6, R7)', () => {
  it('every answer, for sources that are compatible, refused, absent (R1), unreadable (R6) and of a type the target lacks', async () => {
    const gvt = (
      address: string,
      pciId: string,
      migration: unknown,
      properties?: Record<string, string>,
    ) => ({
      driver: 'gvtg',
      address,
      pciId,
      migration,
      options: MODELED,
      ...(properties === undefined ? {} : { properties }),
    });
    const world = await loadScenario({
      hosts: [
        {
          name: 'a',
          parents: [
            gvt('0000:00:02.0', '8086:193b', { revision: 'v4' }),
            gvt('0000:00:03.0', '8086:191b', { revision: 'v4' }),
            gvt('0000:00:04.0', '8086:193b', { revision: 'v2' }),
            gvt('0000:00:05.0', '8086:193b', false),
            gvt(
              '0000:00:06.0',
              '8086:193b',
              { revision: 'v4', policy: 'range' },
              { board: 'B', ecc: 'on', migration: 'off' },
            ),
            { driver: 'mtty' },
          ],
        },
        { name: 'b', parents: [gvt('0000:00:02.0', '8086:193b', { revision: 'v4' }), { driver: 'mtty' }] },
      ],
    });
    const targets = world.hosts.flatMap((h) =>
      [...h.kernel.parents.keys()].map((parent) => ({ fs: h.fs, parent })),
    );
    const kinds = new Set<string>();
    for (const host of world.hosts) {
      for (const parent of host.kernel.parents.values()) {
        for (const type of parent.types.keys()) {
          const source = { fs: host.fs, parent: parent.name, type };
          const expected: Answer[] = targets.map((t) => {
            const { touched: _touched, ...answer } = checkCompatibility(source, t);
            return answer;
          });
          expect(offerToParents(source, targets)).toEqual(expected);
          for (const a of expected) kinds.add(`${a.verdict}@${a.step}${a.errno ?? ''}`);
        }
      }
    }
    expect([...kinds].sort()).toEqual([
      'compatible@2',
      'incompatible@0ENOENT',
      'incompatible@2EACCES',
      'incompatible@2EINVAL',
      'incompatible@2ENODEV',
      'not-migratable@1ENODEV',
      'not-migratable@1ENOENT',
    ]);
  });

  it('no targets: no answers (and the source is still read once, without error)', async () => {
    const world = await loadScenario({ hosts: [{ name: 'h', parents: [{ driver: 'mtty' }] }] });
    expect(offerToParents({ fs: world.host('h').fs, parent: 'mtty', type: 'mtty-1' }, [])).toEqual([]);
  });
});
