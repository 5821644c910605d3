/*
 * The mtty sample's migration stream, `struct mtty_data` (samples/vfio-mdev/mtty.c, "vfio/mtty:
 * Add migration support"; kernel.md §5.2). The kernel writes it in native byte order; mdevsim
 * models x86-64, so every multi-byte field is little-endian, with the C layout's padding.
 */

/** `MTTY_MAGIC` ("nothing clever, just random"). */
export const MTTY_MAGIC = 0x7e9d09898c3e2c4en;
export const MTTY_MAJOR_VER = 1;
export const MTTY_MINOR_VER = 0;

/** Byte offsets of the `struct mtty_data` header fields. */
export const MTTY_HEADER = {
  magic: 0, // u64
  majorVer: 8, // u32
  minorVer: 12, // u32
  nrPorts: 16, // u32
  flags: 20, // u32, must be 0
} as const;

/** `offsetof(struct mtty_data, ports)`: the header size. */
export const MTTY_HEADER_BYTES = 24;

/** `sizeof(struct serial_port)` on x86-64. */
export const SERIAL_PORT_BYTES = 36;

/** `MAX_FIFO_SIZE`. */
export const MTTY_FIFO_SIZE = 16;

/**
 * Byte offsets inside `struct serial_port`: `u8 uart_reg[8]`, `struct rxtx { u8 fifo[16];
 * u8 head, tail, count; }`, `bool dlab`, `bool overrun`, (1 pad byte), `u16 divisor`, `u8 fcr`,
 * `u8 max_fifo_size`, `u8 intr_trigger_level`, (1 pad byte) = 36 bytes (kernel.md §5.2).
 */
export const SERIAL_PORT = {
  uartReg: 0, // u8[8]
  fifo: 8, // u8[16]
  head: 24,
  tail: 25,
  count: 26,
  dlab: 27,
  overrun: 28,
  divisor: 30, // u16
  fcr: 32,
  maxFifoSize: 33,
  intrTriggerLevel: 34,
} as const;

/** The two mtty types' port counts (mtty-1, mtty-2; kernel.md §5.1). */
export type MttyPortCount = 1 | 2;

/** `mtty_data_size()`: 60 for one port, 96 for two; also MIG_DATA_SIZE in every state. */
export function mttyDataSize(nrPorts: number): number {
  return MTTY_HEADER_BYTES + SERIAL_PORT_BYTES * nrPorts;
}

/** The 24-byte header a saving file starts with (mtty_save_device_data()). */
export function encodeMttyHeader(
  nrPorts: number,
  target: Uint8Array = new Uint8Array(MTTY_HEADER_BYTES),
): Uint8Array {
  const view = new DataView(target.buffer, target.byteOffset, MTTY_HEADER_BYTES);
  view.setBigUint64(MTTY_HEADER.magic, MTTY_MAGIC, true);
  view.setUint32(MTTY_HEADER.majorVer, MTTY_MAJOR_VER, true);
  view.setUint32(MTTY_HEADER.minorVer, MTTY_MINOR_VER, true);
  view.setUint32(MTTY_HEADER.nrPorts, nrPorts, true);
  view.setUint32(MTTY_HEADER.flags, 0, true);
  return target;
}

/**
 * The check mtty_resume_write() makes once the header is complete: magic, flags == 0, major 1,
 * minor 0 and nr_ports equal to the target's (a mismatch makes that write fail with EFAULT).
 */
export function mttyHeaderMatches(stream: Uint8Array, nrPorts: number): boolean {
  if (stream.length < MTTY_HEADER_BYTES) return false;
  const view = new DataView(stream.buffer, stream.byteOffset, MTTY_HEADER_BYTES);
  return (
    view.getBigUint64(MTTY_HEADER.magic, true) === MTTY_MAGIC &&
    view.getUint32(MTTY_HEADER.flags, true) === 0 &&
    view.getUint32(MTTY_HEADER.majorVer, true) === MTTY_MAJOR_VER &&
    view.getUint32(MTTY_HEADER.minorVer, true) === MTTY_MINOR_VER &&
    view.getUint32(MTTY_HEADER.nrPorts, true) === nrPorts
  );
}
