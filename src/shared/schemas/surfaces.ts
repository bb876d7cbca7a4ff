import { z } from 'zod';
import { isoDateTime } from './common';

/**
 * The places a helpdesk keeps a person ("surfaces"), as the faces see them: the coverage table
 * (searched or not, as of when, how many items, or why not) and each surface's items with the
 * person's role and why they matched. The core's registry (src/main/core/surfaces/) says which of
 * these Lethe reads; a known surface it does not read yet is listed as "not searched:
 * not_supported", never left out, so the table is always the whole list.
 */

/** Every surface id Lethe knows. Append only: ids are stored in plans, receipts and the cache. */
export const SURFACE_IDS = [
  'users',
  'tickets',
  'comments',
  'attachments',
  'suspended_tickets',
  'side_conversations',
  'satisfaction_ratings',
  'ticket_audits',
  'custom_fields',
  'help_center',
  'talk',
  'custom_objects',
  'compliance_deletion',
] as const;
export const SurfaceId = z.enum(SURFACE_IDS);
export type SurfaceId = z.infer<typeof SurfaceId>;

/** Synced: in the cache from the exports. On demand: read for the subject, kept with its time. */
export const SurfaceReadMode = z.enum(['synced', 'on_demand']);
export type SurfaceReadMode = z.infer<typeof SurfaceReadMode>;

/**
 * Why a surface was not searched. `permission`: the token may not read it (403);
 * `not_enabled`: the product or feature is off on the account (404); `error`: it kept failing
 * after the client's retries (5xx, 429, network); `not_looked`: an on-demand surface nobody has
 * looked at for this person yet; `not_supported`: Lethe does not read this surface yet.
 */
export const NotSearchedReason = z.enum(['permission', 'not_enabled', 'error', 'not_looked', 'not_supported', 'incomplete']);
export type NotSearchedReason = z.infer<typeof NotSearchedReason>;

const count = z.number().int().nonnegative();

export const SurfaceCoverage = z
  .object({
    surface: SurfaceId,
    label: z.string(),
    read: SurfaceReadMode,
    searched: z.boolean(),
    /** When the surface was read: the cache's data time for synced ones, the look for on-demand ones. */
    asOf: isoDateTime.nullable(),
    /** Items of the person found; null when not searched (never 0 for "could not look"). */
    items: count.nullable(),
    reason: NotSearchedReason.nullable(),
    /** Words for the officer: what failed, or what to change to search it. */
    detail: z.string().nullable(),
  })
  .strict();
export type SurfaceCoverage = z.infer<typeof SurfaceCoverage>;

export const SURFACE_ROLES = [
  'account',
  'requester',
  'submitter',
  'cc',
  'follower',
  'assignee',
  'author',
  'commenter',
  'uploader',
  'participant',
  'recipient',
  'rater',
  'field_value',
  'mentioned',
  'voter',
  'subscriber',
  'caller',
  /** A record points at the person through a lookup field (custom object records). */
  'linked',
] as const;
export const SurfaceRole = z.enum(SURFACE_ROLES);
export type SurfaceRole = z.infer<typeof SurfaceRole>;

export const SurfaceItem = z
  .object({
    surface: SurfaceId,
    /** The item's id on its surface, as text (some surfaces key by strings, e.g. side conversations). */
    id: z.string().min(1).max(200),
    /** The ticket it belongs to, where it belongs to one. */
    ticketId: z.number().int().positive().nullable(),
    label: z.string(),
    at: isoDateTime.nullable(),
    roles: z.array(SurfaceRole).min(1),
    why: z.string(),
  })
  .strict();
export type SurfaceItem = z.infer<typeof SurfaceItem>;

/** One surface's items in a dossier (surfaces that have their own lists there are not repeated). */
export const SurfaceSection = z
  .object({ surface: SurfaceId, label: z.string(), items: z.array(SurfaceItem), truncated: z.boolean() })
  .strict();
export type SurfaceSection = z.infer<typeof SurfaceSection>;

export const SURFACE_DECISIONS = ['delete', 'redact', 'keep', 'blocked'] as const;
export const SurfaceDecision = z.enum(SURFACE_DECISIONS);
export type SurfaceDecision = z.infer<typeof SurfaceDecision>;

/** An erasure plan's decision on one item of a surface, with its reason (and the fix when blocked). */
/** The longest item description a plan keeps (the dossier's label, cut). */
export const PLAN_ITEM_LABEL_MAX = 400;

export const PlanSurfaceItem = z
  .object({
    surface: SurfaceId,
    id: z.string().min(1).max(200),
    ticketId: z.number().int().positive().nullable(),
    roles: z.array(SurfaceRole).min(1),
    /** What the item is, as the dossier shows it (personal data: dropped from the plan when its run ends). */
    label: z.string().max(PLAN_ITEM_LABEL_MAX).optional(),
    decision: SurfaceDecision,
    reasonCode: z.string(),
    reason: z.string(),
    /** Set when kept: the legal basis. */
    legalBasis: z.string().nullable(),
    /** Set when blocked: what the officer can do. */
    fix: z.string().nullable(),
  })
  .strict();
export type PlanSurfaceItem = z.infer<typeof PlanSurfaceItem>;

/** Counts without personal data, for the receipt: per surface, searched, found and done. */
export const ReceiptSurface = z
  .object({
    surface: SurfaceId,
    searched: z.boolean(),
    reason: NotSearchedReason.nullable(),
    asOf: isoDateTime.nullable(),
    found: count.nullable(),
    byDecision: z.record(z.string(), count),
    leftAfterVerification: count.nullable(),
  })
  .strict();
export type ReceiptSurface = z.infer<typeof ReceiptSurface>;
