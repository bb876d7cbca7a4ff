import type { SqliteDb } from '../db';
import { findMentions, type MentionHit } from './mentions';
import type { ResolvedSubject } from '../subjects/person';
import { formerMatches, type PersonFormer } from '../subjects/former-identities';

export type Role = 'requester' | 'submitter' | 'assignee' | 'cc' | 'follower' | 'commenter';

export interface CommentFact {
  id: number;
  ticketId: number;
  /** The subject wrote it. */
  own: boolean;
  /** Text to remove: the whole body for the subject's own comments, the mentions otherwise. */
  strings: string[];
  /** Others' comments: the subject's name beside a mention, removed too when the officer accepts (#19 item 6). */
  names: string[];
  /** Others' comments: the words around the mention, for the officer to read; null for the subject's own. */
  excerpt: string | null;
  attachments: Array<{ id: number; url: string | null; size: number }>;
}

export interface TicketFact {
  id: number;
  /** The ticket's subject line, as the officer knows the conversation. */
  title: string;
  status: string;
  archived: boolean;
  deleted: boolean;
  tags: string[];
  customFields: Record<string, unknown>;
  createdAt: string | null;
  updatedAt: string | null;
  requesterId: number | null;
  subjectRoles: Role[];
  /** Other participants: user id → roles, and whether they are staff. */
  others: Map<number, { roles: Set<Role>; agent: boolean }>;
  /** Subject's comments and others' comments mentioning them. */
  comments: CommentFact[];
  /** Every attachment on the ticket (bytes deleted with it). */
  attachmentBytes: number;
  /** True when the subject is only mentioned, not a participant. */
  mentionOnly: boolean;
}

export interface SubjectFacts {
  subject: ResolvedSubject;
  tickets: Map<number, TicketFact>;
  users: Map<number, { role: string; active: boolean; deleted: boolean }>;
}

const asJson = (ids: Iterable<number>): string => JSON.stringify([...ids]);

/**
 * Comments quoting a former address or number that someone else holds today, where it still
 * names the person (formerMatches: from before the replacement, not by the new holder).
 */
function heldFormerMentions(db: SqliteDb, formers: readonly PersonFormer[], names: readonly string[]): MentionHit[] {
  return formers.flatMap((f) =>
    findMentions(db, f.type === 'email' ? [f.value] : [], f.type === 'phone_number' ? [f.value] : [], names).filter((m) =>
      formerMatches(f, m),
    ),
  );
}

/** One hit per comment, with every string any of the lists found in it. */
function mergeMentions(...lists: MentionHit[][]): Iterable<MentionHit> {
  const byComment = new Map<number, MentionHit>();
  for (const m of lists.flat()) {
    const seen = byComment.get(m.commentId);
    byComment.set(
      m.commentId,
      seen ? { ...seen, strings: [...new Set([...seen.strings, ...m.strings])], names: [...new Set([...seen.names, ...m.names])] } : m,
    );
  }
  return [...byComment.values()].sort((a, b) => a.commentId - b.commentId);
}
const STAFF = new Set(['agent', 'admin']);

/** Lines of a body, trimmed, as the strings a redaction must find. */
export function bodyStrings(body: string): string[] {
  return [
    ...new Set(
      body
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l.length > 0),
    ),
  ];
}

/**
 * Everything the plan needs about the subject, read from the cache in a handful of indexed
 * queries (ids go in as one JSON array, not one statement per ticket).
 */
export function gatherFacts(db: SqliteDb, subject: ResolvedSubject): SubjectFacts {
  const subjectIds = new Set(subject.userIds);
  const users = new Map<number, { role: string; active: boolean; deleted: boolean }>();
  for (const u of db
    .prepare('SELECT id, role, active, deleted FROM users WHERE id IN (SELECT value FROM json_each(?))')
    .all(asJson(subjectIds)) as Array<{ id: number; role: string | null; active: number; deleted: number }>) {
    users.set(u.id, { role: u.role ?? 'end-user', active: u.active === 1, deleted: u.deleted === 1 });
  }

  const own = db
    .prepare('SELECT ticket_id, user_id, role FROM participants WHERE user_id IN (SELECT value FROM json_each(?))')
    .all(asJson(subjectIds)) as Array<{ ticket_id: number; user_id: number; role: Role }>;
  // The person's names as the helpdesk holds them: a name beside a quoted address is offered for redaction with it.
  const names = [
    ...new Set(
      (db.prepare('SELECT name FROM users WHERE id IN (SELECT value FROM json_each(?))').pluck().all(asJson(subjectIds)) as string[])
        .map((n) => n.trim())
        .filter(Boolean),
    ),
  ];
  const mentions: MentionHit[] = [
    ...mergeMentions(findMentions(db, subject.emails, subject.phones, names), heldFormerMentions(db, subject.heldFormers, names)),
  ].filter((m) => m.authorId === null || !subjectIds.has(m.authorId));
  const ticketIds = new Set<number>([...own.map((p) => p.ticket_id), ...mentions.map((m) => m.ticketId)]);
  const ids = asJson(ticketIds);

  const tickets = new Map<number, TicketFact>();
  for (const t of db
    .prepare(
      `SELECT id, subject, status, is_archived, deleted, tags, custom_fields, created_at, updated_at, requester_id
       FROM tickets WHERE id IN (SELECT value FROM json_each(?))`,
    )
    .all(ids) as Array<{
    id: number;
    subject: string | null;
    status: string;
    is_archived: number;
    deleted: number;
    tags: string;
    custom_fields: string | null;
    created_at: string | null;
    updated_at: string | null;
    requester_id: number | null;
  }>) {
    tickets.set(t.id, {
      id: t.id,
      title: t.subject ?? '',
      status: t.status,
      archived: t.is_archived === 1,
      deleted: t.deleted === 1,
      tags: JSON.parse(t.tags) as string[],
      customFields: t.custom_fields ? (JSON.parse(t.custom_fields) as Record<string, unknown>) : {},
      createdAt: t.created_at,
      updatedAt: t.updated_at,
      requesterId: t.requester_id,
      subjectRoles: [],
      others: new Map(),
      comments: [],
      attachmentBytes: 0,
      mentionOnly: true,
    });
  }
  for (const p of own) {
    const t = tickets.get(p.ticket_id);
    if (!t) continue;
    t.mentionOnly = false;
    if (!t.subjectRoles.includes(p.role)) t.subjectRoles.push(p.role);
  }

  // Without a join on users: the same few staff and end users sit on thousands of these rows, so
  // their roles are read once per person instead of once per row.
  const participants = db
    .prepare('SELECT ticket_id, user_id, role FROM participants WHERE ticket_id IN (SELECT value FROM json_each(?))')
    .raw()
    .all(ids) as Array<[ticketId: number, userId: number, role: Role]>;
  const otherIds = new Set<number>();
  for (const p of participants) if (!subjectIds.has(p[1])) otherIds.add(p[1]);
  const staff = new Set<number>();
  for (const [id, role] of db
    .prepare('SELECT id, role FROM users WHERE id IN (SELECT value FROM json_each(?))')
    .raw()
    .all(asJson(otherIds)) as Array<[number, string | null]>) {
    if (role !== null && STAFF.has(role)) staff.add(id);
  }
  for (const [ticketId, userId, role] of participants) {
    if (subjectIds.has(userId)) continue;
    const t = tickets.get(ticketId);
    if (!t) continue;
    let other = t.others.get(userId);
    if (other === undefined) {
      other = { roles: new Set<Role>(), agent: staff.has(userId) };
      t.others.set(userId, other);
    }
    other.roles.add(role);
  }

  const attachments = db
    .prepare('SELECT id, comment_id, ticket_id, size, content_url FROM attachments WHERE ticket_id IN (SELECT value FROM json_each(?))')
    .all(ids) as Array<{ id: number; comment_id: number; ticket_id: number; size: number | null; content_url: string | null }>;
  const byComment = new Map<number, Array<{ id: number; url: string | null; size: number }>>();
  for (const a of attachments) {
    const t = tickets.get(a.ticket_id);
    if (t) t.attachmentBytes += a.size ?? 0;
    const list = byComment.get(a.comment_id) ?? [];
    list.push({ id: a.id, url: a.content_url, size: a.size ?? 0 });
    byComment.set(a.comment_id, list);
  }

  const ownComments = db
    .prepare('SELECT id, ticket_id, body FROM comments WHERE author_id IN (SELECT value FROM json_each(?))')
    .all(asJson(subjectIds)) as Array<{ id: number; ticket_id: number; body: string }>;
  for (const c of ownComments) {
    const t = tickets.get(c.ticket_id);
    if (!t) continue;
    t.comments.push({
      id: c.id,
      ticketId: c.ticket_id,
      own: true,
      strings: bodyStrings(c.body),
      names: [],
      excerpt: null,
      attachments: byComment.get(c.id) ?? [],
    });
  }
  for (const m of mentions) {
    const t = tickets.get(m.ticketId);
    if (!t) continue;
    t.comments.push({
      id: m.commentId,
      ticketId: m.ticketId,
      own: false,
      strings: m.strings,
      names: m.names,
      excerpt: m.excerpt,
      attachments: [],
    });
  }
  return { subject, tickets, users };
}
