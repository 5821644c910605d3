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
// The migration_version handshake: version policies (kernel side) and the userspace check.
export type { PolicyContext, Revision, VersionFacts, VersionPolicy } from './devices/policies/policy.ts';
export { createPolicy, getPolicy, policyNames } from './devices/policies/registry.ts';
export { sysfsStreq } from './devices/policies/sysfs-streq.ts';
// VFIO v2 migration: the kernel's state machine, the stream, the orchestrator.
export { formatPath, migrationPath } from './devices/vfio/path.ts';
export { MIG_FLAG, MIG_STATE, type MigState, migStateName, parseMigState } from './devices/vfio/states.ts';
export { VfioMigrationDevice } from './devices/vfio/vfio-device.ts';
export { matrixCsv, matrixJson, matrixTable } from './lab/matrix/format.ts';
export { compatibilityMatrix, type MatrixCell } from './lab/matrix/matrix.ts';
// Research tools.
export { checkPolicy } from './lab/policy-check/check-policy.ts';
export { formatReport as formatPolicyReport } from './lab/policy-check/format-report.ts';
export type { PolicyReport, PropertyResult } from './lab/policy-check/types.ts';
export { checkCompatibility, type SourceRef, type TargetRef } from './migration/handshake/check.ts';
export type { Touched, Verdict } from './migration/handshake/verdict.ts';
export type { MigrationEvent, Phase } from './migration/orchestrator/events.ts';
export { type MigrateRequest, migrate, migrateSync } from './migration/orchestrator/migrate.ts';
export type { MigrateOptions } from './migration/orchestrator/options.ts';
export type { MigrationResult, PhaseStats } from './migration/orchestrator/result.ts';
export * as stream from './migration/stream/index.ts';
export { type LoadOptions, loadScenario, parseScenario } from './scenarios/load.ts';
// Scenarios, snapshots and the FUSE mount (fuse-native is loaded only when mounting).
export { type RunReport, runScenario, runScenarioText } from './scenarios/run.ts';
export { ScenarioError, type ScenarioIssue } from './scenarios/scenario-error.ts';
export { restoreWorld, snapshotWorld } from './scenarios/snapshot.ts';
export type { SysfsApi, SysfsStat } from './sysfs/api.ts';
export { SysfsFs } from './sysfs/fs-adapter.ts';
export { mountWorld, type WorldMount } from './sysfs/fuse/mount-world.ts';
export { Host } from './sysfs/host.ts';
export { Sysfs } from './sysfs/sysfs.ts';
export { World } from './sysfs/world.ts';
