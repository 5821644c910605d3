import type { MigrationEnv } from '../driver.ts';
import type { MdevDevice } from '../mdev-device.ts';
import { createGpuMigration } from '../state/gpu-driver.ts';
import type { PayloadMode } from '../state/gpu-state.ts';
import type { VfioMigrationDriver } from '../vfio/driver.ts';

const MIB = 1024 * 1024;

/**
 * Parent `options:` of the GPU-like drivers (gvtg, vgpu, aggr), sizing the state each vGPU
 * migrates. Real vGPUs carry hundreds of MiB to GiB of framebuffer (performance.md §B.5.3); the
 * defaults are small so a many-host scenario fits in memory, and a scenario scales them up.
 * - `framebufferMiB` (default 16): framebuffer in use per instance, × aggregate;
 * - `dirtyRateMiBps` (default 8): guest writes to it while the device runs, per virtual second;
 * - `payload` (default `real`): `real` moves actual bytes, `modeled` only sizes (fleet scale).
 */
export interface GpuOptions {
  readonly framebufferMiB: number;
  readonly dirtyRateMiBps: number;
  readonly payload: PayloadMode;
}

const DEFAULTS: GpuOptions = { framebufferMiB: 16, dirtyRateMiBps: 8, payload: 'real' };

export function gpuOptions(options: Readonly<Record<string, unknown>>): GpuOptions {
  return {
    framebufferMiB:
      typeof options['framebufferMiB'] === 'number' ? options['framebufferMiB'] : DEFAULTS.framebufferMiB,
    dirtyRateMiBps:
      typeof options['dirtyRateMiBps'] === 'number' ? options['dirtyRateMiBps'] : DEFAULTS.dirtyRateMiBps,
    payload: options['payload'] === 'modeled' ? 'modeled' : DEFAULTS.payload,
  };
}

/** Names the first bad option, or undefined. */
export function validateGpuOptions(options: Readonly<Record<string, unknown>>): string | undefined {
  for (const key of Object.keys(options)) {
    if (!['framebufferMiB', 'dirtyRateMiBps', 'payload'].includes(key)) {
      return `unknown option '${key}' (known: framebufferMiB, dirtyRateMiBps, payload)`;
    }
  }
  const fb = options['framebufferMiB'];
  if (fb !== undefined && (typeof fb !== 'number' || !Number.isInteger(fb) || fb < 1 || fb > 1024 * 1024)) {
    return 'framebufferMiB must be an integer from 1 to 1048576';
  }
  const rate = options['dirtyRateMiBps'];
  if (rate !== undefined && (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0)) {
    return 'dirtyRateMiBps must be a number >= 0';
  }
  const payload = options['payload'];
  if (payload !== undefined && payload !== 'real' && payload !== 'modeled')
    return "payload must be 'real' or 'modeled'";
  return undefined;
}

/**
 * The GPU migration model of one instance: framebuffer × aggregate, dirtied on the clock. A
 * scenario's instance starts with seeded content (a guest has been using it); one created at
 * runtime, the target of a migration included, starts zeroed and lazily allocated.
 */
export function gpuMigration(device: MdevDevice, env: MigrationEnv): VfioMigrationDriver {
  const o = gpuOptions(device.parent.config.options);
  return createGpuMigration({
    framebufferBytes: o.framebufferMiB * MIB * device.params.aggregate,
    dirtyRateBytesPerSec: o.dirtyRateMiBps * MIB * device.params.aggregate,
    payload: o.payload,
    initialContent: env.preexisting === true ? 'seeded' : 'zero',
    clock: env.clock,
    rng: env.rng,
    model: device.parent.driver.name,
  });
}
