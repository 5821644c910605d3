/** Unmount on the first SIGINT/SIGTERM, then exit 130/143 like a shell-killed process. */
import { live, type MountHandle } from './registry.ts';

/** Where signals come from (default `process`); tests pass an EventEmitter. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface SignalCleanupOptions {
  readonly source?: SignalSource;
  /** Default `process.exit`. */
  readonly exit?: (code: number) => void;
  /** Where unmount failures are reported. Default stderr. */
  readonly log?: (message: string) => void;
}

const SIGNAL_EXIT: ReadonlyArray<readonly [NodeJS.Signals, number]> = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
];

/**
 * On the first SIGINT/SIGTERM, unmounts `handles` (default: every live mount of this process,
 * read at signal time) once and exits 130/143. A second signal during cleanup exits at once with
 * its code. Returns a function that removes the listeners.
 */
export function installSignalCleanup(
  handles?: Iterable<MountHandle>,
  options: SignalCleanupOptions = {},
): () => void {
  const source: SignalSource = options.source ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  let cleaning = false;
  const listeners = SIGNAL_EXIT.map(([signal, code]) => {
    const listener = (): void => {
      if (cleaning) {
        exit(code);
        return;
      }
      cleaning = true;
      const targets = [...(handles ?? live.values())];
      void Promise.allSettled(targets.map((h) => h.unmount())).then((results) => {
        results.forEach((r, i) => {
          if (r.status === 'rejected') {
            const reason: unknown = r.reason;
            log(
              `mdevsim: could not unmount ${targets[i]?.mountpoint ?? '?'}: ${reason instanceof Error ? reason.message : String(reason)}`,
            );
          }
        });
        exit(code);
      });
    };
    source.on(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) source.off(signal, listener);
  };
}
