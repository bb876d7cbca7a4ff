import { TICKET_ROLES, type Dossier, type SubjectAccount, type TicketRole } from '../../../shared/contract/groups/subjects';
import { dataAsOf } from '../db/read-api';
import { stmt, type SqliteDb } from '../db/sqlite';
import { subjectAccounts } from './accounts';
import { identityValueKey, keyKind } from './identity-keys';
import { updateMentionIndex } from './mention-index';
import { subjectRefFor } from './subject-ref';

/**
 * "What do we hold about this person, and where", answered from the cache alone. Every list is
 * one indexed query over the subject's accounts (ids passed as one JSON array, so each statement
 * is prepared once) and every line carries the reason it belongs.
 */

const EXCERPT = 160;
const IDS = '(SELECT value FROM json_each(?))';

interface UserRow {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  role: string | null;
  external_id: string | null;
  organization_id: number | null;
  active: number;
  suspended: number;
  deleted: number;
  tags: string;
  created_at: string | null;
}

interface TicketRow {
  id: number;
  subject: string | null;
  status: string;
  created_at: string | null;
  updated_at: string | null;
  is_archived: number;
  deleted: number;
  tags: string;
}

const parseTags = (json: string): string[] => {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
};

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const excerptOf = (body: string): string => {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT - 1)}…` : flat;
};

export interface DossierOptions {
  workspaceId: string;
  now?: Date;
}

export function buildDossier(db: SqliteDb, userId: number, options: DossierOptions): Dossier {
  updateMentionIndex(db);
  const set = subjectAccounts(db, userId);
  const ids = JSON.stringify(set.userIds);
  const own = new Set(set.userIds);
  const many = set.userIds.length > 1;
  const asAccount = (id: number): string => (many ? ` (account ${id})` : '');

  const users = stmt(db, `SELECT * FROM users WHERE id IN ${IDS}`).all(ids) as UserRow[];
  const byId = new Map(users.map((u) => [u.id, u]));
  const accounts: SubjectAccount[] = set.userIds.flatMap((id) => {
    const u = byId.get(id);
    if (u === undefined) return [];
    return [
      {
        userId: u.id,
        name: u.name.trim(),
        role: u.role,
        email: u.email,
        phone: u.phone,
        externalId: u.external_id,
        active: u.active === 1 && u.deleted === 0,
        suspended: u.suspended === 1,
        createdAt: u.created_at,
        tags: parseTags(u.tags),
        why: set.why.get(id) ?? { kind: 'requested' },
      },
    ];
  });

  const identityRows = stmt(
    db,
    `SELECT id, user_id AS userId, type, value, is_primary AS isPrimary, verified FROM identities WHERE user_id IN ${IDS} ORDER BY user_id, is_primary DESC, id`,
  ).all(ids) as Array<{ id: number; userId: number; type: string; value: string; isPrimary: number; verified: number }>;
  const identities = identityRows.map((i) => ({
    id: i.id,
    userId: i.userId,
    type: i.type,
    value: i.value,
    primary: i.isPrimary === 1,
    verified: i.verified === 1,
    why: `identity of account ${i.userId}${i.isPrimary ? ' (primary)' : ''}`,
  }));

  const organizations = listOrganizations(db, ids, users);
  const tickets = listTickets(db, ids, own, asAccount);
  const ticketIds = JSON.stringify(tickets.map((t) => t.id));

  const commentRows = stmt(
    db,
    `SELECT c.id, c.ticket_id AS ticketId, c.author_id AS authorId, c.created_at AS createdAt, c.public, c.body,
            (SELECT count(*) FROM attachments a WHERE a.comment_id = c.id) AS attachments
       FROM comments c WHERE c.author_id IN ${IDS} ORDER BY c.created_at, c.id`,
  ).all(ids) as Array<{
    id: number;
    ticketId: number;
    authorId: number;
    createdAt: string | null;
    public: number;
    body: string;
    attachments: number;
  }>;
  const comments = commentRows.map((c) => ({
    id: c.id,
    ticketId: c.ticketId,
    authorId: c.authorId,
    createdAt: c.createdAt,
    public: c.public === 1,
    excerpt: excerptOf(c.body),
    attachments: c.attachments,
    why: `written by the subject${asAccount(c.authorId)} on ticket ${c.ticketId}`,
  }));

  const attachmentRows = stmt(
    db,
    `SELECT a.id, a.ticket_id AS ticketId, a.comment_id AS commentId, a.file_name AS fileName, a.content_type AS contentType,
            a.size, a.local_path IS NOT NULL AS cached, c.author_id AS authorId
       FROM attachments a JOIN comments c ON c.id = a.comment_id
      WHERE a.ticket_id IN ${IDS} ORDER BY a.ticket_id, a.id`,
  ).all(ticketIds) as Array<{
    id: number;
    ticketId: number;
    commentId: number;
    fileName: string;
    contentType: string | null;
    size: number | null;
    cached: number;
    authorId: number | null;
  }>;
  const attachments = attachmentRows.map((a) => {
    const mine = a.authorId !== null && own.has(a.authorId);
    return {
      id: a.id,
      ticketId: a.ticketId,
      commentId: a.commentId,
      fileName: a.fileName,
      contentType: a.contentType,
      size: a.size,
      uploadedBySubject: mine,
      cached: a.cached === 1,
      why: mine
        ? `uploaded by the subject${asAccount(a.authorId!)} on ticket ${a.ticketId}`
        : `on ticket ${a.ticketId}, which the subject takes part in; uploaded by someone else`,
    };
  });

  // The profile columns too, for accounts whose identities the cache has not received.
  const profileValues = users.flatMap((u) => [
    ...(u.email ? [{ type: 'email', value: u.email }] : []),
    ...(u.phone ? [{ type: 'phone_number', value: u.phone }] : []),
  ]);
  const mentions = listMentions(db, [...identityRows, ...profileValues], own, new Set(tickets.map((t) => t.id)));

  const ticketsByRole = Object.fromEntries(TICKET_ROLES.map((r) => [r, 0])) as Record<TicketRole, number>;
  for (const t of tickets) for (const r of t.roles) ticketsByRole[r] += 1;
  const byType = new Map<string, { count: number; bytes: number }>();
  for (const a of attachments) {
    const type = a.contentType ?? 'unknown';
    const entry = byType.get(type) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += a.size ?? 0;
    byType.set(type, entry);
  }
  const requested = byId.get(userId);
  return {
    workspaceId: options.workspaceId,
    ref: subjectRefFor(userId),
    displayName: requested?.name.trim() ?? '',
    generatedAt: (options.now ?? new Date()).toISOString(),
    dataAsOf: dataAsOf(db),
    summary: {
      accounts: accounts.length,
      identities: identities.length,
      organizations: organizations.length,
      tickets: tickets.length,
      ticketsByRole,
      comments: comments.length,
      attachments: attachments.length,
      attachmentBytes: attachments.reduce((sum, a) => sum + (a.size ?? 0), 0),
      attachmentsByType: [...byType.entries()].map(([contentType, v]) => ({ contentType, ...v })).sort((a, b) => b.bytes - a.bytes),
      mentions: mentions.length,
    },
    accounts,
    identities,
    organizations,
    tickets,
    comments,
    attachments,
    mentions,
  };
}

function listOrganizations(db: SqliteDb, ids: string, users: UserRow[]): Dossier['organizations'] {
  const rows = stmt(
    db,
    `SELECT o.id, o.name, m.user_id AS userId, 'membership' AS via FROM organization_memberships m JOIN organizations o ON o.id = m.organization_id
      WHERE m.user_id IN ${IDS}`,
  ).all(ids) as Array<{ id: number; name: string; userId: number }>;
  const found = new Map<number, { id: number; name: string; userIds: Set<number> }>();
  const add = (id: number, name: string, userId: number) => {
    const entry = found.get(id) ?? { id, name, userIds: new Set<number>() };
    entry.userIds.add(userId);
    found.set(id, entry);
  };
  for (const r of rows) add(r.id, r.name, r.userId);
  for (const u of users) {
    if (u.organization_id === null) continue;
    const org = stmt(db, 'SELECT id, name FROM organizations WHERE id = ?').get(u.organization_id) as
      { id: number; name: string } | undefined;
    if (org) add(org.id, org.name, u.id);
  }
  return [...found.values()]
    .sort((a, b) => a.id - b.id)
    .map((o) => ({
      id: o.id,
      name: o.name,
      userIds: [...o.userIds].sort((a, b) => a - b),
      why: `member: account ${[...o.userIds].join(', ')}`,
    }));
}

function listTickets(db: SqliteDb, ids: string, own: Set<number>, asAccount: (id: number) => string): Dossier['tickets'] {
  const roleRows = stmt(db, `SELECT ticket_id AS ticketId, user_id AS userId, role FROM participants WHERE user_id IN ${IDS}`).all(
    ids,
  ) as Array<{
    ticketId: number;
    userId: number;
    role: TicketRole;
  }>;
  const byTicket = new Map<number, Array<{ role: TicketRole; userId: number }>>();
  for (const r of roleRows) {
    if (!own.has(r.userId)) continue;
    const list = byTicket.get(r.ticketId);
    if (list === undefined) byTicket.set(r.ticketId, [{ role: r.role, userId: r.userId }]);
    else list.push({ role: r.role, userId: r.userId });
  }
  const ticketIds = JSON.stringify([...byTicket.keys()]);
  const rows = new Map(
    (
      stmt(db, `SELECT id, subject, status, created_at, updated_at, is_archived, deleted, tags FROM tickets WHERE id IN ${IDS}`).all(
        ticketIds,
      ) as TicketRow[]
    ).map((t) => [t.id, t]),
  );
  const counts = (sql: string) => new Map((stmt(db, sql).all(ticketIds) as Array<{ id: number; n: number }>).map((r) => [r.id, r.n]));
  const commentCounts = counts(`SELECT ticket_id AS id, count(*) AS n FROM comments WHERE ticket_id IN ${IDS} GROUP BY ticket_id`);
  const attachmentCounts = counts(`SELECT ticket_id AS id, count(*) AS n FROM attachments WHERE ticket_id IN ${IDS} GROUP BY ticket_id`);
  const order = TICKET_ROLES as readonly string[];
  return [...byTicket.entries()]
    .map(([id, holders]) => {
      holders.sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role) || a.userId - b.userId);
      const t = rows.get(id);
      const roles = [...new Set(holders.map((h) => h.role))];
      return {
        id,
        subject: t?.subject ?? null,
        // A comment can name a ticket whose own record the tickets export has not delivered yet.
        status: t?.status ?? 'not synced',
        createdAt: t?.created_at ?? null,
        updatedAt: t?.updated_at ?? null,
        archived: t?.is_archived === 1,
        deleted: t?.deleted === 1,
        legalHold: t ? parseTags(t.tags).includes('legal_hold') : false,
        roles,
        roleHolders: holders,
        comments: commentCounts.get(id) ?? 0,
        attachments: attachmentCounts.get(id) ?? 0,
        why: holders.map((h) => `${h.role}${asAccount(h.userId)}`).join(', '),
      };
    })
    // Code-unit order is ISO-8601 order; localeCompare goes through ICU collation and was a third
    // of the dossier's time for an agent with thousands of tickets.
    .sort((a, b) => compareText(b.createdAt ?? '', a.createdAt ?? '') || b.id - a.id);
}

function listMentions(
  db: SqliteDb,
  identities: Array<{ type: string; value: string }>,
  own: Set<number>,
  participating: Set<number>,
): Dossier['mentions'] {
  const valueOf = new Map<string, string>();
  for (const i of identities) {
    const key = identityValueKey(i.type, i.value);
    if (key !== null && !valueOf.has(key)) valueOf.set(key, i.value);
  }
  if (valueOf.size === 0) return [];
  const rows = stmt(
    db,
    `SELECT k.key, k.comment_id AS commentId, c.ticket_id AS ticketId, c.author_id AS authorId
       FROM comment_identity_keys k JOIN comments c ON c.id = k.comment_id
      WHERE k.key IN ${IDS} ORDER BY c.ticket_id, k.comment_id`,
  ).all(JSON.stringify([...valueOf.keys()])) as Array<{ key: string; commentId: number; ticketId: number; authorId: number | null }>;
  const byTicket = new Map<number, { commentIds: Set<number>; matched: Set<'email' | 'phone'>; values: Set<string> }>();
  for (const r of rows) {
    // The subject writing their own address is their own comment, already listed as such.
    if (r.authorId !== null && own.has(r.authorId)) continue;
    const entry = byTicket.get(r.ticketId) ?? { commentIds: new Set(), matched: new Set(), values: new Set() };
    entry.commentIds.add(r.commentId);
    entry.matched.add(keyKind(r.key));
    entry.values.add(valueOf.get(r.key) ?? '');
    byTicket.set(r.ticketId, entry);
  }
  const ticketOf = stmt(db, 'SELECT subject, deleted FROM tickets WHERE id = ?');
  return [...byTicket.entries()].map(([ticketId, e]) => {
    const values = [...e.values];
    const commentIds = [...e.commentIds];
    const ticket = ticketOf.get(ticketId) as { subject: string | null; deleted: number } | undefined;
    return {
      ticketId,
      ticketSubject: ticket?.subject ?? null,
      ticketDeleted: ticket?.deleted === 1,
      commentIds,
      matched: [...e.matched].sort(),
      values,
      alsoParticipant: participating.has(ticketId),
      why: `${commentIds.length === 1 ? 'a comment' : `${commentIds.length} comments`} by someone else contain${commentIds.length === 1 ? 's' : ''} ${values.join(', ')}`,
    };
  });
}
