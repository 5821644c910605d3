import { type Errno, fail } from '../../core/result.ts';
import type { PrecopyInfo, ResumeSession, SaveSession } from '../vfio/driver.ts';
import { encodeMttyHeader, MTTY_HEADER_BYTES, mttyDataSize, mttyHeaderMatches } from './mtty-layout.ts';

/** What a read does when a PRE_COPY file has no more data for now (kernel.md §3.8 vs §5.2). */
export type PrecopyEmptyRead = 'zero' | 'ENOMSG';

/**
 * mtty's saving file (`struct mtty_migration_file` with mtty_save_fops; kernel.md §5.2): a buffer
 * holding the stream so far (`filled`) and a read position. Created holding only the header;
 * the ports are appended on entering STOP_COPY.
 */
export class MttySaveFile implements SaveSession {
  readonly kind = 'save';
  readonly #data: Uint8Array;
  readonly #inPreCopy: () => boolean;
  readonly #emptyRead: PrecopyEmptyRead;
  #filled: number;
  #pos = 0;
  #disabled = false;

  constructor(nrPorts: number, inPreCopy: () => boolean, emptyRead: PrecopyEmptyRead) {
    this.#data = new Uint8Array(mttyDataSize(nrPorts));
    encodeMttyHeader(nrPorts, this.#data);
    this.#filled = MTTY_HEADER_BYTES;
    this.#inPreCopy = inPreCopy;
    this.#emptyRead = emptyRead;
  }

  get disabled(): boolean {
    return this.#disabled;
  }

  /** mtty_save_state(): the ports, copied at the moment the device enters STOP_COPY. */
  appendPorts(ports: Uint8Array): void {
    this.#data.set(ports, this.#filled);
    this.#filled += ports.length;
  }

  /** mtty_save_read(). Out of data gives 0 (mtty) or ENOMSG (uAPI) in PRE_COPY, 0 otherwise. */
  read(max: number): Uint8Array | Errno {
    if (this.#disabled) return fail('ENODEV', 'migration file is disabled');
    if (this.#pos > this.#filled) return fail('EINVAL', 'read position past the data');
    const len = Math.min(this.#filled - this.#pos, max);
    if (len === 0 && max > 0 && this.#emptyRead === 'ENOMSG' && this.#inPreCopy()) {
      return fail('ENOMSG', 'no pre-copy data available now');
    }
    const out = this.#data.slice(this.#pos, this.#pos + len);
    this.#pos += len;
    return out;
  }

  /** mtty_precopy_ioctl(): whatever is buffered and unread is "initial"; mtty never has dirty data. */
  precopyInfo(): PrecopyInfo | Errno {
    if (this.#disabled) return fail('ENODEV', 'migration file is disabled');
    if (this.#pos > this.#filled) return fail('EINVAL', 'read position past the data');
    return { initialBytes: this.#filled - this.#pos, dirtyBytes: 0 };
  }

  /** mtty_disable_file(): also forgets the data and rewinds. */
  disable(): void {
    this.#disabled = true;
    this.#filled = 0;
    this.#pos = 0;
  }
}

/** mtty's resuming file (mtty_resume_fops): a buffer the size of the stream, written in order. */
export class MttyResumeFile implements ResumeSession {
  readonly kind = 'resume';
  readonly #nrPorts: number;
  readonly #data: Uint8Array;
  #filled = 0;
  #pos = 0;
  #disabled = false;

  constructor(nrPorts: number) {
    this.#nrPorts = nrPorts;
    this.#data = new Uint8Array(mttyDataSize(nrPorts));
  }

  get disabled(): boolean {
    return this.#disabled;
  }

  /** Bytes received so far (`filled_size`). */
  get filled(): number {
    return this.#filled;
  }

  /**
   * mtty_resume_write(), in its order: past the stream size -> ENOMEM (checked before
   * "disabled"); disabled -> ENODEV; copy and advance; if this write completed the header and
   * the header is wrong -> EFAULT, though the bytes stay counted and later writes are not
   * checked again.
   */
  write(bytes: Uint8Array): number | Errno {
    if (this.#pos + bytes.length > this.#data.length) {
      return fail(
        'ENOMEM',
        `write ends at ${this.#pos + bytes.length}, stream is ${this.#data.length} bytes`,
      );
    }
    if (this.#disabled) return fail('ENODEV', 'migration file is disabled');
    this.#data.set(bytes, this.#pos);
    this.#pos += bytes.length;
    const before = this.#filled;
    this.#filled += bytes.length;
    if (before < MTTY_HEADER_BYTES && this.#filled >= MTTY_HEADER_BYTES) {
      if (!mttyHeaderMatches(this.#data, this.#nrPorts)) return fail('EFAULT', 'mtty stream header mismatch');
    }
    return bytes.length;
  }

  /**
   * mtty_load_state(): only the size is checked ("magic and version already tested"); returns
   * the port bytes to copy into the device, or EINVAL when the stream is short.
   */
  portsForLoad(): Uint8Array | Errno {
    const size = mttyDataSize(this.#nrPorts);
    if (this.#filled < size) return fail('EINVAL', `expected ${size} bytes, got ${this.#filled}`);
    return this.#data.subarray(MTTY_HEADER_BYTES, size);
  }

  disable(): void {
    this.#disabled = true;
    this.#filled = 0;
    this.#pos = 0;
  }
}
