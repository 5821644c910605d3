import { z } from 'zod';

const HOST_UUID = /^[A-Za-z0-9_.-]+:[0-9a-fA-F-]{36}$/;

/** `src:5ac1fb20-...` or `{ host, parent, type }` (a type before any instance exists). */
const SourceSchema = z.union([
  z.string().regex(HOST_UUID, 'expected HOST:UUID'),
  z.strictObject({ host: z.string(), parent: z.string(), type: z.string() }),
]);

const TargetSchema = z.union([
  z.string().min(1),
  z.strictObject({
    host: z.string(),
    parent: z.string().optional(),
    type: z.string().optional(),
    uuid: z.string().optional(),
  }),
]);

export const CheckActionSchema = z.strictObject({
  title: z.string().optional(),
  from: SourceSchema,
  to: TargetSchema,
  mode: z.enum(['type', 'instance']).optional(),
});

export const MigrateOptionsSchema = z.strictObject({
  downtimeLimitMs: z.number().positive().max(2_000_000).optional(),
  bandwidth: z.number().positive().optional(),
  maxIterations: z.number().int().min(1).max(100_000).optional(),
  autoConverge: z.boolean().optional(),
  keepSource: z.boolean().optional(),
  rttMs: z.number().min(0).optional(),
  sysfsOpUs: z.number().min(0).optional(),
});

export const MigrateActionSchema = z.strictObject({
  title: z.string().optional(),
  from: z.string().regex(HOST_UUID, 'expected HOST:UUID'),
  to: TargetSchema,
  options: MigrateOptionsSchema.optional(),
});

export const PolicyActionSchema = z.strictObject({
  title: z.string().optional(),
  target: z.string().min(1),
  numRuns: z.number().int().min(1).max(100_000).optional(),
  seed: z.number().int().min(0).optional(),
});

export const MatrixActionSchema = z.strictObject({
  title: z.string().optional(),
  crossHostOnly: z.boolean().optional(),
});

/** One step of a scenario's `actions:` list: exactly one key names what to do. */
export const ActionSchema = z.union([
  z.strictObject({ check: CheckActionSchema }),
  z.strictObject({ migrate: MigrateActionSchema }),
  z.strictObject({ policy: PolicyActionSchema }),
  z.strictObject({ matrix: MatrixActionSchema }),
]);

export const ActionsSchema = z.looseObject({ actions: z.array(ActionSchema).default([]) });

export type Action = z.infer<typeof ActionSchema>;
export type CheckAction = z.infer<typeof CheckActionSchema>;
export type MigrateAction = z.infer<typeof MigrateActionSchema>;
export type MigrateOptionsDoc = z.infer<typeof MigrateOptionsSchema>;
