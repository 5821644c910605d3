import { VirtualClock } from '../core/clock.ts';
import { MdevsimError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { Host } from './host.ts';

/** Several hosts sharing one virtual clock and one seed: everything a simulation runs on. */
export class World {
  readonly seed: number;
  readonly clock = new VirtualClock();
  readonly rng: Rng;
  readonly #hosts = new Map<string, Host>();

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.rng = new Rng(this.seed);
  }

  get hosts(): readonly Host[] {
    return [...this.#hosts.values()];
  }

  addHost(name: string): Host {
    if (this.#hosts.has(name)) throw new MdevsimError('duplicate-host', `host '${name}' already exists`);
    const host = new Host(name, this.clock, this.rng.fork(`host:${name}`));
    this.#hosts.set(name, host);
    return host;
  }

  host(name: string): Host {
    const host = this.#hosts.get(name);
    if (host === undefined) {
      const known = [...this.#hosts.keys()].join(', ') || 'none';
      throw new MdevsimError('unknown-host', `no host named '${name}' (hosts: ${known})`);
    }
    return host;
  }

  hasHost(name: string): boolean {
    return this.#hosts.has(name);
  }
}
