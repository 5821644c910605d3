#!/usr/bin/env node
/**
 * `npm run build`: bundles the library (index.ts -> dist/index.js) and the CLI
 * (cli/main.ts -> dist/cli/main.js) with esbuild: ESM, platform node, target node20, npm packages
 * left external, and code splitting, so each command's module (a dynamic import in cli/program/*.ts)
 * becomes its own chunk and is loaded only when that command runs.
 *
 * One thing a plain bundle would break, handled here: library code that finds files next to
 * itself with `new URL('./x', import.meta.url)` (scenarios/default.yaml, the policy checker's
 * worker bootstrap, createRequire for fuse-native) would look next to the chunk instead. In
 * library modules, `import.meta.url` is therefore rewritten to the URL of the module's own source
 * file in the package (the package root is found from the bundle's location: everything is under
 * dist/), so those files resolve as they do when running from source. The package ships its
 * sources anyway (`types` points at index.ts).
 */
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(root, 'dist');

/** Rooms whose modules may locate files through import.meta.url (tools/check-layering.ts). */
const LIBRARY_ROOMS = new Set(['core', 'devices', 'sysfs', 'migration', 'lab', 'scenarios']);

/** @type {import('esbuild').Plugin} */
const sourceRelativeUrls = {
  name: 'source-relative-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const rel = relative(root, args.path).split(sep).join('/');
      if (!LIBRARY_ROOMS.has(rel.split('/')[0] ?? '')) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const packageRoot = 'import.meta.url.slice(0, import.meta.url.lastIndexOf("/dist/") + 1)';
      const own = `(new URL(${JSON.stringify(rel)}, ${packageRoot}).href)`;
      return { contents: text.replaceAll('import.meta.url', own), loader: 'ts' };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['index.ts', 'cli/main.ts'],
  outdir,
  outbase: '.',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  plugins: [sourceRelativeUrls],
});
const outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
console.log(`mdevsim: built ${outputs.length} files into dist/`);
