import type { VendorDriver } from '../driver.ts';
import { aggrDriver } from './aggr.ts';
import { gvtgDriver } from './gvtg.ts';
import { mttyDriver } from './mtty.ts';
import { vgpuDriver } from './vgpu.ts';

/** Built-in vendor drivers by scenario name. */
export const BUILTIN_DRIVERS: ReadonlyMap<string, VendorDriver> = new Map(
  [gvtgDriver, mttyDriver, vgpuDriver, aggrDriver].map((d) => [d.name, d]),
);

export function builtinDriver(name: string): VendorDriver | undefined {
  return BUILTIN_DRIVERS.get(name);
}
