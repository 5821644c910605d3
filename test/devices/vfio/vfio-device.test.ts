import { describe, expect, it } from 'vitest';
import { isErrno } from '../../../core/result.ts';
import { Rng } from '../../../core/rng.ts';
import { createMttyMigration } from '../../../devices/state/mtty-driver.ts';
import { stepFailure } from '../../../devices/vfio/driver.ts';
import type { VfioMigrationEvent } from '../../../devices/vfio/events.ts';
import { FaultInjectingDriver } from '../../../devices/vfio/fault-injection.ts';
import { migrationPath } from '../../../devices/vfio/path.ts';
import { MIG_STATE, type MigState } from '../../../devices/vfio/states.ts';
import { VfioMigrationDevice } from '../../../devices/vfio/vfio-device.ts';
import { ok, StubDriver, StubResume, StubSave, state, value } from './helpers.ts';

const { ERROR, STOP, RUNNING, STOP_COPY, RESUMING, RUNNING_P2P, PRE_COPY, PRE_COPY_P2P } = MIG_STATE;
const SUPPORTED_7: readonly MigState[] = [
  STOP,
  RUNNING,
  STOP_COPY,
  RESUMING,
  RUNNING_P2P,
  PRE_COPY,
  PRE_COPY_P2P,
];

function mttyDevice(events?: VfioMigrationEvent[]) {
  const driver = new FaultInjectingDriver(createMttyMigration({ nrPorts: 1, rng: new Rng(7) }));
  const device = new VfioMigrationDevice(driver, events ? { observer: (e) => events.push(e) } : {});
  return { driver, device };
}

describe('VfioMigrationDevice: data files (kernel.md §3.3, §7.7)', () => {
  it('§7.7: a new data file exactly when the last arc is RUN->PC, RP2P->PCP2P, STOP->SC or STOP->RES', () => {
    const fdArcs = new Set(['2>6', '5>7', '1>3', '1>4']);
    for (const from of SUPPORTED_7) {
      for (const to of SUPPORTED_7) {
        const path = migrationPath(7, from, to);
        if (isErrno(path)) continue;
        const device = new VfioMigrationDevice(new StubDriver());
        ok(device.setState(from));
        const reply = device.setState(to);
        const last = path.length > 1 ? `${path[path.length - 2]}>${to}` : '';
        expect({ from, to, file: 'dataFile' in reply }).toEqual({ from, to, file: fdArcs.has(last) });
        expect(state(device)).toBe(to);
      }
    }
  });

  it('§3.3: entering STOP_COPY from PRE_COPY keeps the fd; leaving the saving group disables it', () => {
    const { device } = mttyDevice();
    const file = ok(device.setState(PRE_COPY)).dataFile;
    expect(file?.kind).toBe('save');
    const sc = ok(device.setState(STOP_COPY));
    expect(sc).toEqual({ state: STOP_COPY });
    expect(device.activeDataFile).toBe(file);
    expect(value(file?.read(1000) ?? new Uint8Array()).length).toBe(60);
    ok(device.setState(STOP));
    expect(file?.disabled).toBe(true);
    expect(file?.read(10)).toMatchObject({ errno: 'ENODEV' });
    expect(device.activeDataFile).toBeUndefined();
  });

  it('§3.3: PC->RUN and PCP2P->RP2P end the pre-copy session', () => {
    for (const [enter, leave] of [
      [PRE_COPY, RUNNING],
      [PRE_COPY_P2P, RUNNING_P2P],
    ] as const) {
      const { device } = mttyDevice();
      const file = ok(device.setState(enter)).dataFile;
      ok(device.setState(leave));
      expect(file?.read(10)).toMatchObject({ errno: 'ENODEV' });
    }
  });

  it('§3.3: RES->STOP ends the resuming session; the fd then answers ENODEV', () => {
    const { device: source } = mttyDevice();
    const stream = value(ok(source.setState(STOP_COPY)).dataFile?.read(100) ?? new Uint8Array());
    const { device } = mttyDevice();
    const file = ok(device.setState(RESUMING)).dataFile;
    expect(file?.write(stream)).toBe(60);
    ok(device.setState(STOP));
    expect(file?.write(new Uint8Array(1))).toMatchObject({ errno: 'ENODEV' });
  });

  it('fd access modes: read on a resuming fd, write on a saving fd, anything after close -> EBADF', () => {
    const { device } = mttyDevice();
    const save = ok(device.setState(STOP_COPY)).dataFile;
    expect(save?.write(new Uint8Array(1))).toMatchObject({ errno: 'EBADF' });
    expect(save?.close()).toBeUndefined();
    expect(save?.read(10)).toMatchObject({ errno: 'EBADF' });
    expect(save?.close()).toMatchObject({ errno: 'EBADF' });
    expect(device.activeDataFile?.disabled).toBe(false);
    ok(device.setState(RESUMING));
    const resume = device.activeDataFile;
    expect(resume?.read(10)).toMatchObject({ errno: 'EBADF' });
    expect(resume?.precopyInfo()).toMatchObject({ errno: 'ENOTTY' });
  });

  it('VFIO_DEVICE_RESET disables the session even when the driver does not', () => {
    const driver = new StubDriver();
    const device = new VfioMigrationDevice(driver);
    const file = ok(device.setState(PRE_COPY)).dataFile;
    expect(value(file?.read(3) ?? new Uint8Array())).toHaveLength(3);
    device.reset();
    expect(driver.resets).toBe(1);
    expect(device.activeDataFile).toBeUndefined();
    expect(file?.read(3)).toMatchObject({ errno: 'ENODEV' });
  });

  it('VFIO_DEVICE_RESET disables every file and returns to RUNNING', () => {
    const { device } = mttyDevice();
    const file = ok(device.setState(STOP_COPY)).dataFile;
    device.reset();
    expect(state(device)).toBe(RUNNING);
    expect(file?.read(10)).toMatchObject({ errno: 'ENODEV' });
    const resume = ok(device.setState(RESUMING)).dataFile;
    device.reset();
    expect(resume?.write(new Uint8Array(4))).toMatchObject({ errno: 'ENODEV' });
  });
});

describe('VfioMigrationDevice: SET failures and ERROR (kernel.md §3.2.5, §3.3, §7.5, §7.8)', () => {
  it('§7.8: a failed SET replies with the requested state; the device keeps the last reached step', () => {
    const { device, driver } = mttyDevice();
    driver.arm({ from: STOP, to: RESUMING, errno: 'EIO' });
    const reply = device.setState(RESUMING);
    expect(reply).toMatchObject({ errno: 'EIO', requested: RESUMING });
    expect(state(device)).toBe(STOP);
    ok(device.setState(STOP_COPY));
    expect(device.setState(PRE_COPY)).toMatchObject({ errno: 'EINVAL', requested: PRE_COPY });
    expect(device.setState(PRE_COPY_P2P)).toMatchObject({ errno: 'EINVAL', requested: PRE_COPY_P2P });
    expect(state(device)).toBe(STOP_COPY);
    expect(device.setState(8)).toMatchObject({ errno: 'EINVAL', requested: 8 });
  });

  it('§7.5: ERROR cannot be requested; after a step fails into ERROR every other SET is EINVAL until reset', () => {
    const { device, driver } = mttyDevice();
    expect(device.setState(ERROR)).toMatchObject({ errno: 'EINVAL', requested: ERROR });
    const file = ok(device.setState(PRE_COPY)).dataFile;
    driver.arm({ from: PRE_COPY, to: PRE_COPY_P2P, errno: 'EIO', intoError: true });
    expect(device.setState(STOP_COPY)).toMatchObject({ errno: 'EIO', requested: STOP_COPY });
    expect(state(device)).toBe(ERROR);
    expect(file?.read(10)).toMatchObject({ errno: 'ENODEV' });
    for (const s of SUPPORTED_7) expect(device.setState(s)).toMatchObject({ errno: 'EINVAL', requested: s });
    // The drivers' `while (state != new)` loop: SET(ERROR) in ERROR does nothing and succeeds.
    expect(device.setState(ERROR)).toEqual({ state: ERROR });
    expect(device.getDataSize()).toBe(60);
    device.reset();
    expect(state(device)).toBe(RUNNING);
    expect(ok(device.setState(STOP_COPY)).dataFile).toBeDefined();
  });

  it('mtty_set_state(): a file returned before the last arc is a driver bug -> EINVAL, state advanced', () => {
    const driver = new StubDriver();
    const stray = new StubSave();
    driver.script = (from, to) => (from === RUNNING && to === RUNNING_P2P ? stray : 'default');
    const device = new VfioMigrationDevice(driver);
    expect(device.setState(STOP)).toMatchObject({ errno: 'EINVAL', requested: STOP });
    expect(state(device)).toBe(RUNNING_P2P);
    expect(stray.disabled).toBe(true);
  });

  it('a file on an arc that must not open one, or none where one is due, is EINVAL', () => {
    const driver = new StubDriver();
    driver.script = (from, to) => (from === RUNNING && to === RUNNING_P2P ? new StubResume() : 'default');
    const device = new VfioMigrationDevice(driver);
    expect(device.setState(RUNNING_P2P)).toMatchObject({ errno: 'EINVAL' });
    driver.script = (from, to) => (from === STOP && to === STOP_COPY ? undefined : 'default');
    expect(device.setState(STOP_COPY)).toMatchObject({ errno: 'EINVAL' });
    expect(state(device)).toBe(STOP_COPY);
    driver.script = (from, to) => (from === STOP && to === RESUMING ? new StubSave() : 'default');
    expect(device.setState(RESUMING)).toMatchObject({ errno: 'EINVAL' });
  });

  it('a driver failure with intoError leaves ERROR; without it the state stays at the arc start', () => {
    const driver = new StubDriver();
    driver.script = (from, to) =>
      from === RUNNING_P2P && to === STOP ? stepFailure('EBUSY', 'busy') : 'default';
    const device = new VfioMigrationDevice(driver);
    expect(device.setState(STOP_COPY)).toMatchObject({ errno: 'EBUSY', requested: STOP_COPY });
    expect(state(device)).toBe(RUNNING_P2P);
    driver.script = (from, to) =>
      from === RUNNING_P2P && to === STOP ? stepFailure('EIO', 'dead', true) : 'default';
    expect(device.setState(STOP)).toMatchObject({ errno: 'EIO' });
    expect(state(device)).toBe(ERROR);
    device.reset();
    expect(driver.resets).toBe(1);
  });
});

describe('VfioMigrationDevice: features (kernel.md §3.2, §3.8)', () => {
  it('§3.8: PRECOPY_INFO only in PRE_COPY states; ENODEV on a disabled file', () => {
    const { device } = mttyDevice();
    const first = ok(device.setState(PRE_COPY)).dataFile;
    expect(first?.precopyInfo()).toEqual({ initialBytes: 24, dirtyBytes: 0 });
    ok(device.setState(PRE_COPY_P2P));
    expect(first?.precopyInfo()).toEqual({ initialBytes: 24, dirtyBytes: 0 });
    ok(device.setState(STOP_COPY));
    expect(first?.precopyInfo()).toMatchObject({ errno: 'EINVAL' });
    ok(device.setState(RUNNING));
    expect(first?.precopyInfo()).toMatchObject({ errno: 'EINVAL' });
    const second = ok(device.setState(PRE_COPY)).dataFile;
    expect(first?.precopyInfo()).toMatchObject({ errno: 'ENODEV' });
    expect(second?.precopyInfo()).toEqual({ initialBytes: 24, dirtyBytes: 0 });
  });

  it('§3.2: flags without STOP_COPY are not migratable: every feature answers ENOTTY', () => {
    for (const flags of [0, 2, 4, 6]) {
      const device = new VfioMigrationDevice(new StubDriver(flags));
      expect(device.migratable).toBe(false);
      expect(device.getMigrationFlags()).toMatchObject({ errno: 'ENOTTY' });
      expect(device.getState()).toMatchObject({ errno: 'ENOTTY' });
      expect(device.getDataSize()).toMatchObject({ errno: 'ENOTTY' });
      expect(device.setState(STOP)).toMatchObject({ errno: 'ENOTTY', requested: STOP });
    }
    expect(new VfioMigrationDevice(new StubDriver(5)).getMigrationFlags()).toBe(5);
  });

  it('walks one arc at a time, calling the driver once per arc, and reports each step', () => {
    const events: VfioMigrationEvent[] = [];
    const driver = new StubDriver();
    const device = new VfioMigrationDevice(driver, { observer: (e) => events.push(e) });
    const file = ok(device.setState(STOP_COPY)).dataFile;
    expect(driver.arcs).toEqual(['2>5', '5>1', '1>3']);
    expect(events.map((e) => e.type)).toEqual([
      'set-state',
      'arc',
      'arc',
      'arc',
      'file-opened',
      'set-state-done',
    ]);
    expect(events.at(-1)).toEqual({
      type: 'set-state-done',
      requested: STOP_COPY,
      state: STOP_COPY,
      fileId: file?.id,
    });
    ok(device.setState(STOP_COPY));
    expect(driver.arcs).toHaveLength(3);
    file?.read(5);
    ok(device.setState(STOP));
    expect(events.slice(-5).map((e) => e.type)).toEqual([
      'read',
      'set-state',
      'arc',
      'file-disabled',
      'set-state-done',
    ]);
  });
});
