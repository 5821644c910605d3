/** One sysfs access the check made, in order (the verdict's audit trail). */
export interface Touched {
  /** Whose sysfs the access went to. */
  readonly side: 'source' | 'target';
  readonly op: 'readlink' | 'exists' | 'read' | 'write';
  readonly path: string;
  /** 'ok', or the errno code the access failed with ('absent' for an exists() that said no). */
  readonly result: string;
  /** What a successful read returned (opaque: recorded for transcripts, never parsed). */
  readonly text?: string;
}

/**
 * The answer of the userspace check (kernel.md §2.2 R7):
 * - `compatible`: same type (when required), the read and the write both succeeded;
 * - `not-migratable`: the source has no version attribute, or reading it failed (R1, R6);
 * - `incompatible`: the types differ (step 0), or the target has no attribute or refused the
 *   write with an errno (step 2).
 */
export interface Verdict {
  readonly verdict: 'compatible' | 'not-migratable' | 'incompatible';
  /** The step that decided: 0 type check, 1 read, 2 write. */
  readonly step: 0 | 1 | 2;
  readonly errno?: string;
  readonly reason: string;
  readonly sourceType: string;
  readonly targetType: string;
  /** Attribute name found on the source (`migration_version` or v2's `version`). */
  readonly attribute?: string;
  /**
   * The opaque token read from the source and written to the target, carried so a migration
   * stream can hand it to the target driver again at load time. Never parsed by userspace.
   */
  readonly token?: string;
  readonly touched: readonly Touched[];
}
