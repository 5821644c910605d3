import type { ErrnoCode } from '../../core/errno.ts';
import type { SessionKind } from './arcs.ts';
import type { MigState } from './states.ts';

/** Why a data file stopped working. */
export type FileEndCause = 'session-end' | 'reset' | 'device-error';

/**
 * What a VfioMigrationDevice reports to its optional observer. The device emits nothing on a bus
 * itself (devices/ knows no bus); the owner routes these wherever it likes.
 */
export type VfioMigrationEvent =
  | { readonly type: 'set-state'; readonly from: MigState; readonly requested: number }
  | { readonly type: 'arc'; readonly from: MigState; readonly to: MigState }
  | {
      readonly type: 'arc-failed';
      readonly from: MigState;
      readonly to: MigState;
      readonly errno: ErrnoCode;
      readonly intoError: boolean;
    }
  | {
      readonly type: 'set-state-done';
      readonly requested: number;
      readonly state: MigState;
      readonly errno?: ErrnoCode;
      readonly fileId?: number;
    }
  | { readonly type: 'file-opened'; readonly fileId: number; readonly kind: SessionKind }
  | { readonly type: 'file-disabled'; readonly fileId: number; readonly cause: FileEndCause }
  | { readonly type: 'read'; readonly fileId: number; readonly bytes: number; readonly errno?: ErrnoCode }
  | { readonly type: 'write'; readonly fileId: number; readonly bytes: number; readonly errno?: ErrnoCode }
  | { readonly type: 'reset'; readonly from: MigState };

export type VfioMigrationObserver = (event: VfioMigrationEvent) => void;
