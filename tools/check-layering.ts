/**
 * Fails when an import goes up the picture in DESIGN.md. Rooms, lowest first:
 *   core < devices < sysfs < migration < lab < scenarios < cli
 * A file may import its own room or any lower one; `index.ts` (the public API) and test/, bench/,
 * tools/ may import anything. `scenarios/` holds the world documents and their loader and runner,
 * which need every library room, so it sits just below `cli/`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOMS = ['core', 'devices', 'sysfs', 'migration', 'lab', 'scenarios', 'cli'] as const;
type Room = (typeof ROOMS)[number];

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

function roomOf(file: string): Room | undefined {
  const top = relative(root, file).split('/')[0];
  return (ROOMS as readonly string[]).includes(top ?? '') ? (top as Room) : undefined;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

const violations: string[] = [];
let checked = 0;
for (const room of ROOMS) {
  for (const file of sourceFiles(join(root, room))) {
    checked++;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2];
      if (spec === undefined) continue;
      const target = resolve(dirname(file), spec);
      const targetRoom = roomOf(target);
      if (targetRoom === undefined) {
        const top = relative(root, target).split('/')[0];
        if (top !== 'package.json')
          violations.push(`${relative(root, file)} imports ${spec}: outside the library rooms`);
        continue;
      }
      if (ROOMS.indexOf(targetRoom) > ROOMS.indexOf(room)) {
        violations.push(
          `${relative(root, file)} (${room}) imports ${spec} (${targetRoom}): imports must go down`,
        );
      }
    }
  }
}

if (violations.length > 0) {
  console.error(`layering: ${violations.length} upward import(s):\n  ${violations.join('\n  ')}`);
  process.exit(1);
}
console.log(`layering: ${checked} files, every import goes down (${ROOMS.join(' < ')})`);
