import type fc from 'fast-check';
import { expect } from 'vitest';
import type { World } from '../../../../sysfs/world.ts';
import { checkInvariants } from '../invariants.ts';
import { modelWrite, realWrite, type Target } from '../targets.ts';
import { type Model, pick, typePath, UUID_POOL } from '../world-model.ts';

export interface CreateArgs {
  readonly host: number;
  readonly parent: number;
  readonly type: number;
  readonly uuid: number;
  readonly upper: boolean;
  readonly newline: boolean;
  /** Used only on parents with create parameters (aggr); 1 means "no parameter" half the time. */
  readonly aggregate: number;
  readonly via: 'sysfs' | 'fs';
}

/** echo <uuid> > …/<type>/create, with a possibly duplicate or upper-case UUID (kernel.md §1.3). */
export class CreateMdev implements fc.Command<Model, World> {
  readonly args: CreateArgs;
  #label = '';
  constructor(args: CreateArgs) {
    this.args = args;
  }
  check(): boolean {
    return true;
  }
  run(model: Model, world: World): void {
    const a = this.args;
    const host = pick(model.hosts, a.host);
    const parent = pick(host.parents, a.parent);
    const type = pick(parent.types, a.type);
    const uuid = pick(UUID_POOL, a.uuid);
    const param = parent.acceptsParams && (a.aggregate !== 1 || a.upper) ? `,aggregate=${a.aggregate}` : '';
    const text = `${a.upper ? uuid.toUpperCase() : uuid}${param}${a.newline ? '\n' : ''}`;
    const target: Target = { kind: 'create', host, parent, type, path: `${typePath(parent, type)}/create` };
    this.#label = `${host.name}:${parent.name}/${type.id} ← ${JSON.stringify(text)} (${a.via})`;
    const bytes = Buffer.from(text, 'latin1');
    const expected = modelWrite(target, bytes, a.via);
    const actual = realWrite(world, host.name, target.path, bytes, a.via);
    expect(actual, this.#label).toEqual(expected);
    checkInvariants(world, model);
  }
  toString(): string {
    return `CreateMdev(${this.#label || JSON.stringify(this.args)})`;
  }
}
