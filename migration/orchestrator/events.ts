/** Phases of a migration, in order; time and bytes are reported per phase. */
export type Phase = 'handshake' | 'setup' | 'precopy' | 'stopcopy' | 'resume' | 'cleanup' | 'rollback';

export const PHASES: readonly Phase[] = [
  'handshake',
  'setup',
  'precopy',
  'stopcopy',
  'resume',
  'cleanup',
  'rollback',
];

/**
 * One step of a migration (DESIGN.md principle 6: every step is an event). `seq` counts events
 * from 0 within one migration, so a test can cancel at "event #k" and replay exactly.
 */
export interface MigrationEvent {
  readonly seq: number;
  readonly at: number;
  readonly phase: Phase;
  readonly step: string;
  readonly detail?: string;
  readonly bytes?: number;
}

export type MigrationEvents = { 'migration:event': MigrationEvent };
