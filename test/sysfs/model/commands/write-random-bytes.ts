import type fc from 'fast-check';
import { expect } from 'vitest';
import type { World } from '../../../../sysfs/world.ts';
import { checkInvariants } from '../invariants.ts';
import {
  describeBytes,
  hostNameOf,
  modelWrite,
  realWrite,
  resolveTarget,
  type TargetChoice,
} from '../targets.ts';
import type { Model } from '../world-model.ts';

/** Arbitrary bytes to an arbitrary attribute (or a directory, or a missing name). */
export class WriteRandomBytes implements fc.Command<Model, World> {
  readonly choice: TargetChoice;
  readonly bytes: Uint8Array;
  readonly via: 'sysfs' | 'fs';
  #label = '';
  constructor(choice: TargetChoice, bytes: Uint8Array, via: 'sysfs' | 'fs') {
    this.choice = choice;
    this.bytes = bytes;
    this.via = via;
  }
  check(): boolean {
    return true;
  }
  run(model: Model, world: World): void {
    const target = resolveTarget(model, this.choice);
    const hostName = hostNameOf(model, target, this.choice.host);
    this.#label = `${hostName}:${target.path} ← ${describeBytes(this.bytes)} (${this.via})`;
    const expected = modelWrite(target, this.bytes, this.via);
    const actual = realWrite(world, hostName, target.path, this.bytes, this.via);
    expect(actual, this.#label).toEqual(expected);
    checkInvariants(world, model);
  }
  toString(): string {
    return `WriteRandomBytes(${this.#label || `${this.choice.kind} ${describeBytes(this.bytes)}`})`;
  }
}
