import { type Errno, fail, isErrno } from '../../core/result.ts';
import { isPreCopyState, type SessionKind } from './arcs.ts';
import type { DriverSession, PrecopyInfo } from './driver.ts';
import type { FileEndCause, VfioMigrationObserver } from './events.ts';
import type { MigState } from './states.ts';

/**
 * The migration data fd userspace gets back from a SET of MIG_DEVICE_STATE (kernel.md §3.2.5).
 * The VFS-level rules live here, the driver's in its session:
 * - after close(): EBADF for everything (the fd number is gone);
 * - read() on a resuming fd / write() on a saving fd: EBADF (they are opened O_WRONLY / O_RDONLY,
 *   fs/read_write.c vfs_read()/vfs_write() check FMODE_READ/FMODE_WRITE);
 * - VFIO_MIG_GET_PRECOPY_INFO on a resuming fd: ENOTTY (no ioctl op); on a saving fd outside
 *   PRE_COPY/PRE_COPY_P2P: EINVAL, checked before "disabled" as mtty_precopy_ioctl() does.
 */
export class MigrationDataFile {
  /** Per-device sequence number, for traces (the kernel's fd number is not deterministic). */
  readonly id: number;
  readonly kind: SessionKind;
  readonly #session: DriverSession;
  readonly #deviceState: () => MigState;
  readonly #observer: VfioMigrationObserver | undefined;
  #closed = false;
  #ended = false;
  #bytes = 0;

  constructor(
    id: number,
    session: DriverSession,
    deviceState: () => MigState,
    observer: VfioMigrationObserver | undefined,
  ) {
    this.id = id;
    this.kind = session.kind;
    this.#session = session;
    this.#deviceState = deviceState;
    this.#observer = observer;
  }

  /** True once the device ended the session (reads/writes then fail with ENODEV). */
  get disabled(): boolean {
    return this.#session.disabled;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes successfully read from (saving) or written to (resuming) this fd so far. */
  get bytesTransferred(): number {
    return this.#bytes;
  }

  /** read(2): up to `max` bytes; an empty array is end of data (read() returning 0). */
  read(max: number): Uint8Array | Errno {
    if (this.#closed) return fail('EBADF', 'data fd is closed');
    const session = this.#session;
    if (session.kind !== 'save') return fail('EBADF', 'resuming data fd is write-only');
    if (!Number.isSafeInteger(max) || max < 0) return fail('EINVAL', `bad read length ${max}`);
    const result = session.read(max);
    if (isErrno(result)) {
      this.#observer?.({ type: 'read', fileId: this.id, bytes: 0, errno: result.errno });
      return result;
    }
    this.#bytes += result.length;
    this.#observer?.({ type: 'read', fileId: this.id, bytes: result.length });
    return result;
  }

  /** write(2): the number of bytes accepted, or an errno. */
  write(bytes: Uint8Array): number | Errno {
    if (this.#closed) return fail('EBADF', 'data fd is closed');
    const session = this.#session;
    if (session.kind !== 'resume') return fail('EBADF', 'saving data fd is read-only');
    const result = session.write(bytes);
    if (isErrno(result)) {
      this.#observer?.({ type: 'write', fileId: this.id, bytes: 0, errno: result.errno });
      return result;
    }
    this.#bytes += result;
    this.#observer?.({ type: 'write', fileId: this.id, bytes: result });
    return result;
  }

  /** VFIO_MIG_GET_PRECOPY_INFO (kernel.md §3.8). */
  precopyInfo(): PrecopyInfo | Errno {
    if (this.#closed) return fail('EBADF', 'data fd is closed');
    const session = this.#session;
    if (session.kind !== 'save') return fail('ENOTTY', 'resuming data fd has no ioctls');
    if (!isPreCopyState(this.#deviceState())) return fail('EINVAL', 'device is not in a PRE_COPY state');
    return session.precopyInfo();
  }

  /** close(2). The device's session is unaffected: the driver holds its own reference. */
  close(): undefined | Errno {
    if (this.#closed) return fail('EBADF', 'data fd is already closed');
    this.#closed = true;
    return undefined;
  }

  /** Called by the device when the session ends; not part of the userspace surface. */
  endSession(cause: FileEndCause): void {
    if (this.#ended) return;
    this.#ended = true;
    // The driver may have disabled its side already (mtty does it inside the arc).
    if (!this.#session.disabled) this.#session.disable();
    this.#observer?.({ type: 'file-disabled', fileId: this.id, cause });
  }
}
