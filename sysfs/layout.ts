import type { ParentLocation } from '../devices/driver.ts';

/**
 * Where the kernel places things (kernel.md §1.1). PCI parents sit under their root bus
 * `/sys/devices/pci<domain>:<bus>/<address>` (bridges between root port and device are not
 * modelled); virtual parents under `/sys/devices/virtual/<class>/<name>` (mtty).
 */
export function parentDevicePath(location: ParentLocation): string[] {
  if (location.bus === 'virtual') return ['devices', 'virtual', location.className, location.name];
  const [domain = '0000', bus = '00'] = location.address.split(':');
  return ['devices', `pci${domain}:${bus}`, location.address];
}

/** A relative link target from directory `fromDir` (components under /sys) to `to`. */
export function relativeTarget(fromDir: readonly string[], to: readonly string[]): string {
  let common = 0;
  while (common < fromDir.length && common < to.length && fromDir[common] === to[common]) common++;
  const up = fromDir.length - common;
  return [...Array<string>(up).fill('..'), ...to.slice(common)].join('/');
}
