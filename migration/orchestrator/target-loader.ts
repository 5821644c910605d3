import type { MigrationDataFile } from '../../devices/vfio/data-file.ts';
import { MIG_STATE } from '../../devices/vfio/states.ts';
import type { VfioMigrationDevice } from '../../devices/vfio/vfio-device.ts';
import type { FsLike } from '../handshake/fs-like.ts';
import { errnoOf } from '../handshake/fs-like.ts';
import type { Frame } from '../stream/frame.ts';
import { MigrationAbort, must } from './abort.ts';
import type { Accounting } from './accounting.ts';
import { setState } from './vfio-calls.ts';

export interface TargetSide {
  readonly host: string;
  readonly fs: FsLike;
  readonly uuid: string;
  readonly type: string;
  readonly aggregate: number;
  readonly device: VfioMigrationDevice;
  /** The handshake's attribute name (`migration_version` or v2's `version`); undefined: none. */
  readonly attribute: string | undefined;
}

/**
 * The destination's `qemu_loadvm_state` for one VFIO device (qemu.md §2.2–§2.3, §3.3): at the
 * section start it re-validates the source's version string with the target driver and enters
 * RESUMING; DEV_DATA_STATE bytes go to the resuming data fd; at the section end (stop-and-copy)
 * the string is validated again (Alex Williamson, 2020: "validate compatibility at the start of
 * both the pre-copy and the stop-and-copy phases", kernel.md §2.5); the config blob must match
 * the created device; EOF completes the load.
 */
export class TargetLoader {
  readonly #t: TargetSide;
  readonly #acc: Accounting;
  readonly #ioctlNs: number;
  readonly #sysfsOpNs: number;
  #token: string | null = null;
  #file: MigrationDataFile | undefined;
  #sectionId = -1;
  #done = false;
  #bytes = 0;

  constructor(target: TargetSide, acc: Accounting, costs: { ioctlNs: number; sysfsOpNs: number }) {
    this.#t = target;
    this.#acc = acc;
    this.#ioctlNs = costs.ioctlNs;
    this.#sysfsOpNs = costs.sysfsOpNs;
  }

  get done(): boolean {
    return this.#done;
  }

  get bytesLoaded(): number {
    return this.#bytes;
  }

  apply(frame: Frame): void {
    switch (frame.kind) {
      case 'header':
      case 'configuration':
      case 'section-part':
      case 'end-of-state':
      case 'dev-setup-state':
      case 'dev-init-data-sent':
        return;
      case 'section-start': {
        const d = frame.device;
        if (d.mdevType !== this.#t.type || d.createParams.aggregate !== this.#t.aggregate) {
          throw new MigrationAbort(
            `stream carries ${d.mdevType} x${d.createParams.aggregate}, target is ${this.#t.type} x${this.#t.aggregate}`,
          );
        }
        this.#sectionId = frame.sectionId;
        this.#token = d.migrationVersion;
        this.#validate('pre-copy');
        this.#file = setState(this.#acc, this.#ioctlNs, 'target', this.#t.device, MIG_STATE.RESUMING);
        if (this.#file === undefined) throw new MigrationAbort('target gave no resuming data fd');
        return;
      }
      case 'dev-data-state': {
        this.#expectSection(frame.sectionId);
        const file = this.#file;
        if (file === undefined) throw new MigrationAbort('device data before the target entered RESUMING');
        const written = must(file.write(frame.data), 'target data fd write');
        if (written !== frame.data.length)
          throw new MigrationAbort(`target accepted ${written} of ${frame.data.length} bytes`);
        this.#bytes += written;
        return;
      }
      case 'section-end':
        this.#expectSection(frame.sectionId);
        this.#validate('stop-copy');
        return;
      case 'section-full':
        this.#expectSection(frame.sectionId);
        return;
      case 'dev-config-state': {
        this.#expectSection(frame.sectionId);
        const config = new TextDecoder().decode(frame.data);
        const expected = configBlobText(this.#t.type, this.#t.aggregate);
        if (config !== expected) throw new MigrationAbort(`config state mismatch: ${config}`);
        return;
      }
      case 'eof':
        this.#done = true;
        return;
    }
  }

  #expectSection(id: number): void {
    if (id !== this.#sectionId)
      throw new MigrationAbort(`section ${id} is not the device's section ${this.#sectionId}`);
  }

  /** The target driver re-checks the carried string through its own attribute (userspace write). */
  #validate(when: 'pre-copy' | 'stop-copy'): void {
    const attribute = this.#t.attribute;
    if (attribute === undefined || this.#token === null) {
      throw new MigrationAbort(`no migration version to validate at ${when}`);
    }
    const path = `/sys/bus/mdev/devices/${this.#t.uuid}/mdev_type/${attribute}`;
    this.#acc.spend(this.#sysfsOpNs);
    try {
      this.#t.fs.writeFileSync(path, this.#token, 'latin1');
    } catch (error) {
      throw new MigrationAbort(`target driver refused the source version at ${when}: ${errnoOf(error)}`);
    }
    this.#acc.emit('target-validated', when);
  }
}

/** The FULL section's config blob (stands in for PCI config space): identifies the device. */
export function configBlobText(type: string, aggregate: number): string {
  return JSON.stringify({ type, aggregate });
}
