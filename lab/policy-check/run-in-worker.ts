import { Worker } from 'node:worker_threads';
import { createCallLog, readLastCall } from './call-log.ts';
import { errorResult } from './catalog.ts';
import type { Counterexample, PropertyName, PropertyResult } from './types.ts';
import type { PolicyInfo, WorkerRequest } from './worker-protocol.ts';
import { asWorkerMessage } from './worker-protocol.ts';

/** Budget for the worker to start its own (trusted) code, before the user's module is imported. */
const STARTUP_MS = 30_000;
const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);

export interface ModuleRun {
  readonly policy?: PolicyInfo;
  readonly results: readonly PropertyResult[];
}

/**
 * Runs a user's module in worker threads with a time budget per phase (import, then each property).
 * A phase that times out, throws out of the worker, exits it or exhausts its heap becomes an
 * `error` result; the worker is terminated and the properties not yet run go to a new worker.
 * A failed import ends the run: every property is `error` with the import's message.
 */
export async function runModuleInWorker(request: WorkerRequest, timeoutMs: number): Promise<ModuleRun> {
  const results = new Map<PropertyName, PropertyResult>();
  let policy: PolicyInfo | undefined;
  let remaining = [...request.properties];
  let lastFailure = 'not run';
  while (remaining.length > 0) {
    const attempt = await runOnce({ ...request, properties: remaining }, timeoutMs);
    policy ??= attempt.policy;
    for (const r of attempt.results) results.set(r.name, r);
    if (attempt.failure !== undefined) {
      const { property, message, lastCall } = attempt.failure;
      lastFailure = message;
      if (property === undefined) {
        for (const name of remaining) {
          if (!results.has(name)) results.set(name, errorResult(name, request.seed, message));
        }
      } else if (!results.has(property)) {
        const result = errorResult(property, request.seed, message);
        results.set(property, lastCall === undefined ? result : { ...result, counterexample: lastCall });
      }
    }
    const next = remaining.filter((n) => !results.has(n));
    if (next.length === remaining.length) {
      // No progress (a crash between two properties): report the rest rather than loop.
      for (const name of next) results.set(name, errorResult(name, request.seed, lastFailure));
      break;
    }
    remaining = next;
  }
  const ordered = request.properties.flatMap((n) => {
    const r = results.get(n);
    return r === undefined ? [] : [r];
  });
  return policy === undefined ? { results: ordered } : { policy, results: ordered };
}

interface Attempt {
  readonly policy?: PolicyInfo;
  readonly results: PropertyResult[];
  /** `property` undefined: the failure happened before any property ran (startup or import). */
  readonly failure?: {
    readonly property?: PropertyName;
    readonly message: string;
    readonly lastCall?: Counterexample;
  };
}

type Phase =
  | { readonly kind: 'startup' }
  | { readonly kind: 'import' }
  | { readonly kind: 'property'; readonly name: PropertyName };

function runOnce(request: WorkerRequest, timeoutMs: number): Promise<Attempt> {
  return new Promise((resolve) => {
    const results: PropertyResult[] = [];
    let policy: PolicyInfo | undefined;
    let phase: Phase = { kind: 'startup' };
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let worker: Worker;
    const callLog = createCallLog();
    try {
      worker = new Worker(BOOTSTRAP, {
        workerData: { ...request, callLog },
        stdout: true,
        stderr: true,
        resourceLimits: { maxOldGenerationSizeMb: 512 },
      });
    } catch (error) {
      resolve({ results, failure: { message: `could not start the checker worker: ${String(error)}` } });
      return;
    }
    // The module's console output is not part of the report; drain it so it cannot fill a buffer.
    worker.stdout.resume();
    worker.stderr.resume();

    const finish = (failure?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      const base = policy === undefined ? { results } : { policy, results };
      if (failure === undefined) return resolve(base);
      if (phase.kind !== 'property') return resolve({ ...base, failure: { message: failure } });
      const lastCall = readLastCall(callLog);
      const located = { property: phase.name, message: failure };
      resolve({ ...base, failure: lastCall === undefined ? located : { ...located, lastCall } });
    };
    const arm = () => {
      clearTimeout(timer);
      const budget = phase.kind === 'startup' ? STARTUP_MS : timeoutMs;
      timer = setTimeout(() => finish(timeoutMessage(phase, budget, request.modulePath)), budget);
    };

    worker.on('message', (raw: unknown) => {
      const message = asWorkerMessage(raw);
      if (message === undefined || settled) return;
      switch (message.type) {
        case 'ready':
          phase = { kind: 'import' };
          break;
        case 'load-error':
          finish(message.message);
          return;
        case 'loaded':
          policy = message.policy;
          break;
        case 'start':
          phase = { kind: 'property', name: message.property };
          break;
        case 'result':
          results.push(message.result);
          break;
        case 'done':
          finish();
          return;
      }
      arm();
    });
    worker.on('error', (error: Error) =>
      finish(
        `${where(phase)}: the worker crashed: ${error.name}: ${error.message} (the counterexample, if any, is the last call)`,
      ),
    );
    worker.on('exit', (code) => finish(`${where(phase)}: the worker exited (code ${code}) before finishing`));
    arm();
  });
}

function where(phase: Phase): string {
  switch (phase.kind) {
    case 'startup':
      return 'while starting the checker worker';
    case 'import':
      return 'while importing the module';
    case 'property':
      return `in property '${phase.name}'`;
  }
}

function timeoutMessage(phase: Phase, budget: number, modulePath: string): string {
  switch (phase.kind) {
    case 'startup':
      return `the checker worker did not start within ${budget} ms`;
    case 'import':
      return `module ${modulePath} did not finish loading within ${budget} ms (a loop or a pending top-level await at import?); worker terminated`;
    case 'property':
      return `timed out after ${budget} ms in property '${phase.name}': the policy hangs or is too slow (worker terminated; the counterexample is the call it was in, not shrunk)`;
  }
}
