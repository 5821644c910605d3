import type { Host } from '../../sysfs/host.ts';
import { errnoOf, type FsLike } from '../handshake/fs-like.ts';
import { MigrationAbort } from './abort.ts';

/**
 * Where the target goes and how it is made, done as management software does it: through the
 * hosts' sysfs only (ecosystem.md §3.2: same type on the target, a free instance there).
 */

/** The first target parent offering the source's type, or the first parent (the check then says no). */
export function pickTargetParent(
  src: FsLike & { readdirSync(path: string): string[] },
  dst: FsLike & { readdirSync(path: string): string[] },
  uuid: string,
): string {
  let type = '';
  try {
    type = src.readlinkSync(`/sys/bus/mdev/devices/${uuid}/mdev_type`).split('/').pop() ?? '';
  } catch {
    // The handshake reports the unreadable source.
  }
  const parents = dst.readdirSync('/sys/class/mdev_bus');
  const offering = parents.find((p) =>
    dst.existsSync(`/sys/class/mdev_bus/${p}/mdev_supported_types/${type}`),
  );
  return offering ?? parents[0] ?? '';
}

/** The source's create parameters, read the way userspace can: `aggregated_instances` (§2.4). */
export function sourceAggregate(src: FsLike, uuid: string, spend: () => void): number {
  const path = `/sys/bus/mdev/devices/${uuid}/aggregated_instances`;
  if (!src.existsSync(path)) return 1;
  spend();
  const n = Number.parseInt(src.readFileSync(path, 'latin1'), 10);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

/**
 * Creates the target with the source's type and create parameters through `create`, keeping the
 * source's UUID when it is free on the target host (EEXIST: a fresh one, a few times).
 */
export function createTarget(
  dst: Host,
  parent: string,
  type: string,
  want: { readonly uuid: string; readonly aggregate: number },
  hooks: { readonly spend: () => void; readonly freshUuid: (attempt: number) => string },
): string {
  const create = `/sys/class/mdev_bus/${parent}/mdev_supported_types/${type}/create`;
  const param = want.aggregate > 1 ? `,aggregate=${want.aggregate}` : '';
  let chosen = want.uuid;
  for (let attempt = 0; ; attempt++) {
    hooks.spend();
    try {
      dst.fs.writeFileSync(create, `${chosen}${param}`, 'latin1');
      return chosen;
    } catch (error) {
      const errno = errnoOf(error);
      if (errno === 'EEXIST' && attempt < 3) {
        chosen = hooks.freshUuid(attempt);
        continue;
      }
      throw new MigrationAbort(`creating the target ${type} on ${dst.name}:${parent} failed: ${errno}`);
    }
  }
}

/** Writes `1` to the instance's `remove` (kernel.md §1.4); failure is an abort naming `what`. */
export function removeInstance(host: Host, uuid: string, what: string, spend: () => void): void {
  spend();
  try {
    host.fs.writeFileSync(`/sys/bus/mdev/devices/${uuid}/remove`, '1', 'latin1');
  } catch (error) {
    throw new MigrationAbort(`${what}: ${errnoOf(error)}`);
  }
}
