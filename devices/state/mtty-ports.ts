import type { Rng } from '../../core/rng.ts';
import { MTTY_FIFO_SIZE, SERIAL_PORT, SERIAL_PORT_BYTES } from './mtty-layout.ts';

/** One `struct serial_port` in readable form (samples/vfio-mdev/mtty.c; kernel.md §5.2). */
export interface SerialPortFields {
  /** The 8 UART registers (RBR/THR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR). */
  readonly uartReg: readonly number[];
  /** The loop-back FIFO contents. */
  readonly fifo: readonly number[];
  readonly head: number;
  readonly tail: number;
  readonly count: number;
  readonly dlab: boolean;
  readonly overrun: boolean;
  readonly divisor: number;
  readonly fcr: number;
  readonly maxFifoSize: number;
  readonly intrTriggerLevel: number;
}

/** Writes one port record at `offset` (36 bytes, padding zero as after kzalloc). */
export function encodeSerialPort(port: SerialPortFields, target: Uint8Array, offset: number): void {
  target.fill(0, offset, offset + SERIAL_PORT_BYTES);
  for (let i = 0; i < 8; i++) target[offset + SERIAL_PORT.uartReg + i] = (port.uartReg[i] ?? 0) & 0xff;
  for (let i = 0; i < MTTY_FIFO_SIZE; i++) target[offset + SERIAL_PORT.fifo + i] = (port.fifo[i] ?? 0) & 0xff;
  target[offset + SERIAL_PORT.head] = port.head;
  target[offset + SERIAL_PORT.tail] = port.tail;
  target[offset + SERIAL_PORT.count] = port.count;
  target[offset + SERIAL_PORT.dlab] = port.dlab ? 1 : 0;
  target[offset + SERIAL_PORT.overrun] = port.overrun ? 1 : 0;
  new DataView(target.buffer, target.byteOffset).setUint16(offset + SERIAL_PORT.divisor, port.divisor, true);
  target[offset + SERIAL_PORT.fcr] = port.fcr;
  target[offset + SERIAL_PORT.maxFifoSize] = port.maxFifoSize;
  target[offset + SERIAL_PORT.intrTriggerLevel] = port.intrTriggerLevel;
}

export function decodeSerialPort(source: Uint8Array, offset: number): SerialPortFields {
  const at = (field: number): number => source[offset + field] ?? 0;
  return {
    uartReg: Array.from(source.subarray(offset + SERIAL_PORT.uartReg, offset + SERIAL_PORT.uartReg + 8)),
    fifo: Array.from(source.subarray(offset + SERIAL_PORT.fifo, offset + SERIAL_PORT.fifo + MTTY_FIFO_SIZE)),
    head: at(SERIAL_PORT.head),
    tail: at(SERIAL_PORT.tail),
    count: at(SERIAL_PORT.count),
    dlab: at(SERIAL_PORT.dlab) !== 0,
    overrun: at(SERIAL_PORT.overrun) !== 0,
    divisor: new DataView(source.buffer, source.byteOffset).getUint16(offset + SERIAL_PORT.divisor, true),
    fcr: at(SERIAL_PORT.fcr),
    maxFifoSize: at(SERIAL_PORT.maxFifoSize),
    intrTriggerLevel: at(SERIAL_PORT.intrTriggerLevel),
  };
}

const TRIGGER_LEVELS = [1, 4, 8, 14] as const;

/**
 * A plausible port a guest has been using: random register values, a partly filled FIFO whose
 * head/tail/count agree, DLAB following LCR bit 7, FIFO size following FCR bit 0 (as
 * handle_bar_write() sets them). Seeded, so each device's state is distinct and reproducible.
 */
export function seedSerialPort(rng: Rng): SerialPortFields {
  const uartReg = Array.from(rng.bytes(8));
  const count = rng.int(0, MTTY_FIFO_SIZE);
  const tail = rng.int(0, MTTY_FIFO_SIZE - 1);
  const fcr = rng.int(0, 255);
  const lcr = uartReg[3] ?? 0;
  return {
    uartReg,
    fifo: Array.from(rng.bytes(MTTY_FIFO_SIZE)),
    head: (tail + count) & (MTTY_FIFO_SIZE - 1),
    tail,
    count,
    dlab: (lcr & 0x80) !== 0,
    overrun: rng.int(0, 1) === 1,
    divisor: rng.int(1, 0xffff),
    fcr,
    maxFifoSize: (fcr & 1) !== 0 ? MTTY_FIFO_SIZE : 1,
    intrTriggerLevel: TRIGGER_LEVELS[rng.int(0, TRIGGER_LEVELS.length - 1)] ?? 1,
  };
}

/** `nrPorts` seeded records, back to back (the `mdev_state->s[]` array). */
export function seedSerialPorts(nrPorts: number, rng: Rng): Uint8Array {
  const ports = new Uint8Array(SERIAL_PORT_BYTES * nrPorts);
  for (let i = 0; i < nrPorts; i++)
    encodeSerialPort(seedSerialPort(rng.fork(`port${i}`)), ports, i * SERIAL_PORT_BYTES);
  return ports;
}
