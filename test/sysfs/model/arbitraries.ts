import fc from 'fast-check';
import { badBytes } from './bad-bytes.ts';
import { CreateMdev } from './commands/create-mdev.ts';
import { ReadAvailable } from './commands/read-available.ts';
import { RemoveMdev } from './commands/remove-mdev.ts';
import { WriteRandomBytes } from './commands/write-random-bytes.ts';
import type { TargetChoice } from './targets.ts';

const n = fc.nat({ max: 1000 });
const via = fc.constantFrom<'sysfs' | 'fs'>('sysfs', 'fs');

export const targetChoice: fc.Arbitrary<TargetChoice> = fc.record({
  host: n,
  parent: n,
  type: n,
  kind: fc.constantFrom<TargetChoice['kind']>(
    'create',
    'create',
    'remove',
    'remove',
    'readonly',
    'dir',
    'missing',
    'gone',
  ),
  pick: n,
});

export const createMdev = fc
  .record({
    host: n,
    parent: n,
    type: n,
    uuid: n,
    upper: fc.boolean(),
    newline: fc.boolean(),
    aggregate: fc.integer({ min: 0, max: 9 }),
    via,
  })
  .map((args) => new CreateMdev(args));

export const removeMdev = fc
  .record({
    host: n,
    pick: n,
    value: fc.constantFrom('1', '1\n', '0x1', '+1', '0', '0\n', 'x', '18446744073709551616'),
    via: fc.constantFrom<'bus' | 'parent' | 'type'>('bus', 'parent', 'type'),
  })
  .map((args) => new RemoveMdev(args));

export const readAvailable = fc
  .record({ host: n, parent: n, type: n })
  .map((args) => new ReadAvailable(args));

export const writeRandomBytes = fc
  .tuple(targetChoice, badBytes, via)
  .map(([choice, bytes, how]) => new WriteRandomBytes(choice, bytes, how));

export const allCommands = [createMdev, removeMdev, readAvailable, writeRandomBytes];
