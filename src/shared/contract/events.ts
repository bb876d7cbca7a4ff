import { z } from 'zod';

/** Events the core pushes to every face. Payloads carry no personal data and no secrets. */
export const contractEvents = {
  'workspaces.changed': z.object({ activeId: z.string().nullable() }).strict(),
  'sync.progress': z
    .object({
      workspaceId: z.string(),
      resource: z.string(),
      phase: z.enum(['running', 'done', 'failed', 'cancelled']),
      done: z.number().int().nonnegative(),
      total: z.number().int().nonnegative().nullable(),
      ratePerSecond: z.number().nonnegative(),
      etaSeconds: z.number().nonnegative().nullable(),
      message: z.string().optional(),
    })
    .strict(),
  'job.progress': z
    .object({
      jobId: z.string(),
      kind: z.string(),
      phase: z.enum(['running', 'done', 'failed', 'cancelled']),
      done: z.number().nonnegative(),
      total: z.number().nonnegative().nullable(),
      unit: z.string(),
      message: z.string().optional(),
    })
    .strict(),
  /** Team mode: another officer (or this one) changed a request in the team database. */
  'team.changed': z.object({ workspaceId: z.string(), requestId: z.string(), version: z.number().int(), by: z.string() }).strict(),
} as const;

export type ContractEvents = typeof contractEvents;
export type EventName = keyof ContractEvents;
export type EventPayload<K extends EventName> = z.infer<ContractEvents[K]>;
