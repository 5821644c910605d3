/**
 * mdevsim's public API. Everything a user imports comes from here, by name.
 */
export { SysError, isSysError, type Syscall } from './core/sys-error.ts';
export { ERRNO, type ErrnoCode, errnoCode, errnoNumber } from './core/errno.ts';
export { MdevsimError, isMdevsimError } from './core/errors.ts';
export { VirtualClock, NS_PER_MS, NS_PER_S, NS_PER_US } from './core/clock.ts';
export { Rng } from './core/rng.ts';
export { canonicalUuid, guidParse, randomUuid } from './core/uuid.ts';
export type { Attribute } from './devices/attribute.ts';
export type { CapacityModel, DeviceApi, ParentConfig, TypeSpec, VendorDriver } from './devices/driver.ts';
export { BUILTIN_DRIVERS } from './devices/drivers/registry.ts';
export { MdevCore } from './devices/mdev-core.ts';
export type { SysfsApi, SysfsStat } from './sysfs/api.ts';
export { SysfsFs } from './sysfs/fs-adapter.ts';
export { Host } from './sysfs/host.ts';
export { Sysfs } from './sysfs/sysfs.ts';
export { World } from './sysfs/world.ts';
export { loadScenario, parseScenario, type LoadOptions } from './scenarios/load.ts';
export { ScenarioError, type ScenarioIssue } from './scenarios/scenario-error.ts';
