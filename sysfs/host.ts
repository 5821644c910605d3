import type { VirtualClock } from '../core/clock.ts';
import type { Rng } from '../core/rng.ts';
import { MdevCore } from '../devices/mdev-core.ts';
import { SysfsFs } from './fs-adapter.ts';
import { Sysfs } from './sysfs.ts';
import { VfioUapi } from './vfio-uapi.ts';

/**
 * One simulated machine as userspace meets it: the kernel model (`kernel`, for setup and
 * invariant checks) and its boundary: `sysfs` (path API), `fs` (Node fs-shaped adapter) and
 * `vfio` (the VFIO device uAPI).
 */
export class Host {
  readonly name: string;
  readonly kernel: MdevCore;
  readonly sysfs: Sysfs;
  readonly fs: SysfsFs;
  /** The VFIO device uAPI (migration feature ioctls and data fds). */
  readonly vfio: VfioUapi;

  constructor(name: string, clock: VirtualClock, rng: Rng) {
    this.name = name;
    this.kernel = new MdevCore(name, clock, rng);
    this.sysfs = new Sysfs(this.kernel);
    this.fs = new SysfsFs(this.sysfs);
    this.vfio = new VfioUapi(this.kernel);
  }
}
