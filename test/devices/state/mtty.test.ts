import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/rng.ts';
import { createMttyMigration, MttyMigrationDriver } from '../../../devices/state/mtty-driver.ts';
import type { SerialPortFields } from '../../../devices/state/mtty-ports.ts';
import { MIG_STATE } from '../../../devices/vfio/states.ts';
import { VfioMigrationDevice } from '../../../devices/vfio/vfio-device.ts';
import { drain, ok, state, value } from '../vfio/helpers.ts';

const { STOP, RUNNING, STOP_COPY, RESUMING, PRE_COPY, PRE_COPY_P2P } = MIG_STATE;

const KNOWN_PORT: SerialPortFields = {
  uartReg: [1, 2, 3, 4, 5, 6, 7, 8],
  fifo: Array.from({ length: 16 }, (_, i) => 0x10 + i),
  head: 3,
  tail: 1,
  count: 2,
  dlab: true,
  overrun: false,
  divisor: 0x1234,
  fcr: 0xc1,
  maxFifoSize: 16,
  intrTriggerLevel: 14,
};

/** kernel.md §5.2 layout, by hand: header then one 36-byte serial_port, little-endian. */
const KNOWN_STREAM_HEX = [
  '4e2c3e8c89099d7e', // magic 0x7e9d09898c3e2c4e
  '01000000', // major 1
  '00000000', // minor 0
  '01000000', // nr_ports 1
  '00000000', // flags 0
  '0102030405060708', // uart_reg[8]
  '101112131415161718191a1b1c1d1e1f', // rxtx.fifo[16]
  '030102', // head, tail, count
  '01', // dlab
  '00', // overrun
  '00', // padding
  '3412', // divisor
  'c1', // fcr
  '10', // max_fifo_size
  '0e', // intr_trigger_level
  '00', // padding
].join('');

function mtty(nrPorts: 1 | 2, seed = 1, precopyEmptyRead?: 'zero' | 'ENOMSG') {
  const driver = new MttyMigrationDriver(
    precopyEmptyRead === undefined
      ? { nrPorts, rng: new Rng(seed) }
      : { nrPorts, rng: new Rng(seed), precopyEmptyRead },
  );
  return { driver, device: new VfioMigrationDevice(driver) };
}

function savedStream(nrPorts: 1 | 2, seed = 1): Uint8Array {
  const { device } = mtty(nrPorts, seed);
  const file = ok(device.setState(STOP_COPY)).dataFile;
  if (file === undefined) throw new Error('no file');
  return drain(file);
}

describe('mtty migration stream (kernel.md §5.2)', () => {
  it('§5.2: the stream of a known port state, byte for byte', () => {
    const { driver, device } = mtty(1);
    driver.setPort(0, KNOWN_PORT);
    const file = ok(device.setState(STOP_COPY)).dataFile;
    if (file === undefined) throw new Error('no file');
    const bytes = drain(file);
    expect(Buffer.from(bytes).toString('hex')).toBe(KNOWN_STREAM_HEX);
    expect(driver.port(0)).toEqual(KNOWN_PORT);
  });

  it('§5.2: 60 / 96 bytes; MIG_DATA_SIZE is the same in every state', () => {
    for (const [ports, size] of [
      [1, 60],
      [2, 96],
    ] as const) {
      expect(savedStream(ports)).toHaveLength(size);
      const { device } = mtty(ports);
      for (const s of [RUNNING, PRE_COPY, PRE_COPY_P2P, STOP_COPY, STOP, RESUMING]) {
        ok(device.setState(s));
        expect(device.getDataSize()).toBe(size);
      }
    }
  });

  it('§5.2: ports are seeded per device, so streams differ by seed and repeat by seed', () => {
    expect(savedStream(2, 1)).toEqual(savedStream(2, 1));
    expect(savedStream(2, 1)).not.toEqual(savedStream(2, 2));
    expect(createMttyMigration({ nrPorts: 2, rng: new Rng(3) }).port(1).fifo).toHaveLength(16);
  });

  it('§5.2: PRE_COPY holds only the header; read returns 0 when out; ports appear on PCP2P->SC', () => {
    const { device } = mtty(2);
    const file = ok(device.setState(PRE_COPY)).dataFile;
    if (file === undefined) throw new Error('no file');
    expect(value(file.precopyInfo())).toEqual({ initialBytes: 24, dirtyBytes: 0 });
    expect(value(file.read(10))).toHaveLength(10);
    expect(value(file.precopyInfo())).toEqual({ initialBytes: 14, dirtyBytes: 0 });
    expect(value(file.read(100))).toHaveLength(14);
    expect(value(file.read(100))).toHaveLength(0);
    expect(ok(device.setState(STOP_COPY)).dataFile).toBeUndefined();
    expect(value(file.read(100))).toHaveLength(72);
    expect(value(file.read(100))).toHaveLength(0);
  });

  it('§3.8: with the uAPI option a drained PRE_COPY read is ENOMSG; in STOP_COPY the end is 0', () => {
    const { device } = mtty(1, 1, 'ENOMSG');
    const file = ok(device.setState(PRE_COPY_P2P)).dataFile;
    expect(value(file?.read(24) ?? new Uint8Array())).toHaveLength(24);
    expect(file?.read(1)).toMatchObject({ errno: 'ENOMSG' });
    ok(device.setState(STOP_COPY));
    expect(value(file?.read(100) ?? new Uint8Array())).toHaveLength(36);
    expect(value(file?.read(100) ?? new Uint8Array(1))).toHaveLength(0);
  });

  it('round trip: the target gets the source ports; the source is unchanged', () => {
    const { driver: source } = mtty(2, 11);
    const before = source.stateDigest();
    const stream = savedStream(2, 11);
    const { driver, device } = mtty(2, 12);
    expect(driver.stateDigest()).not.toBe(before);
    const file = ok(device.setState(RESUMING)).dataFile;
    expect(file?.write(stream.subarray(0, 30))).toBe(30);
    expect(file?.write(stream.subarray(30))).toBe(66);
    ok(device.setState(RUNNING));
    expect(driver.stateDigest()).toBe(before);
    expect(source.stateDigest()).toBe(before);
  });
});

describe('mtty resume errors (kernel.md §5.2)', () => {
  function target(nrPorts: 1 | 2) {
    const { driver, device } = mtty(nrPorts, 99);
    const file = ok(device.setState(RESUMING)).dataFile;
    if (file === undefined) throw new Error('no file');
    return { driver, device, file };
  }

  it('a write past the stream size is ENOMEM, even on a disabled file', () => {
    const { device, file } = target(1);
    expect(file.write(new Uint8Array(61))).toMatchObject({ errno: 'ENOMEM' });
    expect(file.write(savedStream(1))).toBe(60);
    expect(file.write(new Uint8Array(1))).toMatchObject({ errno: 'ENOMEM' });
    device.reset();
    expect(file.write(new Uint8Array(61))).toMatchObject({ errno: 'ENOMEM' });
    expect(file.write(new Uint8Array(1))).toMatchObject({ errno: 'ENODEV' });
  });

  it('a header mismatch fails the write that completes byte 24 with EFAULT, but the bytes count', () => {
    const { driver, device, file } = target(1);
    const stream = savedStream(2, 5).subarray(0, 60); // nr_ports says 2
    expect(file.write(stream.subarray(0, 10))).toBe(10);
    expect(file.write(stream.subarray(10, 24))).toMatchObject({ errno: 'EFAULT' });
    expect(file.write(stream.subarray(24, 60))).toBe(36);
    // Only the size is checked at load: the ports of the rejected stream are loaded anyway.
    ok(device.setState(STOP));
    expect(driver.portBytes).toEqual(stream.subarray(24, 60));
  });

  it.each([
    ['magic', 0],
    ['major', 8],
    ['minor', 12],
    ['nr_ports', 16],
    ['flags', 20],
  ])('a bad %s is caught when the header completes', (_name, offset) => {
    const { file } = target(1);
    const stream = savedStream(1).slice();
    stream[offset] = (stream[offset] ?? 0) ^ 0x40;
    expect(file.write(stream.subarray(0, 23))).toBe(23);
    expect(file.write(stream.subarray(23, 40))).toMatchObject({ errno: 'EFAULT' });
    expect(file.write(stream.subarray(40))).toBe(20);
  });

  it('RES->STOP with fewer than 24 + 36n bytes fails with EINVAL and stays RESUMING', () => {
    const { device, file } = target(2);
    expect(file.write(savedStream(2).subarray(0, 95))).toBe(95);
    expect(device.setState(RUNNING)).toMatchObject({ errno: 'EINVAL', requested: RUNNING });
    expect(state(device)).toBe(RESUMING);
    expect(file.write(new Uint8Array([0]))).toBe(1);
    ok(device.setState(STOP));
  });

  it('an mtty-1 stream into an mtty-2 target: EFAULT on the header, EINVAL at load', () => {
    const { device, file } = target(2);
    const stream = savedStream(1);
    expect(file.write(stream)).toMatchObject({ errno: 'EFAULT' });
    expect(device.setState(STOP)).toMatchObject({ errno: 'EINVAL' });
  });
});
