import type { Verdict } from '../handshake/verdict.ts';
import type { Phase } from './events.ts';

export interface PhaseStats {
  /** Virtual time spent in the phase, ns. */
  readonly ns: number;
  /** Stream bytes sent in the phase. */
  readonly bytes: number;
}

/**
 * What a migration did. `refused`: the handshake said no and nothing was created or sent;
 * `aborted`: something failed or was cancelled after the handshake and everything was rolled
 * back (source RUNNING, target removed); `completed`: the target runs the source's state.
 */
export interface MigrationResult {
  readonly outcome: 'completed' | 'refused' | 'aborted';
  readonly reason: string;
  readonly verdict: Verdict;
  readonly source: { readonly host: string; readonly uuid: string };
  readonly target: { readonly host: string; readonly parent: string; readonly uuid?: string };
  readonly totalNs: number;
  /** From the source's vCPU stop (P2P quiesce) to the target running; 0 when never stopped. */
  readonly downtimeNs: number;
  readonly handshakeNs: number;
  /** handshakeNs / totalNs. */
  readonly handshakeShare: number;
  readonly phases: Readonly<Record<Phase, PhaseStats>>;
  readonly iterations: number;
  /** Pre-copy ended because pending bytes fit the downtime limit (false: iterations ran out). */
  readonly converged: boolean;
  /** Final guest throttle (auto-converge), 0..0.99. */
  readonly throttle: number;
  readonly bytesTotal: number;
  /**
   * sha256 of the source's migrating state before, at stop (what moved), and after. With the
   * `verifyDigests: false` option none is taken: before and after are '' and atStop is absent.
   */
  readonly sourceDigest: { readonly before: string; readonly atStop?: string; readonly after: string };
  /** The target's digest once it runs (completed migrations with `verifyDigests`, the default). */
  readonly targetDigest?: string;
  readonly events: number;
}
