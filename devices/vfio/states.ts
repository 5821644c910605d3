import { type Errno, fail } from '../../core/result.ts';

/**
 * `enum vfio_device_mig_state` of include/uapi/linux/vfio.h (kernel.md §3.1). The numbers are the
 * uAPI's, not FSM order (RUNNING 2, STOP_COPY 3, RESUMING 4, RUNNING_P2P 5; kernel.md §7.4).
 */
export const MIG_STATE = {
  ERROR: 0,
  STOP: 1,
  RUNNING: 2,
  STOP_COPY: 3,
  RESUMING: 4,
  RUNNING_P2P: 5,
  PRE_COPY: 6,
  PRE_COPY_P2P: 7,
} as const;

export type MigStateName = keyof typeof MIG_STATE;
export type MigState = (typeof MIG_STATE)[MigStateName];

/** VFIO_DEVICE_NUM_STATES in vfio_mig_get_next_state() (drivers/vfio/vfio_main.c). */
export const NUM_MIG_STATES = 8;

/** Every state in uAPI number order (index = value). */
export const ALL_MIG_STATES: readonly MigState[] = [0, 1, 2, 3, 4, 5, 6, 7];

/** Names by uAPI number. */
export const MIG_STATE_NAMES: readonly MigStateName[] = [
  'ERROR',
  'STOP',
  'RUNNING',
  'STOP_COPY',
  'RESUMING',
  'RUNNING_P2P',
  'PRE_COPY',
  'PRE_COPY_P2P',
];

/** The short names kernel.md's tables use (RUN, SC, RES, RP2P, PC, PCP2P), accepted by the parser. */
export const MIG_STATE_ABBREVIATIONS: Readonly<Record<string, MigState>> = {
  RUN: MIG_STATE.RUNNING,
  SC: MIG_STATE.STOP_COPY,
  RES: MIG_STATE.RESUMING,
  RP2P: MIG_STATE.RUNNING_P2P,
  PC: MIG_STATE.PRE_COPY,
  PCP2P: MIG_STATE.PRE_COPY_P2P,
};

/** `VFIO_MIGRATION_*` flags of `struct vfio_device_feature_migration` (kernel.md §3.1). */
export const MIG_FLAG = {
  STOP_COPY: 1 << 0,
  P2P: 1 << 1,
  PRE_COPY: 1 << 2,
} as const;

/** The bits a device may advertise; anything above is not a defined flag. */
export const MIG_FLAGS_ALL = MIG_FLAG.STOP_COPY | MIG_FLAG.P2P | MIG_FLAG.PRE_COPY;

export function isMigState(value: unknown): value is MigState {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < NUM_MIG_STATES;
}

export function migStateName(state: MigState): MigStateName {
  return MIG_STATE_NAMES[state] as MigStateName;
}

/**
 * A state from text or a number: `RUNNING`, `running`, `VFIO_DEVICE_STATE_RUNNING`, `RUN`, `2`.
 * Unknown names and out-of-range numbers give EINVAL (the same errno the kernel returns for an
 * out-of-range `device_state`, vfio_mig_get_next_state()).
 */
export function parseMigState(input: string | number): MigState | Errno {
  if (typeof input === 'number') {
    return isMigState(input) ? input : fail('EINVAL', `no migration state number ${input}`);
  }
  const text = input
    .trim()
    .toUpperCase()
    .replace(/^VFIO_DEVICE_STATE_/, '');
  if (/^\d+$/.test(text)) return parseMigState(Number(text));
  const byName = (MIG_STATE as Record<string, MigState>)[text];
  if (byName !== undefined) return byName;
  const byAbbreviation = MIG_STATE_ABBREVIATIONS[text];
  if (byAbbreviation !== undefined) return byAbbreviation;
  return fail('EINVAL', `no migration state named '${input}'`);
}

/** True when `flags` is a well-formed flag word (only defined bits). */
export function isMigFlags(flags: number): boolean {
  return Number.isInteger(flags) && flags >= 0 && (flags & ~MIG_FLAGS_ALL) === 0;
}

/**
 * The uAPI requires STOP_COPY in every advertised flag set ("at least VFIO_MIGRATION_STOP_COPY
 * must be set", kernel.md §3.2); vfio-pci-core refuses to register a device whose mig_ops lack it.
 * mdevsim treats such a flag set as "no migration support": the feature ioctls answer ENOTTY,
 * as for a device without mig_ops (drivers/vfio/vfio_main.c feature handlers).
 */
export function isMigratable(flags: number): boolean {
  return isMigFlags(flags) && (flags & MIG_FLAG.STOP_COPY) !== 0;
}

/** `VFIO_MIGRATION_STOP_COPY|P2P` style text, for traces and the CLI. */
export function formatMigFlags(flags: number): string {
  const names = (Object.keys(MIG_FLAG) as (keyof typeof MIG_FLAG)[]).filter(
    (n) => (flags & MIG_FLAG[n]) !== 0,
  );
  return names.length === 0 ? '0' : names.join('|');
}
