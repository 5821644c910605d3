import type { VirtualClock } from '../core/clock.ts';
import type { Rng } from '../core/rng.ts';
import { MdevCore } from '../devices/mdev-core.ts';
import { SysfsFs } from './fs-adapter.ts';
import { Sysfs } from './sysfs.ts';

/**
 * One simulated machine as userspace meets it: the kernel model (`kernel`, for setup and
 * invariant checks) and its boundary: `sysfs` (path API) and `fs` (Node fs-shaped adapter).
 */
export class Host {
  readonly name: string;
  readonly kernel: MdevCore;
  readonly sysfs: Sysfs;
  readonly fs: SysfsFs;

  constructor(name: string, clock: VirtualClock, rng: Rng) {
    this.name = name;
    this.kernel = new MdevCore(name, clock, rng);
    this.sysfs = new Sysfs(this.kernel);
    this.fs = new SysfsFs(this.sysfs);
  }
}
