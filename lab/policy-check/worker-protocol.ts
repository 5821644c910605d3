import type { VersionFacts } from '../../devices/policies/policy.ts';
import type { PropertyName, PropertyResult } from './types.ts';

/** Sent to the worker as `workerData`. */
export interface WorkerRequest {
  readonly modulePath: string;
  readonly properties: readonly PropertyName[];
  readonly samples: readonly VersionFacts[];
  readonly seed: number;
  readonly numRuns: number;
  readonly path?: string;
  /** Shared memory the worker records each policy call in (call-log.ts). */
  readonly callLog?: SharedArrayBuffer;
}

export interface PolicyInfo {
  readonly name: string;
  readonly description: string;
}

/** Worker → checker, in this order: ready, loaded | load-error, then start/result per property, done. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'loaded'; readonly policy: PolicyInfo }
  | { readonly type: 'load-error'; readonly message: string }
  | { readonly type: 'start'; readonly property: PropertyName }
  | { readonly type: 'result'; readonly result: PropertyResult }
  | { readonly type: 'done' };

/** Accepts only well-formed messages (user code in the worker could post anything). */
export function asWorkerMessage(value: unknown): WorkerMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  switch (m['type']) {
    case 'ready':
    case 'done':
      return { type: m['type'] };
    case 'loaded': {
      const p = m['policy'] as Record<string, unknown> | null | undefined;
      if (typeof p?.['name'] !== 'string' || typeof p['description'] !== 'string') return undefined;
      return { type: 'loaded', policy: { name: p['name'], description: p['description'] } };
    }
    case 'load-error':
      return typeof m['message'] === 'string' ? { type: 'load-error', message: m['message'] } : undefined;
    case 'start':
      return typeof m['property'] === 'string'
        ? { type: 'start', property: m['property'] as PropertyName }
        : undefined;
    case 'result': {
      const r = m['result'] as Record<string, unknown> | null | undefined;
      if (typeof r?.['name'] !== 'string' || typeof r['status'] !== 'string') return undefined;
      return { type: 'result', result: r as unknown as PropertyResult };
    }
    default:
      return undefined;
  }
}
