import type fc from 'fast-check';
import { expect } from 'vitest';
import type { World } from '../../../../sysfs/world.ts';
import { uuidN } from '../../../helpers/scenarios.ts';
import { checkInvariants } from '../invariants.ts';
import { parseRemove } from '../kernel-parsers.ts';
import { realWrite } from '../targets.ts';
import { type Model, pick, typePath } from '../world-model.ts';

export interface RemoveArgs {
  readonly host: number;
  readonly pick: number;
  readonly value: string;
  /** Which path reaches the device: the bus link, the parent directory or the type's devices/ link. */
  readonly via: 'bus' | 'parent' | 'type';
}

/** echo 1 > …/<uuid>/remove (kernel.md §1.4); with no device left, a vanished path → ENOENT. */
export class RemoveMdev implements fc.Command<Model, World> {
  readonly args: RemoveArgs;
  #label = '';
  constructor(args: RemoveArgs) {
    this.args = args;
  }
  check(): boolean {
    return true;
  }
  run(model: Model, world: World): void {
    const host = pick(model.hosts, this.args.host);
    const devices = [...host.devices.values()];
    const bytes = Buffer.from(this.args.value, 'latin1');
    if (devices.length === 0) {
      const path = `/sys/bus/mdev/devices/${uuidN(999)}/remove`;
      this.#label = `${host.name}: ${path} (no device)`;
      expect(realWrite(world, host.name, path, bytes, 'sysfs')).toEqual({ errno: 'ENOENT' });
      return;
    }
    const d = pick(devices, this.args.pick);
    const path =
      this.args.via === 'bus'
        ? `/sys/bus/mdev/devices/${d.uuid}/remove`
        : this.args.via === 'parent'
          ? `${d.parent.dir}/${d.uuid}/remove`
          : `${typePath(d.parent, d.type)}/devices/${d.uuid}/remove`;
    this.#label = `${host.name}: ${path} ← ${JSON.stringify(this.args.value)}`;
    const parsed = parseRemove(this.args.value);
    const actual = realWrite(world, host.name, path, bytes, 'sysfs');
    if (parsed === 'noop' || parsed === 'destroy') {
      expect(actual, this.#label).toEqual({ ok: bytes.length });
      if (parsed === 'destroy') host.devices.delete(d.uuid);
    } else {
      expect(actual, this.#label).toEqual({ errno: parsed });
    }
    checkInvariants(world, model);
  }
  toString(): string {
    return `RemoveMdev(${this.#label || JSON.stringify(this.args)})`;
  }
}
