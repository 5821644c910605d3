import { parentPort, workerData } from 'node:worker_threads';
import { callLogWriter } from './call-log.ts';
import { runProperties } from './catalog.ts';
import { loadPolicyModule } from './load-module.ts';
import { observeCalls } from './outcome.ts';
import type { WorkerMessage, WorkerRequest } from './worker-protocol.ts';

/**
 * Worker side of the policy checker: load the user's module, run the requested properties one by
 * one and report each as it finishes, so a hang loses only the property it happened in.
 */
const port = parentPort;
const request = workerData as WorkerRequest;
const post = (message: WorkerMessage) => port?.postMessage(message);

if (request.callLog !== undefined) observeCalls(callLogWriter(request.callLog));
post({ type: 'ready' });
const loaded = await loadPolicyModule(request.modulePath);
if (!loaded.ok) {
  post({ type: 'load-error', message: loaded.message });
} else {
  post({ type: 'loaded', policy: loaded.info });
  const subject = { create: () => loaded.policy, samples: request.samples };
  const params = {
    seed: request.seed,
    numRuns: request.numRuns,
    ...(request.path === undefined ? {} : { path: request.path }),
  };
  for (const name of request.properties) {
    post({ type: 'start', property: name });
    for (const result of runProperties(subject, [name], params)) post({ type: 'result', result });
  }
  post({ type: 'done' });
}
