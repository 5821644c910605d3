/**
 * What every command handler gets: where to write, how to read stdin, and where the code and the
 * package live (source checkout under tsx, or the esbuild bundle in dist/).
 */
export interface CliIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** All of stdin as UTF-8 (for a scenario given as `-`). */
  readonly readStdin: () => Promise<string>;
  /** Whether stdout (and stderr) are terminals: progress bars render only then. */
  readonly interactive: boolean;
  readonly env: NodeJS.ProcessEnv;
}

export interface CliContext {
  readonly io: CliIO;
  /**
   * Directory the running code's tree starts at: the checkout root when running from source
   * (`cli/main.ts`), `dist/` when running the bundle (`dist/cli/main.js`).
   */
  readonly codeRoot: URL;
  /** The package root (holds package.json and scenarios/). */
  readonly packageRoot: URL;
  /** Extension of the running code's modules: `.ts` from source, `.js` from the bundle. */
  readonly codeExt: '.ts' | '.js';
  readonly debug: boolean;
}

/** The context for code loaded from `mainUrl` (the URL of cli/main.ts or dist/cli/main.js). */
export function contextFor(mainUrl: string, io: CliIO, debug: boolean): CliContext {
  const fromSource = mainUrl.endsWith('.ts');
  const codeRoot = new URL('../', mainUrl);
  return {
    io,
    codeRoot,
    packageRoot: fromSource ? codeRoot : new URL('../', codeRoot),
    codeExt: fromSource ? '.ts' : '.js',
    debug,
  };
}

/** The process's own streams. */
export function processIO(): CliIO {
  return {
    out: (text) => {
      process.stdout.write(text);
    },
    err: (text) => {
      process.stderr.write(text);
    },
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks).toString('utf8');
    },
    interactive: process.stdout.isTTY === true && process.stderr.isTTY === true,
    env: process.env,
  };
}
