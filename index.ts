/**
 * mdevsim's public API. Everything a user imports comes from here, by name.
 */

export { NS_PER_MS, NS_PER_S, NS_PER_US, VirtualClock } from './core/clock.ts';
export { ERRNO, type ErrnoCode, errnoCode, errnoNumber } from './core/errno.ts';
export { isMdevsimError, MdevsimError } from './core/errors.ts';
export { Rng } from './core/rng.ts';
export { isSysError, type Syscall, SysError } from './core/sys-error.ts';
export { canonicalUuid, guidParse, randomUuid } from './core/uuid.ts';
export type { Attribute } from './devices/attribute.ts';
export type { CapacityModel, DeviceApi, ParentConfig, TypeSpec, VendorDriver } from './devices/driver.ts';
export { BUILTIN_DRIVERS } from './devices/drivers/registry.ts';
export { MdevCore } from './devices/mdev-core.ts';
export { type LoadOptions, loadScenario, parseScenario } from './scenarios/load.ts';
export { ScenarioError, type ScenarioIssue } from './scenarios/scenario-error.ts';
export type { SysfsApi, SysfsStat } from './sysfs/api.ts';
export { SysfsFs } from './sysfs/fs-adapter.ts';
export { Host } from './sysfs/host.ts';
export { Sysfs } from './sysfs/sysfs.ts';
export { World } from './sysfs/world.ts';
