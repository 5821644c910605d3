import type fc from 'fast-check';
import { expect } from 'vitest';
import type { World } from '../../../../sysfs/world.ts';
import { available, type Model, pick, typePath } from '../world-model.ts';

export interface ReadArgs {
  readonly host: number;
  readonly parent: number;
  readonly type: number;
}

/** cat …/<type>/available_instances, through the path API and the fs adapter. */
export class ReadAvailable implements fc.Command<Model, World> {
  readonly args: ReadArgs;
  #label = '';
  constructor(args: ReadArgs) {
    this.args = args;
  }
  check(): boolean {
    return true;
  }
  run(model: Model, world: World): void {
    const host = pick(model.hosts, this.args.host);
    const parent = pick(host.parents, this.args.parent);
    const type = pick(parent.types, this.args.type);
    const path = `${typePath(parent, type)}/available_instances`;
    this.#label = `${host.name}:${path}`;
    const expected = `${available(host, parent, type)}\n`;
    expect(world.host(host.name).sysfs.read(path), this.#label).toBe(expected);
    expect(world.host(host.name).fs.readFileSync(path, 'utf8'), this.#label).toBe(expected);
  }
  toString(): string {
    return `ReadAvailable(${this.#label || JSON.stringify(this.args)})`;
  }
}
