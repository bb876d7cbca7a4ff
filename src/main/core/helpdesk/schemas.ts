import { z } from 'zod';

/**
 * Zendesk resources as Lethe reads them. Loose objects: unknown fields pass through untouched (the
 * API grows, and archives want the whole record), while the fields Lethe relies on (ids,
 * timestamps, people, statuses, roles, tags, comment bodies) are checked, so a drifted response
 * fails loudly at the boundary instead of silently corrupting the cache.
 */

const id = z.number().int();
const nullableId = id.nullable();
const timestamp = z.string().min(1);
const idList = z.array(id);
const tags = z.array(z.string());

export const Via = z.looseObject({ channel: z.union([z.string(), z.number()]).optional() });

export const Attachment = z.looseObject({
  id,
  file_name: z.string(),
  content_url: z.string(),
  content_type: z.string().nullish(),
  size: z.number().nullish(),
  inline: z.boolean().optional(),
  deleted: z.boolean().optional(),
  mapped_content_url: z.string().nullish(),
});
export type Attachment = z.infer<typeof Attachment>;

export const UserRole = z.enum(['end-user', 'agent', 'admin']);

export const User = z.looseObject({
  id,
  name: z.string().nullable(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  role: UserRole,
  active: z.boolean(),
  suspended: z.boolean().optional(),
  organization_id: nullableId.optional(),
  external_id: z.string().nullish(),
  tags: tags.optional(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type User = z.infer<typeof User>;

export const IdentityType = z.string().min(1);

export const Identity = z.looseObject({
  id,
  user_id: id,
  type: IdentityType,
  value: z.string(),
  primary: z.boolean(),
  verified: z.boolean().optional(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type Identity = z.infer<typeof Identity>;

export const Organization = z.looseObject({
  id,
  name: z.string(),
  external_id: z.string().nullish(),
  domain_names: z.array(z.string()).optional(),
  tags: tags.optional(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type Organization = z.infer<typeof Organization>;

export const OrganizationMembership = z.looseObject({
  id,
  user_id: id,
  organization_id: id,
  default: z.boolean().nullish(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type OrganizationMembership = z.infer<typeof OrganizationMembership>;

/** `deleted` appears in the cursor ticket export for soft-deleted tickets. */
export const TicketStatus = z.enum(['new', 'open', 'pending', 'hold', 'solved', 'closed', 'deleted']);

export const Ticket = z.looseObject({
  id,
  subject: z.string().nullish(),
  description: z.string().nullish(),
  status: TicketStatus,
  requester_id: id,
  submitter_id: nullableId.optional(),
  assignee_id: nullableId.optional(),
  organization_id: nullableId.optional(),
  group_id: nullableId.optional(),
  collaborator_ids: idList.default([]),
  email_cc_ids: idList.default([]),
  follower_ids: idList.default([]),
  tags: tags.default([]),
  created_at: timestamp,
  updated_at: timestamp,
  generated_timestamp: z.number().int().optional(),
});
export type Ticket = z.infer<typeof Ticket>;

export const Comment = z.looseObject({
  id,
  type: z.string().optional(),
  author_id: id,
  body: z.string(),
  html_body: z.string().optional(),
  plain_body: z.string().optional(),
  public: z.boolean(),
  attachments: z.array(Attachment).default([]),
  audit_id: id.optional(),
  created_at: timestamp,
});
export type Comment = z.infer<typeof Comment>;

export const JobStatusValue = z.enum(['queued', 'working', 'completed', 'failed', 'killed']);

/** One row of a job's results: hand-written because the OAS `oneOf` is not discriminated. */
export const JobResultItem = z.looseObject({
  id: z.union([id, z.string()]).optional(),
  index: z.number().int().optional(),
  action: z.string().optional(),
  success: z.boolean().optional(),
  status: z.string().optional(),
  error: z.string().optional(),
  details: z.unknown().optional(),
});
export type JobResultItem = z.infer<typeof JobResultItem>;

export const JobStatus = z.looseObject({
  id: z.string().min(1),
  url: z.string().nullish(),
  status: JobStatusValue,
  job_type: z.string().nullish(),
  total: z.number().int().nullish(),
  progress: z.number().int().nullish(),
  message: z.string().nullish(),
  // An array of per-item rows, or (for some job types) a single object, or null while queued.
  results: z.union([z.array(JobResultItem), z.looseObject({ success: z.boolean().optional() })]).nullish(),
});
export type JobStatus = z.infer<typeof JobStatus>;

/** A comment as it appears among a ticket event's child events with `include=comment_events`. */
export const CommentChildEvent = z.looseObject({
  id,
  event_type: z.literal('Comment'),
  author_id: id,
  body: z.string(),
  html_body: z.string().optional(),
  public: z.boolean(),
  attachments: z.array(Attachment).default([]),
  created_at: timestamp.optional(),
});
export type CommentChildEvent = z.infer<typeof CommentChildEvent>;

/** Any other child event (field changes, notifications…): kept loose, never mistaken for a comment. */
const OtherChildEvent = z.looseObject({
  id: id.optional(),
  event_type: z
    .string()
    .refine((type) => type !== 'Comment')
    .optional(),
});

export const TicketEvent = z.looseObject({
  id,
  ticket_id: id,
  timestamp: z.number().int(),
  created_at: timestamp.optional(),
  updater_id: nullableId.optional(),
  event_type: z.string().optional(),
  child_events: z.array(z.union([CommentChildEvent, OtherChildEvent])).default([]),
});
export type TicketEvent = z.infer<typeof TicketEvent>;

/** The comment child events of a ticket event (with `include=comment_events`). */
export function commentEventsOf(event: TicketEvent): CommentChildEvent[] {
  return event.child_events.filter((child): child is CommentChildEvent => child.event_type === 'Comment');
}

export const DeletedUser = z.looseObject({
  id,
  name: z.string().nullable(),
  email: z.string().nullish(),
  active: z.boolean().optional(),
  created_at: timestamp.optional(),
  updated_at: timestamp.optional(),
});
export type DeletedUser = z.infer<typeof DeletedUser>;

export const DeletedTicket = z.looseObject({
  id,
  subject: z.string().nullish(),
  deleted_at: timestamp,
  previous_state: z.string().nullish(),
  actor: z.looseObject({ id: nullableId.optional(), name: z.string().nullish() }).nullish(),
});
export type DeletedTicket = z.infer<typeof DeletedTicket>;

/** A search export row: `result_type` tells which resource it is; the rest is checked per type. */
export const SearchResult = z.looseObject({ id, result_type: z.string().optional() });
export type SearchResult = z.infer<typeof SearchResult>;

// --- page wrappers of the five pagination styles (items are validated separately, per row) ---

const nullableString = z.string().nullish();

export const CursorPageMeta = z.looseObject({
  meta: z.looseObject({ has_more: z.boolean(), after_cursor: nullableString, before_cursor: nullableString }),
  links: z.looseObject({ next: nullableString, prev: nullableString }),
});

export const OffsetPageMeta = z.looseObject({
  next_page: nullableString,
  previous_page: nullableString,
  count: z.number().int().nullish(),
});

export const IncrementalCursorPageMeta = z.looseObject({
  after_cursor: nullableString,
  after_url: nullableString,
  before_cursor: nullableString,
  before_url: nullableString,
  end_of_stream: z.boolean(),
});

export const IncrementalTimePageMeta = z.looseObject({
  next_page: nullableString,
  end_time: z.number().int().nullish(),
  end_of_stream: z.boolean(),
  count: z.number().int().nullish(),
});

export const RelatedCounts = z.looseObject({
  requested_tickets: z.number().int().optional(),
  ccd_tickets: z.number().int().optional(),
  assigned_tickets: z.number().int().optional(),
});
