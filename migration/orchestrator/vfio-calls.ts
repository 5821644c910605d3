import { type Errno, fail } from '../../core/result.ts';
import type { MigrationDataFile } from '../../devices/vfio/data-file.ts';
import { MIG_STATE, type MigState, migStateName } from '../../devices/vfio/states.ts';
import type { VfioMigrationDevice } from '../../devices/vfio/vfio-device.ts';
import type { Host } from '../../sysfs/host.ts';
import { errnoOf } from '../handshake/fs-like.ts';
import { MigrationAbort } from './abort.ts';
import type { Accounting } from './accounting.ts';

/**
 * The VFIO feature ioctls as QEMU issues them (hw/vfio/migration.c vfio_migration_set_state(),
 * qemu.md §2.2): each call costs one ioctl on the clock, emits an event, and a failed SET is an
 * abort whose reason carries the errno.
 */
export function setState(
  acc: Accounting,
  ioctlNs: number,
  who: 'source' | 'target',
  device: VfioMigrationDevice,
  state: MigState,
): MigrationDataFile | undefined {
  acc.spend(ioctlNs);
  const reply = device.setState(state);
  if ('errno' in reply) {
    const now = device.getState();
    const at = typeof now === 'number' ? migStateName(now) : '?';
    throw new MigrationAbort(
      `${who} SET ${migStateName(state)} failed: ${reply.errno}${reply.reason ? ` (${reply.reason})` : ''}; device in ${at}`,
    );
  }
  acc.emit(`${who}-state`, migStateName(reply.state));
  return reply.dataFile;
}

/** The state now, or ERROR when the device cannot say (only for rollback decisions). */
export function stateOf(device: VfioMigrationDevice): MigState {
  const s = device.getState();
  return typeof s === 'number' ? s : MIG_STATE.ERROR;
}

/** Opens a device through the host's VFIO uAPI; ENOENT (no such mdev) or ENOTTY as errno data. */
export function openDevice(host: Host, uuid: string): VfioMigrationDevice | Errno {
  try {
    return host.vfio.open(uuid);
  } catch (error) {
    return fail(
      errnoOf(error) === 'ENOTTY' ? 'ENOTTY' : 'ENOENT',
      error instanceof Error ? error.message : String(error),
    );
  }
}

export function tryOpenDevice(host: Host, uuid: string): VfioMigrationDevice | undefined {
  const device = openDevice(host, uuid);
  return 'errno' in device ? undefined : device;
}
