import { MIG_STATE } from '../../devices/vfio/states.ts';
import type { VfioMigrationDevice } from '../../devices/vfio/vfio-device.ts';
import type { Host } from '../../sysfs/host.ts';
import { MigrationAbort } from './abort.ts';
import type { Accounting } from './accounting.ts';
import type { ResolvedOptions } from './options.ts';
import { removeInstance } from './placement.ts';
import { setState } from './vfio-calls.ts';

export interface CleanupContext {
  readonly acc: Accounting;
  readonly o: ResolvedOptions;
  readonly src: VfioMigrationDevice;
  readonly host: Host;
  readonly uuid: string;
}

/**
 * `save_cleanup` after completion (not in the downtime): STOP_COPY -> STOP, a reset when that
 * fails (qemu.md §2.2); then the source instance goes unless `keepSource`. The target runs the
 * guest by now, so a failure here is returned for the result's reason and never rolls back.
 */
export function cleanupSource(c: CleanupContext): string[] {
  const { acc, o, src } = c;
  const problems: string[] = [];
  try {
    setState(acc, o.ioctlNs, 'source', src, MIG_STATE.STOP);
  } catch (error) {
    if (!(error instanceof MigrationAbort)) throw error;
    problems.push(error.message);
    acc.spend(o.ioctlNs);
    src.reset();
    acc.emit('source-reset', error.message);
  }
  if (o.keepSource) return problems;
  try {
    removeInstance(c.host, c.uuid, 'remove the source instance', () => acc.spend(o.sysfsOpNs));
    acc.emit('source-removed', c.uuid);
  } catch (error) {
    if (!(error instanceof MigrationAbort)) throw error;
    problems.push(error.message);
    acc.emit('source-remove-failed', error.message);
  }
  return problems;
}
