import { z } from 'zod';

/** PCI address `DDDD:BB:DD.F` as the kernel names PCI devices (lower-case hex). */
const PCI_ADDRESS = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/;
const PCI_ID = /^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$/;
const VERSION = /^\d+\.\d+\.\d+$/;

/** `migration:` on a parent: which proposal revision and policy its driver runs, or `false`. */
export const MigrationConfigSchema = z.union([
  z.literal(false),
  z.strictObject({
    revision: z.enum(['v2', 'v4', 'v5']).default('v4'),
    policy: z.string().min(1).optional(),
    /** Aggregation design for drivers with create parameters (kernel.md §2.4; README). */
    aggregation: z.enum(['A', 'B']).optional(),
  }),
]);

export const ParentSchema = z.strictObject({
  driver: z.string().min(1),
  address: z.string().regex(PCI_ADDRESS, 'expected a PCI address like 0000:00:02.0').optional(),
  pciId: z.string().regex(PCI_ID, 'expected vendor:device in hex, like 8086:193b').optional(),
  /** Name of a virtual parent (mtty's is `mtty`). */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/)
    .optional(),
  softwareVersion: z.string().regex(VERSION, 'expected major.minor.bugfix').optional(),
  properties: z.record(z.string(), z.string()).optional(),
  maxInstances: z.number().int().min(0).max(1_000_000).optional(),
  migration: MigrationConfigSchema.optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});

export const HostSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'host names are letters, digits, . _ -'),
  parents: z.array(ParentSchema).default([]),
});

export const InstanceSchema = z.strictObject({
  host: z.string(),
  parent: z.string(),
  type: z.string(),
  uuid: z.string().optional(),
  aggregate: z.number().int().min(1).optional(),
});

/** A world document. `actions` belongs to the runner (actions-schema.ts), validated there. */
export const WorldSchema = z.strictObject({
  seed: z.number().int().min(0).max(0xffffffff).default(0),
  hosts: z.array(HostSchema).min(1),
  instances: z.array(InstanceSchema).default([]),
  actions: z.array(z.unknown()).optional(),
});

export type WorldDocument = z.infer<typeof WorldSchema>;
export type ParentDocument = z.infer<typeof ParentSchema>;
export type MigrationDocument = z.infer<typeof MigrationConfigSchema>;
