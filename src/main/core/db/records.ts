/**
 * What the write API accepts: the subset of Zendesk's objects the cache keeps, with Zendesk's own
 * field names, so the sync engine can hand over its zod-parsed API objects unchanged (extra fields
 * are ignored). Only `id` (and the parent ids) are required; absent fields are stored as null.
 */

export interface UserRecord {
  id: number;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  role?: string | null;
  external_id?: string | number | null;
  organization_id?: number | null;
  /** false = deleted in Zendesk (soft delete). */
  active?: boolean | null;
  suspended?: boolean | null;
  tags?: readonly string[] | null;
  created_at?: string | null;
  updated_at?: string | null;
  alias?: string | null;
  details?: string | null;
  notes?: string | null;
  signature?: string | null;
  locale?: string | null;
  time_zone?: string | null;
  iana_time_zone?: string | null;
  shared_phone_number?: boolean | null;
  remote_photo_url?: string | null;
  last_login_at?: string | null;
  verified?: boolean | null;
  user_fields?: Record<string, unknown> | null;
}

/** Personal fields kept as the user's `profile` JSON (for access archives), not as columns. */
export const USER_PROFILE_FIELDS = [
  'alias',
  'details',
  'notes',
  'signature',
  'locale',
  'time_zone',
  'iana_time_zone',
  'shared_phone_number',
  'remote_photo_url',
  'last_login_at',
  'verified',
  'user_fields',
] as const satisfies ReadonlyArray<keyof UserRecord>;

export interface IdentityRecord {
  id: number;
  user_id: number;
  type: string;
  value: string;
  primary?: boolean | null;
  verified?: boolean | null;
  created_at?: string | null;
  updated_at?: string | null;
}

export interface OrganizationRecord {
  id: number;
  name?: string | null;
  external_id?: string | number | null;
  domain_names?: readonly string[] | null;
  details?: string | null;
  notes?: string | null;
  tags?: readonly string[] | null;
  organization_fields?: Record<string, unknown> | null;
  created_at?: string | null;
  updated_at?: string | null;
  /** Set by the organizations export for deleted organizations. */
  deleted_at?: string | null;
}

export interface OrganizationMembershipRecord {
  id: number;
  user_id: number;
  organization_id: number;
  default?: boolean | null;
  created_at?: string | null;
  updated_at?: string | null;
}

export interface TicketRecord {
  id: number;
  subject?: string | null;
  description?: string | null;
  /** new, open, pending, hold, solved, closed, or "deleted" for soft-deleted tickets in exports. */
  status: string;
  requester_id?: number | null;
  submitter_id?: number | null;
  assignee_id?: number | null;
  organization_id?: number | null;
  group_id?: number | null;
  collaborator_ids?: readonly number[] | null;
  email_cc_ids?: readonly number[] | null;
  follower_ids?: readonly number[] | null;
  tags?: readonly string[] | null;
  custom_fields?: ReadonlyArray<{ id: number; value: unknown }> | null;
  via?: { channel?: string | number | null } | null;
  created_at?: string | null;
  updated_at?: string | null;
  generated_timestamp?: number | null;
  is_archived?: boolean | null;
}

export interface AttachmentRecord {
  id: number;
  file_name?: string | null;
  content_type?: string | null;
  size?: number | null;
  content_url?: string | null;
  inline?: boolean | null;
}

/** A comment flattened from a ticket event (`child_events[]` of type Comment) by the sync engine. */
export interface CommentRecord {
  id: number;
  ticket_id: number;
  author_id?: number | null;
  /** Plain text preferred (plain_body), else body. */
  body?: string | null;
  public?: boolean | null;
  created_at?: string | null;
  /** The comment's full attachment list; replaces what the cache had for this comment. */
  attachments?: readonly AttachmentRecord[] | null;
}

export const SYNC_RESOURCES = ['users', 'tickets', 'organizations', 'organization_memberships', 'ticket_events'] as const;
export type SyncResource = (typeof SYNC_RESOURCES)[number];

/** Where the stream stands after this page; written in the page's own transaction. */
export interface PageCheckpoint {
  /** Defaults to the resource of the apply function. */
  resource?: SyncResource;
  /** The next cursor (cursor exports). undefined = keep the stored one, null = clear it. */
  cursor?: string | null;
  /** Time-based exports: the start_time this page was requested with and the end_time it returned. */
  startTime?: number | null;
  endTime?: number | null;
  /** The export reported end_of_stream: the cache is complete as of now. */
  endOfStream?: boolean;
  /** Clock for tests. */
  now?: Date;
  /**
   * false: records fetched outside the export (a subject refresh or subject-first look). They
   * leave the stream's position and item count alone, which belong to the sync alone.
   */
  record?: boolean;
}

export interface ApplyResult {
  /** Records written (inserted or changed). */
  applied: number;
  /** Records not written: older than what the cache holds, or deleted upstream since. */
  skipped: number;
}

export type DeletableResource = 'users' | 'tickets' | 'organizations' | 'organization_memberships' | 'comments';

export type ParticipantRole = 'requester' | 'submitter' | 'assignee' | 'cc' | 'follower' | 'commenter';
