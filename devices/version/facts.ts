import type { MdevDevice } from '../mdev-device.ts';
import type { MdevType } from '../mdev-type.ts';
import type { PolicyContext, VersionFacts } from '../policies/policy.ts';

/**
 * The facts a vendor driver knows about one of its types (and, on the device node, one instance),
 * handed to its version policy. PCI parents give their vendor:device; virtual parents the PCI
 * identity their devices present. `units` and `aggregate` let resource-based policies compare
 * aggregated instances (kernel.md §2.4).
 */
export function versionFacts(type: MdevType, device?: MdevDevice): VersionFacts {
  const parent = type.parent;
  const driver = parent.driver;
  const pci = parent.pciId ?? driver.virtualPciId ?? { vendorId: '0000', deviceId: '0000' };
  return {
    driver: driver.name,
    vendorId: pci.vendorId,
    deviceId: pci.deviceId,
    typeId: type.id,
    typeName: type.spec.sysfsName,
    softwareVersion: parent.config.softwareVersion,
    properties: {
      ...driver.defaultProperties,
      ...parent.config.properties,
      units: String(type.spec.units),
      aggregate: String(device?.params.aggregate ?? 1),
    },
  };
}

export function policyContext(type: MdevType, device?: MdevDevice): PolicyContext {
  const setting = type.parent.config.migration;
  return {
    facts: versionFacts(type, device),
    availableInstances: type.availableInstances,
    revision: setting === false ? 'v4' : setting.revision,
  };
}
