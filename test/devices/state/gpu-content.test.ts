import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GpuMigrationDriver } from '../../../devices/state/gpu-driver.ts';
import { loadScenario } from '../../../scenarios/load.ts';
import type { World } from '../../../sysfs/world.ts';

const UUID = '83b8f4f2-509f-382f-3c1e-e6bfe0fa1001';
const RUNTIME = '83b8f4f2-509f-382f-3c1e-e6bfe0fa1002';

const PARENTS = {
  gvtg: { address: '0000:00:02.0', pciId: '8086:193b', type: 'i915-GVTg_V5_4', mib: 3 },
  vgpu: { address: '0000:3b:00.0', pciId: '10de:13bd', type: 'nvidia-155', mib: 2 },
} as const;

function world(driver: keyof typeof PARENTS, seed = 42): Promise<World> {
  const p = PARENTS[driver];
  return loadScenario({
    seed,
    hosts: [
      {
        name: 'h',
        parents: [
          {
            driver,
            address: p.address,
            pciId: p.pciId,
            options: { framebufferMiB: p.mib, dirtyRateMiBps: 0 },
          },
        ],
      },
    ],
    instances: [{ host: 'h', parent: p.address, type: p.type, uuid: UUID }],
  });
}

function gpu(w: World, uuid: string): GpuMigrationDriver {
  const driver = w.host('h').kernel.devices.get(uuid)?.vfio?.driver;
  if (!(driver instanceof GpuMigrationDriver)) throw new Error(`no GPU device ${uuid}`);
  return driver;
}

function rawSha(d: GpuMigrationDriver): string {
  return createHash('sha256')
    .update(d.device.registers)
    .update(d.device.framebuffer ?? new Uint8Array(0))
    .digest('hex');
}

describe('GPU initial content: scenario instances are seeded, runtime-created ones are zeroed', () => {
  it.each([
    // sha256 of registers + framebuffer of the scenario instance, computed with the code before
    // runtime instances became zero-filled: scenario instances must keep exactly these bytes.
    ['gvtg', '94da2dc4eba2f4f5a0b86e87db378bdf52ba4ade71da913d8f11c4a596c52164'],
    ['vgpu', '9247941f85ab33442ec07d944777c5df29156d33aba9385590c42f481a11da50'],
  ] as const)(
    '%s: a scenario instance has the same seeded bytes as before (determinism)',
    async (driver, golden) => {
      const a = gpu(await world(driver), UUID);
      expect(rawSha(a)).toBe(golden);
      const b = gpu(await world(driver), UUID);
      expect(b.stateDigest()).toBe(a.stateDigest());
      expect(gpu(await world(driver, 43), UUID).stateDigest()).not.toBe(a.stateDigest());
    },
  );

  it('an instance created through sysfs `create` starts zeroed (no previous tenant data) and its digest is known up front', async () => {
    const w = await world('gvtg');
    const p = PARENTS.gvtg;
    w.host('h').fs.writeFileSync(
      `/sys/class/mdev_bus/${p.address}/mdev_supported_types/${p.type}/create`,
      RUNTIME,
      'latin1',
    );
    const fresh = gpu(w, RUNTIME);
    expect(fresh.device.pendingDigestBlocks).toBe(0);
    expect(fresh.device.registers.every((b) => b === 0)).toBe(true);
    expect(fresh.device.framebuffer?.equals(Buffer.alloc(p.mib << 20))).toBe(true);
    expect(fresh.stateDigest()).not.toBe(gpu(w, UUID).stateDigest());
    // Two fresh instances of one geometry are indistinguishable, whatever their UUID or seed.
    const other = await world('gvtg', 7);
    other
      .host('h')
      .fs.writeFileSync(
        `/sys/class/mdev_bus/${p.address}/mdev_supported_types/${p.type}/create`,
        RUNTIME,
        'latin1',
      );
    expect(gpu(other, RUNTIME).stateDigest()).toBe(fresh.stateDigest());
  });
});
