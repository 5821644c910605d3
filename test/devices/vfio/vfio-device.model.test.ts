import fc from 'fast-check';
import { describe, it } from 'vitest';
import { VirtualClock } from '../../../core/clock.ts';
import { Rng } from '../../../core/rng.ts';
import { createGpuMigration } from '../../../devices/state/gpu-driver.ts';
import { createMttyMigration } from '../../../devices/state/mtty-driver.ts';
import { FaultInjectingDriver } from '../../../devices/vfio/fault-injection.ts';
import { VfioMigrationDevice } from '../../../devices/vfio/vfio-device.ts';
import { drain, ok } from './helpers.ts';
import { commands, type Real, type Subject } from './mig-commands.ts';
import type { MigModel } from './mig-model.ts';

function runModel(subject: Subject): void {
  fc.assert(
    fc.property(fc.integer(), fc.commands(commands, { maxCommands: 80, size: 'max' }), (seed, cmds) => {
      // The donor: same kind of device, saved once, so every target can load a valid stream.
      const donorDriver = subject.make(seed ^ 0x5a5a);
      const donorDevice = new VfioMigrationDevice(donorDriver);
      ok(donorDevice.setState(1));
      const donorFile = ok(donorDevice.setState(3)).dataFile;
      if (donorFile === undefined) throw new Error('donor produced no file');
      const donor = drain(donorFile);
      const faults = new FaultInjectingDriver(subject.make(seed));
      const real: Real = {
        device: new VfioMigrationDevice(faults),
        faults,
        files: [],
        donor,
        donorDigest: donorDriver.stateDigest(),
        subject,
      };
      const model: MigModel = {
        state: 2,
        files: [],
        active: undefined,
        fault: undefined,
        streamBytes: subject.streamBytes,
        headerBytes: subject.headerBytes,
        donorBytes: donor.length,
      };
      fc.modelRun(() => ({ model, real }), cmds);
    }),
    { numRuns: 150 },
  );
}

describe('VfioMigrationDevice against the kernel-table reference model (kernel.md §3.3-§3.5, §7)', () => {
  it('mtty driver (§5.2)', () => {
    runModel({
      name: 'mtty',
      make: (seed) => createMttyMigration({ nrPorts: 2, rng: new Rng(seed) }),
      exact: true,
      extraWriteErrno: 'ENOMEM',
      extraWriteBreaks: false,
      streamBytes: 96,
      headerBytes: 24,
    });
  });

  it('gpu driver, real payload', () => {
    const clock = new VirtualClock();
    runModel({
      name: 'gpu',
      clock,
      make: (seed) =>
        createGpuMigration({
          framebufferBytes: 256 * 1024,
          registerBytes: 256,
          dirtyRateBytesPerSec: 8 * 1024 * 1024,
          payload: 'real',
          clock,
          rng: new Rng(seed),
        }),
      exact: false,
      extraWriteErrno: 'EINVAL',
      extraWriteBreaks: true,
      streamBytes: 0,
      headerBytes: 0,
    });
  });
});
