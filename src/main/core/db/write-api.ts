// Longer than ~400 lines on purpose: every write the sync engine may make, in one place, so the rules
// below (one transaction per page with its position, replay-safe upserts, older never over newer) are
// kept and reviewed together.
import { normalizeIdentityValue } from './normalize';
import type {
  ApplyResult,
  CommentRecord,
  DeletableResource,
  IdentityRecord,
  OrganizationMembershipRecord,
  OrganizationRecord,
  PageCheckpoint,
  ParticipantRole,
  SyncResource,
  TicketRecord,
  UserRecord,
} from './records';
import { USER_PROFILE_FIELDS } from './records';
import { stmt, type SqliteDb } from './sqlite';

/*
 * The sync engine's only way to write. Each call is one IMMEDIATE transaction holding a page of
 * records and the stream's new position, so a crash leaves either both or neither, and replaying a
 * page changes nothing: rows are upserted by Zendesk id, derived rows (participants, identities of
 * a user, attachments of a comment) are recomputed from the page, and an older version of a record
 * never overwrites a newer one. Never call these with an HTTP request in flight inside: fetch
 * first, then apply.
 */

type Sql = string | number | null;

const bool = (v: boolean | null | undefined, fallback: boolean): number => ((v ?? fallback) ? 1 : 0);
const str = (v: string | number | null | undefined): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : v);
const json = (v: unknown): string => JSON.stringify(v ?? []);

/**
 * Runs `write` in an IMMEDIATE transaction, or inside the caller's when one is open (the sync
 * commits several pages in one). Not as a nested transaction: better-sqlite3 makes that a
 * SAVEPOINT, and FTS5 flushes its pending index to a new segment at every savepoint, so the
 * comment index got one small segment per page and spent the sync merging them. Measured on the
 * medium dataset's 500k comments: 107 s with a savepoint per 1,000-comment page, 40 s without.
 * Nothing is lost: a failing page throws through the caller's transaction, which rolls back whole.
 */
function inWriteTransaction<T>(db: SqliteDb, write: () => T): T {
  return db.inTransaction ? write() : db.transaction(write).immediate();
}

// ---------------------------------------------------------------------------------------------
// Stream position

const UPSERT_SYNC_STATE = `
  INSERT INTO sync_state (resource, cursor, start_time, end_time, last_page_at, last_success_at, last_error, items)
  VALUES (?, ?, ?, ?, ?, ?, NULL, ?)
  ON CONFLICT(resource) DO UPDATE SET
    cursor = excluded.cursor, start_time = excluded.start_time, end_time = excluded.end_time,
    last_page_at = excluded.last_page_at, last_success_at = excluded.last_success_at,
    last_error = NULL, items = excluded.items`;

interface SyncStateRaw {
  cursor: string | null;
  start_time: number | null;
  end_time: number | null;
  last_success_at: string | null;
  items: number;
}

function writeCheckpoint(db: SqliteDb, fallback: SyncResource, checkpoint: PageCheckpoint, count: number): void {
  if (checkpoint.record === false) return;
  const resource = checkpoint.resource ?? fallback;
  const now = (checkpoint.now ?? new Date()).toISOString();
  const prev = stmt(db, 'SELECT cursor, start_time, end_time, last_success_at, items FROM sync_state WHERE resource = ?').get(resource) as
    SyncStateRaw | undefined;
  const keep = <T>(next: T | undefined, old: T | null | undefined): T | null => (next === undefined ? (old ?? null) : next);
  stmt(db, UPSERT_SYNC_STATE).run(
    resource,
    keep(checkpoint.cursor, prev?.cursor),
    keep(checkpoint.startTime, prev?.start_time),
    keep(checkpoint.endTime, prev?.end_time),
    now,
    checkpoint.endOfStream ? now : (prev?.last_success_at ?? null),
    (prev?.items ?? 0) + count,
  );
}

// ---------------------------------------------------------------------------------------------
// Tombstones: a record deleted upstream stays deleted unless a newer version of it arrives

function hasTombstones(db: SqliteDb, resource: DeletableResource): boolean {
  return stmt(db, 'SELECT 1 FROM tombstones WHERE resource = ? LIMIT 1').get(resource) !== undefined;
}

function isBuried(db: SqliteDb, resource: DeletableResource, id: number, updatedAt: string | null | undefined): boolean {
  const row = stmt(db, 'SELECT deleted_at FROM tombstones WHERE resource = ? AND id = ?').get(resource, id) as
    { deleted_at: string } | undefined;
  if (!row) return false;
  if (updatedAt && Date.parse(updatedAt) > Date.parse(row.deleted_at)) {
    // Restored upstream after the deletion we recorded.
    stmt(db, 'DELETE FROM tombstones WHERE resource = ? AND id = ?').run(resource, id);
    return false;
  }
  return true;
}

function bury(db: SqliteDb, resource: DeletableResource, id: number, deletedAt: string): void {
  stmt(
    db,
    `INSERT INTO tombstones (resource, id, deleted_at) VALUES (?, ?, ?)
     ON CONFLICT(resource, id) DO UPDATE SET deleted_at = max(deleted_at, excluded.deleted_at)`,
  ).run(resource, id, deletedAt);
}

// ---------------------------------------------------------------------------------------------
// Users and identities

// The guard compares Zendesk's ISO-8601 UTC strings, which order like the instants they name.
const UPSERT_USER = `
  INSERT INTO users (id, name, email, phone, role, external_id, organization_id, active, suspended, deleted,
                     tags, profile, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT(id) DO UPDATE SET
    name = excluded.name, email = excluded.email, phone = excluded.phone, role = excluded.role,
    external_id = excluded.external_id, organization_id = excluded.organization_id, active = excluded.active,
    suspended = excluded.suspended, deleted = excluded.deleted, tags = excluded.tags, profile = excluded.profile,
    created_at = excluded.created_at, updated_at = excluded.updated_at
  WHERE excluded.updated_at IS NULL OR users.updated_at IS NULL OR excluded.updated_at >= users.updated_at`;

const UPSERT_IDENTITY = `
  INSERT INTO identities (id, user_id, type, value, value_normalized, is_primary, verified, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT(id) DO UPDATE SET
    user_id = excluded.user_id, type = excluded.type, value = excluded.value,
    value_normalized = excluded.value_normalized, is_primary = excluded.is_primary, verified = excluded.verified,
    created_at = excluded.created_at, updated_at = excluded.updated_at`;

function userProfile(user: UserRecord): string | null {
  const profile: Record<string, unknown> = {};
  for (const field of USER_PROFILE_FIELDS) {
    const value = user[field];
    if (value !== undefined && value !== null && value !== '') profile[field] = value;
  }
  return Object.keys(profile).length === 0 ? null : JSON.stringify(profile);
}

function upsertUser(db: SqliteDb, u: UserRecord): boolean {
  const active = u.active ?? true;
  const values: Sql[] = [
    u.id,
    u.name ?? '',
    str(u.email),
    str(u.phone),
    str(u.role),
    str(u.external_id),
    num(u.organization_id),
    active ? 1 : 0,
    bool(u.suspended, false),
    active ? 0 : 1,
    json(u.tags),
    userProfile(u),
    str(u.created_at),
    str(u.updated_at),
  ];
  return stmt(db, UPSERT_USER).run(...values).changes > 0;
}

/** Makes the user's identities exactly `identities`, touching only rows that differ. */
function replaceIdentities(db: SqliteDb, userId: number, identities: readonly IdentityRecord[]): void {
  const keep = new Set(identities.map((i) => i.id));
  const existing = stmt(db, 'SELECT id FROM identities WHERE user_id = ?').pluck().all(userId) as number[];
  for (const id of existing) if (!keep.has(id)) stmt(db, 'DELETE FROM identities WHERE id = ?').run(id);
  for (const i of identities) {
    stmt(db, UPSERT_IDENTITY).run(
      i.id,
      userId,
      i.type,
      i.value,
      normalizeIdentityValue(i.type, i.value),
      bool(i.primary, false),
      bool(i.verified, false),
      str(i.created_at),
      str(i.updated_at),
    );
  }
}

/**
 * A page of the users export. `identities` is the page's identities sideload: when given (even
 * empty) it is the complete set for the users of the page; undefined leaves identities alone.
 */
export function applyUsersPage(
  db: SqliteDb,
  users: readonly UserRecord[],
  identities: readonly IdentityRecord[] | undefined,
  checkpoint: PageCheckpoint,
): ApplyResult {
  return inWriteTransaction(db, (): ApplyResult => {
    const checkTombs = hasTombstones(db, 'users');
    let applied = 0;
    let skipped = 0;
    const byUser = new Map<number, IdentityRecord[]>();
    for (const i of identities ?? []) {
      const list = byUser.get(i.user_id);
      if (list) list.push(i);
      else byUser.set(i.user_id, [i]);
    }
    for (const u of users) {
      if ((checkTombs && isBuried(db, 'users', u.id, u.updated_at)) || !upsertUser(db, u)) {
        skipped++;
        continue;
      }
      applied++;
      if (identities !== undefined) replaceIdentities(db, u.id, byUser.get(u.id) ?? []);
    }
    writeCheckpoint(db, 'users', checkpoint, users.length);
    return { applied, skipped };
  });
}

// ---------------------------------------------------------------------------------------------
// Organizations and memberships

const UPSERT_ORGANIZATION = `
  INSERT INTO organizations (id, name, external_id, domain_names, details, notes, tags, organization_fields, deleted,
                             created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT(id) DO UPDATE SET
    name = excluded.name, external_id = excluded.external_id, domain_names = excluded.domain_names,
    details = excluded.details, notes = excluded.notes, tags = excluded.tags,
    organization_fields = excluded.organization_fields, deleted = excluded.deleted,
    created_at = excluded.created_at, updated_at = excluded.updated_at
  WHERE excluded.updated_at IS NULL OR organizations.updated_at IS NULL OR excluded.updated_at >= organizations.updated_at`;

export function applyOrganizationsPage(
  db: SqliteDb,
  organizations: readonly OrganizationRecord[],
  checkpoint: PageCheckpoint,
): ApplyResult {
  return inWriteTransaction(db, (): ApplyResult => {
    const checkTombs = hasTombstones(db, 'organizations');
    let applied = 0;
    let skipped = 0;
    for (const o of organizations) {
      if (checkTombs && isBuried(db, 'organizations', o.id, o.updated_at)) {
        skipped++;
        continue;
      }
      const fields = o.organization_fields && Object.keys(o.organization_fields).length > 0;
      const changes = stmt(db, UPSERT_ORGANIZATION).run(
        o.id,
        o.name ?? '',
        str(o.external_id),
        json(o.domain_names),
        str(o.details),
        str(o.notes),
        json(o.tags),
        fields ? JSON.stringify(o.organization_fields) : null,
        o.deleted_at ? 1 : 0,
        str(o.created_at),
        str(o.updated_at),
      ).changes;
      if (changes > 0) applied++;
      else skipped++;
    }
    writeCheckpoint(db, 'organizations', checkpoint, organizations.length);
    return { applied, skipped };
  });
}

const UPSERT_MEMBERSHIP = `
  INSERT INTO organization_memberships (id, user_id, organization_id, is_default, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT(id) DO UPDATE SET
    user_id = excluded.user_id, organization_id = excluded.organization_id, is_default = excluded.is_default,
    created_at = excluded.created_at, updated_at = excluded.updated_at
  WHERE excluded.updated_at IS NULL OR organization_memberships.updated_at IS NULL
     OR excluded.updated_at >= organization_memberships.updated_at`;

export function applyOrganizationMembershipsPage(
  db: SqliteDb,
  memberships: readonly OrganizationMembershipRecord[],
  checkpoint: PageCheckpoint,
): ApplyResult {
  return inWriteTransaction(db, (): ApplyResult => {
    const checkTombs = hasTombstones(db, 'organization_memberships');
    let applied = 0;
    let skipped = 0;
    for (const m of memberships) {
      if (checkTombs && isBuried(db, 'organization_memberships', m.id, m.updated_at)) {
        skipped++;
        continue;
      }
      const changes = stmt(db, UPSERT_MEMBERSHIP).run(
        m.id,
        m.user_id,
        m.organization_id,
        bool(m.default, false),
        str(m.created_at),
        str(m.updated_at),
      ).changes;
      if (changes > 0) applied++;
      else skipped++;
    }
    writeCheckpoint(db, 'organization_memberships', checkpoint, memberships.length);
    return { applied, skipped };
  });
}

// ---------------------------------------------------------------------------------------------
// Tickets and their participants

// generated_timestamp changes on every update, including system ones: the export's own order.
const UPSERT_TICKET = `
  INSERT INTO tickets (id, subject, description, status, requester_id, submitter_id, assignee_id, organization_id,
                       group_id, tags, custom_fields, via_channel, created_at, updated_at, generated_timestamp,
                       is_archived, deleted)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT(id) DO UPDATE SET
    subject = excluded.subject, description = excluded.description, status = excluded.status,
    requester_id = excluded.requester_id, submitter_id = excluded.submitter_id, assignee_id = excluded.assignee_id,
    organization_id = excluded.organization_id, group_id = excluded.group_id, tags = excluded.tags,
    custom_fields = excluded.custom_fields, via_channel = excluded.via_channel, created_at = excluded.created_at,
    updated_at = excluded.updated_at, generated_timestamp = excluded.generated_timestamp,
    is_archived = excluded.is_archived, deleted = excluded.deleted
  WHERE excluded.generated_timestamp >= tickets.generated_timestamp`;

const INSERT_PARTICIPANT = 'INSERT OR IGNORE INTO participants (ticket_id, user_id, role) VALUES (?, ?, ?)';

export interface TicketsPageOptions {
  /**
   * Custom field ids an admin flagged as holding personal data; only their non-empty values are
   * kept. Flagging a field later needs a tickets resync to fill it.
   */
  piiFieldIds?: ReadonlySet<number>;
}

function flaggedCustomFields(t: TicketRecord, piiFieldIds: ReadonlySet<number> | undefined): string | null {
  if (!piiFieldIds || piiFieldIds.size === 0 || !t.custom_fields) return null;
  const kept: Record<string, unknown> = {};
  for (const f of t.custom_fields) {
    if (!piiFieldIds.has(f.id)) continue;
    if (f.value === null || f.value === undefined || f.value === '' || (Array.isArray(f.value) && f.value.length === 0)) continue;
    kept[String(f.id)] = f.value;
  }
  return Object.keys(kept).length === 0 ? null : JSON.stringify(kept);
}

/** Every role the ticket record itself states; 'commenter' comes from comments. */
function ticketRoles(t: TicketRecord): Array<[number, ParticipantRole]> {
  const roles: Array<[number, ParticipantRole]> = [];
  const add = (id: number | null | undefined, role: ParticipantRole): void => {
    if (typeof id === 'number') roles.push([id, role]);
  };
  add(t.requester_id, 'requester');
  add(t.submitter_id, 'submitter');
  add(t.assignee_id, 'assignee');
  const followers = new Set(t.follower_ids ?? []);
  for (const id of followers) add(id, 'follower');
  // collaborator_ids is the legacy list of CCs and followers together; what is not a follower is a CC.
  for (const id of t.email_cc_ids ?? []) add(id, 'cc');
  for (const id of t.collaborator_ids ?? []) if (!followers.has(id)) add(id, 'cc');
  return roles;
}

/**
 * Writes only the difference: an unchanged participant costs a lookup, not a delete and an insert
 * into the by-user index, whose random keys make it the most expensive write of a ticket page.
 */
function setTicketRoles(db: SqliteDb, ticketId: number, roles: Array<[number, ParticipantRole]>): void {
  const existing = stmt(db, `SELECT user_id, role FROM participants WHERE ticket_id = ? AND role <> 'commenter'`)
    .raw()
    .all(ticketId) as Array<[number, ParticipantRole]>;
  const key = (userId: number, role: string): string => `${userId}:${role}`;
  const wanted = new Set(roles.map(([userId, role]) => key(userId, role)));
  for (const [userId, role] of existing) {
    if (!wanted.has(key(userId, role))) {
      stmt(db, 'DELETE FROM participants WHERE ticket_id = ? AND user_id = ? AND role = ?').run(ticketId, userId, role);
    }
  }
  const have = new Set(existing.map(([userId, role]) => key(userId, role)));
  for (const [userId, role] of roles) {
    if (!have.has(key(userId, role))) stmt(db, INSERT_PARTICIPANT).run(ticketId, userId, role);
  }
}

function upsertTicket(db: SqliteDb, t: TicketRecord, options: TicketsPageOptions): boolean {
  const values: Sql[] = [
    t.id,
    str(t.subject),
    str(t.description),
    t.status,
    num(t.requester_id),
    num(t.submitter_id),
    num(t.assignee_id),
    num(t.organization_id),
    num(t.group_id),
    json(t.tags),
    flaggedCustomFields(t, options.piiFieldIds),
    str(t.via?.channel),
    str(t.created_at),
    str(t.updated_at),
    t.generated_timestamp ?? 0,
    bool(t.is_archived, false),
    t.status === 'deleted' ? 1 : 0,
  ];
  return stmt(db, UPSERT_TICKET).run(...values).changes > 0;
}

export function applyTicketsPage(
  db: SqliteDb,
  tickets: readonly TicketRecord[],
  checkpoint: PageCheckpoint,
  options: TicketsPageOptions = {},
): ApplyResult {
  return inWriteTransaction(db, (): ApplyResult => {
    const checkTombs = hasTombstones(db, 'tickets');
    const cached = new Set(
      stmt(db, 'SELECT t.id FROM json_each(?) j JOIN tickets t ON t.id = j.value')
        .pluck()
        .all(JSON.stringify(tickets.map((t) => t.id))) as number[],
    );
    let applied = 0;
    let skipped = 0;
    for (const t of tickets) {
      if ((checkTombs && isBuried(db, 'tickets', t.id, t.updated_at)) || !upsertTicket(db, t, options)) {
        skipped++;
        continue;
      }
      applied++;
      if (cached.has(t.id)) setTicketRoles(db, t.id, ticketRoles(t));
      else {
        // New to the cache, so no ticket roles yet (they leave with their ticket): nothing to compare.
        for (const [userId, role] of ticketRoles(t)) stmt(db, INSERT_PARTICIPANT).run(t.id, userId, role);
        cached.add(t.id);
      }
    }
    writeCheckpoint(db, 'tickets', checkpoint, tickets.length);
    return { applied, skipped };
  });
}

// ---------------------------------------------------------------------------------------------
// Comments, attachment metadata, commenters

const UPSERT_COMMENT = `
  INSERT INTO comments (id, ticket_id, author_id, body, public, created_at) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT(id) DO UPDATE SET
    ticket_id = excluded.ticket_id, author_id = excluded.author_id, body = excluded.body,
    public = excluded.public, created_at = excluded.created_at`;

// local_path is ours, not Zendesk's: a replayed page must not forget a downloaded copy.
const UPSERT_ATTACHMENT = `
  INSERT INTO attachments (id, comment_id, ticket_id, file_name, content_type, size, content_url, inline)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT(id) DO UPDATE SET
    comment_id = excluded.comment_id, ticket_id = excluded.ticket_id, file_name = excluded.file_name,
    content_type = excluded.content_type, size = excluded.size, content_url = excluded.content_url,
    inline = excluded.inline`;

/** Commenters are derived from the comments table; only the difference is written (see setTicketRoles). */
function recomputeCommenters(db: SqliteDb, ticketId: number): void {
  const wanted = new Set(
    stmt(db, 'SELECT DISTINCT author_id FROM comments WHERE ticket_id = ? AND author_id IS NOT NULL').pluck().all(ticketId) as number[],
  );
  const existing = stmt(db, `SELECT user_id FROM participants WHERE ticket_id = ? AND role = 'commenter'`)
    .pluck()
    .all(ticketId) as number[];
  const have = new Set(existing);
  for (const userId of existing) {
    if (!wanted.has(userId))
      stmt(db, `DELETE FROM participants WHERE ticket_id = ? AND user_id = ? AND role = 'commenter'`).run(ticketId, userId);
  }
  for (const userId of wanted) if (!have.has(userId)) stmt(db, INSERT_PARTICIPANT).run(ticketId, userId, 'commenter');
}

/** Where the page's comments already are in the cache, in one query: most of a first sync's are new. */
function cachedComments(db: SqliteDb, comments: readonly CommentRecord[]): Map<number, { ticketId: number; authorId: number | null }> {
  const rows = stmt(db, 'SELECT c.id, c.ticket_id, c.author_id FROM json_each(?) j JOIN comments c ON c.id = j.value')
    .raw()
    .all(JSON.stringify(comments.map((c) => c.id))) as Array<[number, number, number | null]>;
  return new Map(rows.map(([id, ticketId, authorId]) => [id, { ticketId, authorId }]));
}

function upsertAttachments(db: SqliteDb, c: CommentRecord, known: boolean): void {
  if (c.attachments === undefined || c.attachments === null) return;
  // A comment new to the cache has no attachment rows yet (they cascade with their comment).
  if (known) {
    const keep = new Set(c.attachments.map((a) => a.id));
    const existing = stmt(db, 'SELECT id FROM attachments WHERE comment_id = ?').pluck().all(c.id) as number[];
    for (const id of existing) if (!keep.has(id)) stmt(db, 'DELETE FROM attachments WHERE id = ?').run(id);
  }
  for (const a of c.attachments) {
    stmt(db, UPSERT_ATTACHMENT).run(
      a.id,
      c.id,
      c.ticket_id,
      a.file_name ?? '',
      str(a.content_type),
      num(a.size),
      str(a.content_url),
      bool(a.inline, false),
    );
  }
}

/**
 * A page of the ticket events export, flattened to its comments. Each comment's attachment list
 * is authoritative for that comment. Commenters follow the comments: a new comment adds its
 * author; a comment that moved to another ticket or author has both tickets' commenters
 * recomputed from the comments table.
 */
export function applyTicketEventsPage(db: SqliteDb, comments: readonly CommentRecord[], checkpoint: PageCheckpoint): ApplyResult {
  return inWriteTransaction(db, (): ApplyResult => {
    const ticketTombs = hasTombstones(db, 'tickets');
    const commentTombs = hasTombstones(db, 'comments');
    const cached = cachedComments(db, comments);
    const recompute = new Set<number>();
    let applied = 0;
    let skipped = 0;
    for (const c of comments) {
      // Comments carry no update time: a deleted comment or ticket stays deleted.
      if ((ticketTombs && isBuried(db, 'tickets', c.ticket_id, null)) || (commentTombs && isBuried(db, 'comments', c.id, null))) {
        skipped++;
        continue;
      }
      const authorId = num(c.author_id);
      stmt(db, UPSERT_COMMENT).run(c.id, c.ticket_id, authorId, c.body ?? '', bool(c.public, true), str(c.created_at));
      applied++;
      const before = cached.get(c.id);
      if (!before) {
        if (authorId !== null) stmt(db, INSERT_PARTICIPANT).run(c.ticket_id, authorId, 'commenter');
        // The same comment later in this page is an update of the row just written.
        cached.set(c.id, { ticketId: c.ticket_id, authorId });
      } else if (before.ticketId !== c.ticket_id || before.authorId !== authorId) {
        recompute.add(before.ticketId).add(c.ticket_id);
        cached.set(c.id, { ticketId: c.ticket_id, authorId });
      }
      upsertAttachments(db, c, before !== undefined);
    }
    for (const ticketId of recompute) recomputeCommenters(db, ticketId);
    writeCheckpoint(db, 'ticket_events', checkpoint, comments.length);
    return { applied, skipped };
  });
}

// ---------------------------------------------------------------------------------------------
// Upstream deletions

export interface DeletionOptions {
  /** When Zendesk deleted them (ISO-8601); defaults to now. */
  deletedAt?: string;
  /** The deletions came from a stream (e.g. deleted_tickets): store its position in the same transaction. */
  checkpoint?: PageCheckpoint & { resource: SyncResource };
}

/**
 * Removes records deleted upstream, with everything derived from them and their search entries
 * (FTS triggers and FK cascades do the index work), and leaves a tombstone.
 * A deleted user's participant rows stay: the tickets still name them until those are deleted or
 * redacted, and erasure needs to see that.
 */
export function applyDeletions(
  db: SqliteDb,
  resource: DeletableResource,
  ids: readonly number[],
  options: DeletionOptions = {},
): ApplyResult {
  const deletedAt = options.deletedAt ?? (options.checkpoint?.now ?? new Date()).toISOString();
  return inWriteTransaction(db, (): ApplyResult => {
    let applied = 0;
    for (const id of ids) {
      let changes = 0;
      switch (resource) {
        case 'users':
          // identities (and their FTS rows) go by cascade
          changes = stmt(db, 'DELETE FROM users WHERE id = ?').run(id).changes;
          stmt(db, 'DELETE FROM organization_memberships WHERE user_id = ?').run(id);
          break;
        case 'organizations':
          changes = stmt(db, 'DELETE FROM organizations WHERE id = ?').run(id).changes;
          stmt(db, 'DELETE FROM organization_memberships WHERE organization_id = ?').run(id);
          break;
        case 'organization_memberships':
          changes = stmt(db, 'DELETE FROM organization_memberships WHERE id = ?').run(id).changes;
          break;
        case 'tickets':
          changes = stmt(db, 'DELETE FROM tickets WHERE id = ?').run(id).changes;
          stmt(db, 'DELETE FROM participants WHERE ticket_id = ?').run(id);
          // attachments go by cascade
          stmt(db, 'DELETE FROM comments WHERE ticket_id = ?').run(id);
          break;
        case 'comments': {
          const row = stmt(db, 'SELECT ticket_id FROM comments WHERE id = ?').get(id) as { ticket_id: number } | undefined;
          changes = stmt(db, 'DELETE FROM comments WHERE id = ?').run(id).changes;
          if (row) recomputeCommenters(db, row.ticket_id);
          break;
        }
      }
      bury(db, resource, id, deletedAt);
      if (changes > 0) applied++;
    }
    if (options.checkpoint) writeCheckpoint(db, options.checkpoint.resource, options.checkpoint, ids.length);
    return { applied, skipped: ids.length - applied };
  });
}

// ---------------------------------------------------------------------------------------------
// Errors and local state

/** Keeps the error history bounded: enough to diagnose, never a growing log inside the cache. */
const SYNC_ERRORS_KEPT = 200;

/** Records a failed sync step. `message` must hold no personal data (codes, counts, HTTP status). */
export function recordSyncError(
  db: SqliteDb,
  resource: SyncResource,
  error: { code: string; message: string },
  now: Date = new Date(),
): void {
  db.transaction(() => {
    const at = now.toISOString();
    stmt(db, 'INSERT INTO sync_errors (resource, at, code, message) VALUES (?, ?, ?, ?)').run(resource, at, error.code, error.message);
    stmt(
      db,
      `INSERT INTO sync_state (resource, last_error) VALUES (?, ?)
       ON CONFLICT(resource) DO UPDATE SET last_error = excluded.last_error`,
    ).run(resource, `${error.code}: ${error.message}`);
    stmt(
      db,
      `DELETE FROM sync_errors WHERE resource = ? AND id NOT IN
         (SELECT id FROM sync_errors WHERE resource = ? ORDER BY id DESC LIMIT ${SYNC_ERRORS_KEPT})`,
    ).run(resource, resource);
  }).immediate();
}

/** Where a downloaded copy of an attachment lives (null: none). */
export function setAttachmentLocalPath(db: SqliteDb, attachmentId: number, localPath: string | null): boolean {
  return stmt(db, 'UPDATE attachments SET local_path = ? WHERE id = ?').run(localPath, attachmentId).changes > 0;
}
