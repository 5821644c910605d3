/**
 * What mdevctl knows about types and devices (mdevctl/mdevctl: src/main.rs `MDevType`, `MDev`),
 * as plain data: the reader fills it from a /sys tree, the formatters print it.
 */

/** One type directory under `/sys/class/mdev_bus/<parent>/mdev_supported_types/`. */
export interface MdevTypeInfo {
  readonly typeName: string;
  readonly availableInstances: number;
  readonly deviceApi: string;
  /** Trimmed; empty when the `name` file is absent (mdevctl then leaves `Name:` out). */
  readonly name: string;
  /** Trimmed, with each `\n` replaced by `, `; empty when absent. */
  readonly description: string;
}

/** A parent and its types (a parent with no types is listed too, as mdevctl does). */
export interface ParentTypes {
  readonly parent: string;
  readonly types: readonly MdevTypeInfo[];
}

/** One mdev device as `mdevctl list` shows it. */
export interface MdevInfo {
  /** Lower-case hyphenated. */
  readonly uuid: string;
  readonly parent: string;
  readonly mdevType: string;
  /** From the stored config; `manual` when there is none (always, in the simulator). */
  readonly autostart: boolean;
  /** An active device that also has a stored config: ` (defined)` suffix. */
  readonly defined: boolean;
  /** Ordered `[name, value]` pairs (from a config or a callout; none for a bare active device). */
  readonly attrs: readonly (readonly [string, string])[];
}
