import { beforeEach, describe, expect, it } from 'vitest';
import type { Host } from '../../../sysfs/host.ts';
import { expectSys } from '../../helpers/errors.ts';
import { GVT_TYPES, loadMixedWorld, MIXED, typeDir, uuidN } from '../../helpers/scenarios.ts';

const U = uuidN(1);
const T = (t: string) => typeDir(MIXED.aggr, t);
const V58 = T('i915-GVTg_V5_8');
const V54 = T('i915-GVTg_V5_4');
const V51 = T('i915-GVTg_V5_1');

describe('kernel.md §2.4: aggr driver create parameters `<uuid>,aggregate=N` (RFC, never merged)', () => {
  let host: Host;
  const avail = (dir: string) => host.sysfs.read(`${dir}/available_instances`);
  const all = () => GVT_TYPES.map((t) => avail(T(t)));

  beforeEach(async () => {
    host = (await loadMixedWorld()).host('h');
  });

  it('each type shows `aggregation` = the largest N (pool 8 / units): V5_1 1, V5_2 2, V5_4 4, V5_8 8', () => {
    expect(GVT_TYPES.map((t) => host.sysfs.read(`${T(t)}/aggregation`))).toEqual([
      '1\n',
      '2\n',
      '4\n',
      '8\n',
    ]);
    expect(host.sysfs.stat(`${V58}/aggregation`).mode).toBe(0o444);
  });

  it('`<uuid>,aggregate=2` is accepted, returns the count and consumes 2× the type units', () => {
    const text = `${U},aggregate=2`;
    expect(host.sysfs.write(`${V58}/create`, text)).toBe(text.length);
    expect(all()).toEqual(['0\n', '1\n', '3\n', '6\n']);
    expect(host.sysfs.read(`/sys/bus/mdev/devices/${U}/aggregated_instances`)).toBe('2\n');
    expect(host.sysfs.readdir(`${V58}/devices`)).toEqual([U]);
  });

  it('V5_4 ×2 takes the same 4 units as V5_2 ×1 (Yan Zhao 2020 example)', () => {
    host.sysfs.write(`${V54}/create`, `${U},aggregate=2\n`);
    expect(all()).toEqual(['0\n', '1\n', '2\n', '4\n']);
    host.sysfs.write(`/sys/bus/mdev/devices/${U}/remove`, '1');
    expect(all()).toEqual(['1\n', '2\n', '4\n', '8\n']);
  });

  it('N is parsed by kstrtouint(.., 0): hex, octal, "+" and a trailing newline', () => {
    host.sysfs.write(`${V58}/create`, `${uuidN(1)},aggregate=0x2\n`);
    host.sysfs.write(`${V58}/create`, `${uuidN(2)},aggregate=+1`);
    host.sysfs.write(`${V58}/create`, `${uuidN(3)},aggregate=03`);
    expect(
      [1, 2, 3].map((i) => host.sysfs.read(`/sys/bus/mdev/devices/${uuidN(i)}/aggregated_instances`)),
    ).toEqual(['2\n', '1\n', '3\n']);
    expect(avail(V58)).toBe('2\n');
  });

  it('a plain UUID still works (aggregate 1); upper case too', () => {
    expect(host.sysfs.write(`${V58}/create`, `${U.toUpperCase()}\n`)).toBe(37);
    expect(host.sysfs.read(`/sys/bus/mdev/devices/${U}/aggregated_instances`)).toBe('1\n');
  });

  it.each([
    ['comma before offset 36', `${U.slice(0, 35)},aggregate=2`],
    ['comma after offset 36', `${U}x,aggregate=2`],
    ['unknown parameter', `${U},instances=2`],
    ['prefix without =', `${U},aggregate`],
    ['no value', `${U},aggregate=`],
    ['non-numeric value', `${U},aggregate=two`],
    ['negative value', `${U},aggregate=-1`],
    ['32-bit overflow (kstrtouint ERANGE → EINVAL)', `${U},aggregate=4294967296`],
    ['trailing garbage', `${U},aggregate=2,x`],
    ['space after comma', `${U}, aggregate=2`],
    ['upper-case key', `${U},AGGREGATE=2`],
    ['no comma and 38 bytes', `${U}\n\n`],
    ['NUL before the comma hides it: C string has no comma, 49 bytes', `${U}\0,aggregate=2`],
  ])('%s → EINVAL', (_label, text) => {
    expectSys(() => host.sysfs.write(`${V58}/create`, text), 'EINVAL', 'write');
    expect(host.sysfs.readdir('/sys/bus/mdev/devices')).toEqual([]);
    expect(avail(V58)).toBe('8\n');
  });

  it('aggregate=0 passes the RFC parser but the driver refuses it → EINVAL', () => {
    expectSys(() => host.sysfs.write(`${V58}/create`, `${U},aggregate=0`), 'EINVAL');
    expect(avail(V58)).toBe('8\n');
  });

  it('N above the type `aggregation` → EINVAL (V5_8 max 8, V5_1 max 1), even with the pool free', () => {
    expectSys(() => host.sysfs.write(`${V58}/create`, `${U},aggregate=9`), 'EINVAL');
    expectSys(() => host.sysfs.write(`${V51}/create`, `${U},aggregate=2`), 'EINVAL');
    expect(host.sysfs.write(`${V51}/create`, `${U},aggregate=1`)).toBe(48);
  });

  it('length > 4095 → E2BIG: a 4096-byte write, and a 5000-byte write (store sees 4096)', () => {
    const long = `${U},aggregate=${'0'.repeat(4096 - 48)}1`;
    expect(long.length).toBe(4096);
    expectSys(() => host.sysfs.write(`${V58}/create`, long), 'E2BIG', 'write');
    expectSys(() => host.sysfs.write(`${V58}/create`, `${long}${'0'.repeat(904)}`), 'E2BIG', 'write');
    const e = expectSys(() => host.sysfs.write(`${V58}/create`, long), 'E2BIG');
    expect(e.errno).toBe(7);
  });

  it('4095 bytes is parsed, not E2BIG: leading zeros in N are fine', () => {
    const text = `${U},aggregate=${'0'.repeat(4095 - 48)}2`;
    expect(text.length).toBe(4095);
    expect(host.sysfs.write(`${V58}/create`, text)).toBe(4095);
    expect(host.sysfs.read(`/sys/bus/mdev/devices/${U}/aggregated_instances`)).toBe('2\n');
  });

  it('aggregate=8 on V5_8 fills the pool: every type shows 0 and the next create → ENOSPC', () => {
    host.sysfs.write(`${V58}/create`, `${U},aggregate=8`);
    expect(all()).toEqual(['0\n', '0\n', '0\n', '0\n']);
    expectSys(() => host.sysfs.write(`${V58}/create`, uuidN(2)), 'ENOSPC');
  });

  it('aggregate=3 with 2 units free → ENOSPC; aggregate=2 fits exactly', () => {
    host.sysfs.write(`${V58}/create`, `${uuidN(1)},aggregate=6`);
    expectSys(() => host.sysfs.write(`${V58}/create`, `${uuidN(2)},aggregate=3`), 'ENOSPC');
    expect(host.sysfs.write(`${V58}/create`, `${uuidN(2)},aggregate=2`)).toBe(48);
    expect(avail(V58)).toBe('0\n');
  });

  it('a duplicate UUID with parameters → EEXIST (checked before the driver)', () => {
    host.sysfs.write(`${typeDir(MIXED.mtty, 'mtty-1')}/create`, U);
    expectSys(() => host.sysfs.write(`${V58}/create`, `${U},aggregate=9`), 'EEXIST');
  });

  it('drivers without the RFC reject parameters: gvtg `<uuid>,aggregate=2` (48 bytes) → EINVAL; no `aggregation` file', () => {
    const gvt = typeDir(MIXED.gvtg, 'i915-GVTg_V5_8');
    expectSys(() => host.sysfs.write(`${gvt}/create`, `${U},aggregate=2`), 'EINVAL');
    expect(host.sysfs.exists(`${gvt}/aggregation`)).toBe(false);
  });
});
