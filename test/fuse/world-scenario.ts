/**
 * The world the world-*.test.ts files mount: the 2019 seed hosts under the v2 patch (attribute
 * `version`) and the v4 patch (`migration_version`), a host whose driver has no attribute
 * (kernel.md §2.2 R1), and an mtty host (kernel.md §5.1: a 24-port pool shared by mtty-1/mtty-2).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const GVT_PARENT = '0000:00:02.0';
export const SRC_UUID = '5ac1fb20-2bbf-4842-bb7e-36c58c3be9cd';

export const WORLD_YAML = `seed: 7
hosts:
  - name: src
    parents:
      - { address: "${GVT_PARENT}", driver: gvtg, pciId: "8086:193b", migration: { revision: v2 } }
  - name: dst
    parents:
      - { address: "${GVT_PARENT}", driver: gvtg, pciId: "8086:191b", migration: { revision: v2 } }
  - name: old
    parents:
      - { address: "${GVT_PARENT}", driver: gvtg, pciId: "8086:193b", migration: false }
  - name: src4
    parents:
      - { address: "${GVT_PARENT}", driver: gvtg, pciId: "8086:193b", migration: { revision: v4 } }
  - name: dst4
    parents:
      - { address: "${GVT_PARENT}", driver: gvtg, pciId: "8086:191b", migration: { revision: v4 } }
  - name: lab
    parents:
      - { driver: mtty }
instances:
  - { host: src, parent: "${GVT_PARENT}", type: i915-GVTg_V5_4, uuid: ${SRC_UUID} }
`;

/** Writes WORLD_YAML to `<dir>/world.yaml` and returns the path. */
export async function writeWorldScenario(dir: string, text: string = WORLD_YAML): Promise<string> {
  const file = join(dir, 'world.yaml');
  await writeFile(file, text);
  return file;
}
