import { z } from 'zod';
import { isoDateTime } from './common';

/**
 * A subject-first look: one person fetched through the account budget, surface by surface, before
 * (or while) the full sync runs. Shared by the sync operations (the look itself) and the dossier
 * (what the look covered, and what only the full sync can tell).
 */

const count = z.number().int().nonnegative();

export const SubjectSurfaceProgress = z
  .object({
    /** Stable id of the surface ('accounts', 'tickets.requester', 'comments', …); new surfaces add ids. */
    id: z.string().min(1),
    label: z.string(),
    state: z.enum(['queued', 'running', 'done', 'failed', 'skipped']),
    items: count,
    calls: count,
    error: z.object({ code: z.string(), message: z.string() }).strict().nullable(),
  })
  .strict();
export type SubjectSurfaceProgress = z.infer<typeof SubjectSurfaceProgress>;

export const SubjectLookOutcome = z.enum(['running', 'complete', 'incomplete', 'not_found', 'failed']);
export type SubjectLookOutcome = z.infer<typeof SubjectLookOutcome>;

export const SubjectLook = z
  .object({
    lookId: z.number().int().positive(),
    email: z.string(),
    /** The account whose primary address is the e-mail (else the first found), then the person's others. */
    userIds: z.array(z.number().int().positive()),
    startedAt: isoDateTime,
    finishedAt: isoDateTime.nullable(),
    outcome: SubjectLookOutcome,
    surfaces: z.array(SubjectSurfaceProgress),
    /** What the look could not fetch, in words ("comments of ticket 123: rate_limited"). */
    missing: z.array(z.string()),
    apiCalls: count,
  })
  .strict();
export type SubjectLook = z.infer<typeof SubjectLook>;

/** How complete the dossier is, and why: the full sync, a subject-first look, or neither yet. */
export const DossierCompleteness = z
  .object({
    /** Every sync stream has reached its end at least once. */
    fullSync: z.boolean(),
    subjectFirst: z
      .object({
        lookId: z.number().int().positive(),
        outcome: SubjectLookOutcome,
        /** "Complete for this person as of": when the look finished with every surface fetched. */
        completeAsOf: isoDateTime.nullable(),
        missing: z.array(z.string()),
      })
      .strict()
      .nullable(),
    /** Parts of the dossier the cache cannot answer yet, each with the reason. */
    unknown: z.array(z.object({ part: z.string(), why: z.string() }).strict()),
  })
  .strict();
export type DossierCompleteness = z.infer<typeof DossierCompleteness>;
