import { z } from 'zod';
import { op } from '../define';
import { isoDateTime, workspaceId } from '../../schemas/common';
import { ERROR_CODES } from '../../errors';
import { SubjectLook } from '../../schemas/subject-first';

/** The streams a sync runs, in order: people first, then tickets, then their comments. */
export const SYNC_STREAMS = ['users', 'organizations', 'tickets', 'ticket_events'] as const;
export const SyncStream = z.enum(SYNC_STREAMS);
export type SyncStream = z.infer<typeof SyncStream>;

const count = z.number().int().nonnegative();
const errorCode = z.enum(ERROR_CODES);

/** Zendesk ids are positive 64-bit integers that fit in a double. */
const zendeskId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const SyncErrorEntry = z.object({ resource: z.string(), at: isoDateTime, code: z.string(), message: z.string() }).strict();

export const SyncProgress = z
  .object({
    done: count,
    /** An estimate (exports give no totals): items so far over the share of time covered. */
    total: count.nullable(),
    ratePerSecond: z.number().nonnegative(),
    etaSeconds: z.number().nonnegative().nullable(),
  })
  .strict();
export type SyncProgress = z.infer<typeof SyncProgress>;

export const SyncResourceStatus = z
  .object({
    resource: SyncStream,
    state: z.enum(['never', 'idle', 'queued', 'running', 'done', 'failed', 'cancelled']),
    /** Items the stream has delivered over the life of the cache (replays included). */
    items: count,
    lastPageAt: isoDateTime.nullable(),
    /** The stream last reached its end then: the cache holds it up to that moment. */
    lastSuccessAt: isoDateTime.nullable(),
    lastError: z.object({ code: z.string(), message: z.string() }).strict().nullable(),
    progress: SyncProgress.nullable(),
  })
  .strict();

export const SyncStatus = z
  .object({
    workspaceId,
    running: z.boolean(),
    startedAt: isoDateTime.nullable(),
    finishedAt: isoDateTime.nullable(),
    outcome: z.enum(['done', 'failed', 'cancelled']).nullable(),
    /** The last run's first fatal error, if any (auth, forbidden, unreachable, rate limited…). */
    error: z.object({ code: errorCode, message: z.string() }).strict().nullable(),
    /** Every stream complete up to this moment; null until each has completed once. */
    dataAsOf: isoDateTime.nullable(),
    counts: z
      .object({
        users: count,
        identities: count,
        organizations: count,
        tickets: count,
        participants: count,
        comments: count,
        attachments: count,
      })
      .strict(),
    resources: z.array(SyncResourceStatus),
    errors: z.array(SyncErrorEntry),
  })
  .strict();
export type SyncStatus = z.infer<typeof SyncStatus>;

const optionalWorkspace = z.object({ workspaceId: workspaceId.optional() }).strict();

export const SubjectRefreshResult = z
  .object({
    workspaceId,
    userId: zendeskId,
    /** false: the person no longer exists upstream and left the cache. */
    found: z.boolean(),
    identities: count,
    tickets: count,
    comments: count,
    deletedTickets: count,
    refreshedAt: isoDateTime,
  })
  .strict();

export const syncOperations = {
  'sync.status': op({
    input: optionalWorkspace,
    output: SyncStatus,
    summary: 'Cache counts, per-stream state and progress, "data as of", and the recent sync errors',
    example: { workspaceId: 'ws_abcdefgh12' },
  }),
  'sync.start': op({
    input: optionalWorkspace,
    output: SyncStatus,
    summary: 'Start syncing the cache from the helpdesk (or return the sync already running)',
    example: { workspaceId: 'ws_abcdefgh12' },
  }),
  'sync.cancel': op({
    input: optionalWorkspace,
    output: SyncStatus,
    summary: 'Stop the running sync; the next one resumes where it stopped',
    example: { workspaceId: 'ws_abcdefgh12' },
  }),
  'sync.refreshSubject': op({
    input: z.object({ workspaceId: workspaceId.optional(), userId: zendeskId }).strict(),
    output: SubjectRefreshResult,
    summary: "Refresh one person now (profile, identities, their tickets and those tickets' comments)",
    example: { workspaceId: 'ws_abcdefgh12', userId: 1234567 },
  }),
  'sync.subjectFirst': op({
    input: z.object({ workspaceId: workspaceId.optional(), email: z.string().trim().toLowerCase().pipe(z.email()) }).strict(),
    output: SubjectLook,
    summary:
      "Find a person by e-mail and fetch everything about them now through the account budget (before or during the full sync); progress arrives as sync.progress events on 'subject-first:<surface>'",
    example: { workspaceId: 'ws_abcdefgh12', email: 'ada@example.com' },
  }),
  'cache.reset': op({
    input: z.object({ workspaceId, confirm: z.literal(true) }).strict(),
    output: z.object({ workspaceId, removedFiles: count }).strict(),
    summary: 'Delete the local cache of a workspace (lost key, damaged file) so the next sync rebuilds it',
    example: { workspaceId: 'ws_abcdefgh12', confirm: true },
  }),
};
