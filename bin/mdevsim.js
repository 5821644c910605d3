#!/usr/bin/env node
// The `mdevsim` command. Runs the bundle that `npm run build` writes to dist/; in a checkout that
// has not been built, runs the TypeScript sources through tsx (a dev dependency) instead.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli/main.js', import.meta.url);
let cli;
if (existsSync(bundle)) {
  cli = await import(bundle.href);
} else {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write("Error: mdevsim is not built (dist/ is missing): run 'npm run build'\n");
    process.exit(1);
  }
  cli = await import(new URL('../cli/main.ts', import.meta.url).href);
}
await cli.runAsProcess(process.argv.slice(2));
