import { ERRNO } from '../../core/errno.ts';
import { isErrno } from '../../core/result.ts';
import { formatPath, migrationPath } from '../../devices/vfio/path.ts';
import {
  isMigratable,
  MIG_FLAG,
  MIG_FLAGS_ALL,
  MIG_STATE_NAMES,
  type MigState,
  parseMigState,
} from '../../devices/vfio/states.ts';
import type { CliContext } from '../context.ts';
import { CliError, UsageError } from '../errors.ts';

export interface FsmOptions {
  readonly flags?: string;
}

/** Every flag a device can advertise (STOP_COPY|P2P|PRE_COPY = 7). */
export const DEFAULT_FSM_FLAGS = MIG_FLAGS_ALL;

/**
 * `mdevsim fsm [--flags N] FROM TO`: the step path the kernel walks for one SET of
 * MIG_DEVICE_STATE (devices/vfio/path.ts), or the errno it answers.
 */
export function fsmCommand(ctx: CliContext, from: string, to: string, options: FsmOptions): void {
  const flags = options.flags === undefined ? DEFAULT_FSM_FLAGS : parseFlags(options.flags);
  const path = migrationPath(flags, parseState(from, 'FROM'), parseState(to, 'TO'));
  if (isErrno(path)) throw new CliError(`${path.errno}: ${path.reason ?? ERRNO[path.errno].description}`);
  ctx.io.out(`${formatPath(path)}\n`);
}

function parseState(text: string, which: string): MigState {
  const state = parseMigState(text);
  if (isErrno(state)) {
    throw new UsageError(
      `invalid ${which} state '${text}': expected one of ${MIG_STATE_NAMES.join(', ')} (any case) or 0-7`,
    );
  }
  return state;
}

/**
 * `--flags`: a number (decimal, 0x hex or 0b binary) or flag names joined by `|`, `,` or `+`
 * (`STOP_COPY|P2P`, with or without the `VFIO_MIGRATION_` prefix). The uAPI requires STOP_COPY in
 * every flag set a device advertises (kernel.md §3.2), so a set without it is a usage error.
 */
export function parseFlags(text: string): number {
  const value = text.trim();
  let flags: number;
  if (/^\d+$/.test(value)) flags = Number(value);
  else if (/^0x[0-9a-f]+$/i.test(value)) flags = Number.parseInt(value.slice(2), 16);
  else if (/^0b[01]+$/i.test(value)) flags = Number.parseInt(value.slice(2), 2);
  else {
    flags = 0;
    for (const part of value.split(/[|,+]/)) {
      const name = part
        .trim()
        .toUpperCase()
        .replace(/^VFIO_MIGRATION_/, '');
      const bit = (MIG_FLAG as Readonly<Record<string, number>>)[name];
      if (bit === undefined) throw badFlags(text);
      flags |= bit;
    }
  }
  if (!Number.isSafeInteger(flags) || !isMigratable(flags)) throw badFlags(text);
  return flags;
}

function badFlags(text: string): UsageError {
  return new UsageError(
    `invalid value '${text}' for '--flags <N>': expected VFIO_MIGRATION_* flags that include STOP_COPY ` +
      '(1 STOP_COPY, 2 P2P, 4 PRE_COPY: 1, 3, 5 or 7, or names like STOP_COPY|P2P)',
  );
}
