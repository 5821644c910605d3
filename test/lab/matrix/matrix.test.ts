import { beforeAll, describe, expect, it } from 'vitest';
import { matrixCsv, matrixJson, matrixTable } from '../../../lab/matrix/format.ts';
import { compatibilityMatrix, type MatrixCell } from '../../../lab/matrix/matrix.ts';
import { checkCompatibility } from '../../../migration/handshake/check.ts';
import { loadScenario } from '../../../scenarios/load.ts';
import type { World } from '../../../sysfs/world.ts';

/**
 * The fleet compatibility matrix: every type on every parent (source) × every parent (target),
 * each cell the userspace check's verdict through the hosts' fs views (kernel.md §2.2 R7, R3, R6).
 * Three mtty hosts on driver versions 1.0.0, 1.1.0 and 2.0.0 (software-version policy: same
 * major, target minor ≥ source minor), an mtty host without the attribute (R1) and a GVT-g host.
 */
function smallWorld(): Promise<World> {
  return loadScenario({
    hosts: [
      { name: 'm1', parents: [{ driver: 'mtty', softwareVersion: '1.0.0' }] },
      { name: 'm2', parents: [{ driver: 'mtty', softwareVersion: '1.1.0' }] },
      { name: 'm3', parents: [{ driver: 'mtty', softwareVersion: '2.0.0' }] },
      { name: 'off', parents: [{ driver: 'mtty', migration: false }] },
      {
        name: 'g',
        parents: [
          { driver: 'gvtg', address: '0000:00:02.0', pciId: '8086:193b', options: { payload: 'modeled' } },
        ],
      },
    ],
  });
}

const TABLE = `source \\ target                m1/mtty     m2/mtty     m3/mtty     off/mtty    g/0000:00:02.0
m1/mtty mtty-1                 ok          ok          no(EINVAL)  no(EACCES)  type
m1/mtty mtty-2                 ok          ok          no(EINVAL)  no(EACCES)  type
m2/mtty mtty-1                 no(EINVAL)  ok          no(EINVAL)  no(EACCES)  type
m2/mtty mtty-2                 no(EINVAL)  ok          no(EINVAL)  no(EACCES)  type
m3/mtty mtty-1                 no(EINVAL)  no(EINVAL)  ok          no(EACCES)  type
m3/mtty mtty-2                 no(EINVAL)  no(EINVAL)  ok          no(EACCES)  type
off/mtty mtty-1                n/m         n/m         n/m         n/m         type
off/mtty mtty-2                n/m         n/m         n/m         n/m         type
g/0000:00:02.0 i915-GVTg_V5_1  type        type        type        type        ok
g/0000:00:02.0 i915-GVTg_V5_2  type        type        type        type        ok
g/0000:00:02.0 i915-GVTg_V5_4  type        type        type        type        ok
g/0000:00:02.0 i915-GVTg_V5_8  type        type        type        type        ok
`;

describe('compatibilityMatrix (lab/matrix)', () => {
  let world: World;
  let cells: MatrixCell[];
  beforeAll(async () => {
    world = await smallWorld();
    cells = compatibilityMatrix(world);
  });

  it('12 sources (mtty 3×2 + off 2 + GVT-g 4) × 5 targets = 60 cells, sources in host order', () => {
    expect(cells).toHaveLength(60);
    expect(cells[0]).toEqual({
      sourceHost: 'm1',
      sourceParent: 'mtty',
      sourceType: 'mtty-1',
      targetHost: 'm1',
      targetParent: 'mtty',
      verdict: 'compatible',
      step: 2,
    });
  });

  it('table: software-version forward only within a major (§2.5), EACCES where the target has no attribute (R1, §8), n/m from it, type elsewhere (R7)', () => {
    expect(matrixTable(cells)).toBe(TABLE);
  });

  it('CSV: RFC 4180 header and one row per cell; errno empty when compatible', () => {
    const lines = matrixCsv(cells).split('\n');
    expect(lines).toHaveLength(62);
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, 6)).toEqual([
      'sourceHost,sourceParent,sourceType,targetHost,targetParent,verdict,step,errno',
      'm1,mtty,mtty-1,m1,mtty,compatible,2,',
      'm1,mtty,mtty-1,m2,mtty,compatible,2,',
      'm1,mtty,mtty-1,m3,mtty,incompatible,2,EINVAL',
      'm1,mtty,mtty-1,off,mtty,incompatible,2,EACCES',
      'm1,mtty,mtty-1,g,0000:00:02.0,incompatible,0,ENOENT',
    ]);
    expect(lines).toContain('off,mtty,mtty-2,m2,mtty,not-migratable,1,ENOENT');
    expect(lines).toContain('g,0000:00:02.0,i915-GVTg_V5_8,g,0000:00:02.0,compatible,2,');
  });

  it('CSV quotes a field only when it must (comma, quote, newline)', () => {
    const cell: MatrixCell = {
      sourceHost: 'a,b',
      sourceParent: 'p"q',
      sourceType: 'line\nbreak',
      targetHost: 't',
      targetParent: 'u',
      verdict: 'incompatible',
      step: 2,
      errno: 'EINVAL',
    };
    expect(matrixCsv([cell]).split('\n').slice(1).join('\n')).toBe(
      '"a,b","p""q","line\nbreak",t,u,incompatible,2,EINVAL\n',
    );
  });

  it('JSON: an array of cells with exactly these keys; errno only when present; parses back equal', () => {
    const parsed = JSON.parse(matrixJson(cells)) as MatrixCell[];
    expect(parsed).toEqual(cells);
    const keys = [
      'sourceHost',
      'sourceParent',
      'sourceType',
      'targetHost',
      'targetParent',
      'verdict',
      'step',
    ];
    for (const c of parsed) {
      expect(Object.keys(c)).toEqual(c.verdict === 'compatible' ? keys : [...keys, 'errno']);
    }
    expect(matrixJson(cells.slice(0, 1))).toBe(
      '[\n  {\n    "sourceHost": "m1",\n    "sourceParent": "mtty",\n    "sourceType": "mtty-1",\n    "targetHost": "m1",\n    "targetParent": "mtty",\n    "verdict": "compatible",\n    "step": 2\n  }\n]',
    );
  });

  it('crossHostOnly: drops the 12 same-host pairs and keeps every other cell unchanged', () => {
    const cross = compatibilityMatrix(world, { crossHostOnly: true });
    expect(cross).toHaveLength(48);
    expect(cross.every((c) => c.sourceHost !== c.targetHost)).toBe(true);
    expect(cross).toEqual(cells.filter((c) => c.sourceHost !== c.targetHost));
  });

  it('every cell is the verdict checkCompatibility gives for that pair (type source → target parent)', () => {
    for (const c of cells) {
      const v = checkCompatibility(
        { fs: world.host(c.sourceHost).fs, parent: c.sourceParent, type: c.sourceType },
        { fs: world.host(c.targetHost).fs, parent: c.targetParent },
      );
      expect({ verdict: c.verdict, step: c.step, errno: c.errno }).toEqual({
        verdict: v.verdict,
        step: v.step,
        errno: v.errno,
      });
    }
  });

  it('onProgress is called once per source row with (done, total)', () => {
    const calls: [number, number][] = [];
    compatibilityMatrix(world, { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual(Array.from({ length: 12 }, (_, i) => [i + 1, 12]));
  });

  it('computing the matrix changes nothing: no device appears, capacity unchanged, same cells twice', () => {
    const avail = () =>
      world.hosts.flatMap((h) =>
        [...h.kernel.parents.values()].flatMap((p) => [...p.types.values()].map((t) => t.availableInstances)),
      );
    const before = avail();
    expect(compatibilityMatrix(world)).toEqual(cells);
    expect(avail()).toEqual(before);
    expect(world.hosts.map((h) => h.kernel.devices.size)).toEqual([0, 0, 0, 0, 0]);
  });

  it('a world without parents gives an empty matrix and a header-only table', async () => {
    const empty = await loadScenario({ hosts: [{ name: 'h' }] });
    const none = compatibilityMatrix(empty);
    expect(none).toEqual([]);
    expect(matrixTable(none)).toBe('source \\ target\n');
    expect(matrixCsv(none)).toBe(
      'sourceHost,sourceParent,sourceType,targetHost,targetParent,verdict,step,errno\n',
    );
  });
});
