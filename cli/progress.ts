import type { CliContext } from './context.ts';

/**
 * Progress bars for long commands (matrix, policy check, many migrations). The library emits
 * progress as events; the CLI passes a listener in and draws a bar on stderr, but only in an
 * interactive terminal: when stdout or stderr is a pipe or a file, nothing is drawn and the
 * listener is `undefined`, so the library can skip building events (DESIGN.md: nothing polls).
 */
export interface ProgressEvent {
  /** Steps finished. */
  readonly done: number;
  /** Steps in all (may grow while running). */
  readonly total: number;
  /** What is being worked on now (a host pair, a property name). */
  readonly label?: string;
}

export type ProgressListener = (event: ProgressEvent) => void;

export interface ProgressOptions {
  /** Text in front of the bar. */
  readonly title: string;
  /** False turns the bar off (e.g. under `--json`). Default true. */
  readonly enabled?: boolean;
}

/** Runs `task` with a listener that drives a bar (or with `undefined` when no bar is drawn). */
export async function withProgress<T>(
  ctx: CliContext,
  options: ProgressOptions,
  task: (onProgress: ProgressListener | undefined) => Promise<T>,
): Promise<T> {
  if (options.enabled === false || !ctx.io.interactive) return task(undefined);
  const bar = await createBar(options.title);
  try {
    return await task(bar.update);
  } finally {
    bar.stop();
  }
}

interface Bar {
  readonly update: ProgressListener;
  stop(): void;
}

async function createBar(title: string): Promise<Bar> {
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      format: `${title.replaceAll('{', '(').replaceAll('}', ')')} [{bar}] {value}/{total} {label}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let total = 0;
  return {
    update: (event) => {
      const payload = { label: event.label ?? '' };
      if (!started) {
        started = true;
        total = event.total;
        bar.start(event.total, event.done, payload);
        return;
      }
      if (event.total !== total) {
        total = event.total;
        bar.setTotal(total);
      }
      bar.update(event.done, payload);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
