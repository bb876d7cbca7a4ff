// Longer than ~400 lines on purpose: every list of the dossier is read over the same resolved set of
// accounts and the same prepared statements, and its summary counts with the same aggregates; split,
// the set and the offsets would travel between files.
import {
  DOSSIER_DEFAULT_LIMIT,
  DOSSIER_MAX_LIMIT,
  TICKET_ROLES,
  type Dossier,
  type DossierOffsets,
  type SubjectAccount,
  type TicketRole,
} from '../../../shared/contract/groups/subjects';
import { dataAsOf } from '../db/read-api';
import { stmt, type SqliteDb } from '../db/sqlite';
import { pendingOf, resolvePerson } from './person';
import { formerMatches, type PersonFormer } from './former-identities';
import { identityValueKey, keyKind } from './identity-keys';
import { updateMentionIndex } from './mention-index';
import { subjectRefFor } from './subject-ref';
import { subjectCustomFields, type FieldTitles } from './custom-fields';
import { coverageOf, surfaceSections } from '../surfaces/coverage';
import { dossierCoverage } from './coverage';

/**
 * "What do we hold about this person, and where", answered from the cache alone. Every list is
 * one indexed query over the subject's accounts (ids passed as one JSON array, so each statement
 * is prepared once) and every line carries the reason it belongs. The summary counts with
 * aggregates over the indexes; only a page of each list reads whole rows.
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

const excerptOf = (body: string): string => {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT - 1)}…` : flat;
};

export interface DossierOptions {
  workspaceId: string;
  now?: Date;
  /** Rows per list; 'all' for callers inside the core that need every row. */
  limit?: number | 'all';
  offsets?: DossierOffsets;
  /**
   * The caller has just run catchUpMentionIndex (the subjects.show handler on the main thread):
   * skip the synchronous top-up, which would wait inside SQLite for a running sync's write lock.
   * What a sync commits in between shows in the lists; its mentions at the next look.
   */
  mentionIndexCaughtUp?: boolean;
  /** Titles of custom fields from the helpdesk (field-titles.ts); null or absent: keys are shown, marked so. */
  fieldTitles?: FieldTitles;
}

export function buildDossier(db: SqliteDb, register: SqliteDb, userId: number, options: DossierOptions): Dossier {
  if (!options.mentionIndexCaughtUp) updateMentionIndex(db);
  const set = resolvePerson(db, register, userId);
  const ids = JSON.stringify(set.userIds);
  const own = new Set(set.userIds);
  const many = set.userIds.length > 1;
  const asAccount = (id: number): string => (many ? ` (account ${id})` : '');
  const limit = options.limit ?? DOSSIER_DEFAULT_LIMIT;
  // SQLite reads a negative LIMIT as "no limit".
  const sqlLimit = limit === 'all' ? -1 : limit;
  const offsets = {
    tickets: options.offsets?.tickets ?? 0,
    comments: options.offsets?.comments ?? 0,
    attachments: options.offsets?.attachments ?? 0,
    mentions: options.offsets?.mentions ?? 0,
  };

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
  const roles = ticketRoles(db, ids, own);
  const allTicketIds = [...roles.keys()].sort((a, b) => b - a);
  const ticketPage = limit === 'all' ? allTicketIds : allTicketIds.slice(offsets.tickets, offsets.tickets + limit);
  const tickets = listTickets(db, ticketPage, roles, asAccount);
  const ticketIds = JSON.stringify(allTicketIds);

  // Through the author index alone for the count and the page's ids; bodies only for the page.
  const commentTotal = stmt(db, `SELECT count(*) FROM comments WHERE author_id IN ${IDS}`).pluck().get(ids) as number;
  const commentPage = stmt(db, `SELECT id FROM comments WHERE author_id IN ${IDS} ORDER BY id LIMIT ? OFFSET ?`)
    .pluck()
    .all(ids, sqlLimit, offsets.comments) as number[];
  const commentRows = stmt(
    db,
    `SELECT c.id, c.ticket_id AS ticketId, c.author_id AS authorId, c.created_at AS createdAt, c.public, c.body,
            (SELECT count(*) FROM attachments a WHERE a.comment_id = c.id) AS attachments
       FROM comments c WHERE c.id IN ${IDS} ORDER BY c.id`,
  ).all(JSON.stringify(commentPage)) as Array<{
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

  const typeRows = stmt(
    db,
    `SELECT coalesce(content_type, 'unknown') AS contentType, count(*) AS count, coalesce(sum(size), 0) AS bytes
       FROM attachments WHERE ticket_id IN ${IDS} GROUP BY 1`,
  ).all(ticketIds) as Array<{ contentType: string; count: number; bytes: number }>;
  const attachmentPage = stmt(db, `SELECT id FROM attachments WHERE ticket_id IN ${IDS} ORDER BY ticket_id, id LIMIT ? OFFSET ?`)
    .pluck()
    .all(ticketIds, sqlLimit, offsets.attachments) as number[];
  const attachmentRows = stmt(
    db,
    `SELECT a.id, a.ticket_id AS ticketId, a.comment_id AS commentId, a.file_name AS fileName, a.content_type AS contentType,
            a.size, a.local_path IS NOT NULL AS cached, c.author_id AS authorId
       FROM attachments a LEFT JOIN comments c ON c.id = a.comment_id
      WHERE a.id IN ${IDS} ORDER BY a.ticket_id, a.id`,
  ).all(JSON.stringify(attachmentPage)) as Array<{
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
  // Former addresses stay the person's (#19 item 7): a comment quoting the old address is still a mention.
  const former = set.former;
  const allMentions = mentionsByTicket(db, [...identityRows, ...profileValues], former, own);
  const mentions = describeMentions(
    db,
    limit === 'all' ? allMentions : allMentions.slice(offsets.mentions, offsets.mentions + limit),
    roles,
  );

  const ticketsByRole = Object.fromEntries(TICKET_ROLES.map((r) => [r, 0])) as Record<TicketRole, number>;
  for (const holders of roles.values()) for (const r of new Set(holders.map((h) => h.role))) ticketsByRole[r] += 1;
  const attachmentTotal = typeRows.reduce((sum, t) => sum + t.count, 0);
  const requested = byId.get(userId);
  const customFields = subjectCustomFields(db, set.userIds, options.fieldTitles ?? null);
  const summary = {
    accounts: accounts.length,
    identities: identities.length,
    organizations: organizations.length,
    tickets: allTicketIds.length,
    ticketsByRole,
    comments: commentTotal,
    attachments: attachmentTotal,
    attachmentBytes: typeRows.reduce((sum, t) => sum + t.bytes, 0),
    attachmentsByType: typeRows.sort((a, b) => b.bytes - a.bytes),
    mentions: allMentions.length,
    customFields: customFields.length,
  };
  const asOf = dataAsOf(db);
  return {
    workspaceId: options.workspaceId,
    ref: subjectRefFor(userId),
    displayName: requested?.name.trim() ?? '',
    generatedAt: (options.now ?? new Date()).toISOString(),
    dataAsOf: asOf,
    coverage: coverageOf(db, userId, { summary, dataAsOf: asOf }),
    completeness: dossierCoverage(db, set.userIds),
    summary,
    accounts,
    suggestions: set.suggestions,
    pendingSuggestions: pendingOf(set).length,
    suggestionsTruncated: set.suggestionsTruncated,
    identities,
    formerIdentities: former.map((f) => ({
      userId: f.userId,
      type: f.type,
      value: f.value,
      replacedAt: f.replacedAt,
      why:
        `former ${f.type === 'email' ? 'e-mail address' : 'phone number'}${asAccount(f.userId)}, replaced ${f.replacedAt.slice(0, 10)} by ${f.replacedBy}` +
        (f.heldBy.length === 0
          ? ''
          : `; now held by ${f.heldBy.length === 1 ? `another account (${f.heldBy[0]})` : `${f.heldBy.length} other accounts`}, who are not this person: only comments from before the replacement, not written by them, count as mentions`),
    })),
    organizations,
    customFields,
    tickets,
    comments,
    attachments,
    mentions,
    surfaces: surfaceSections(db, userId, limit),
    pages: {
      limit: limit === 'all' ? DOSSIER_MAX_LIMIT : limit,
      tickets: { offset: offsets.tickets, total: allTicketIds.length },
      comments: { offset: offsets.comments, total: commentTotal },
      attachments: { offset: offsets.attachments, total: attachmentTotal },
      mentions: { offset: offsets.mentions, total: allMentions.length },
    },
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

type Holders = Array<{ role: TicketRole; userId: number }>;

/** Every ticket the accounts take part in, with who holds which role, from the participants index alone. */
function ticketRoles(db: SqliteDb, ids: string, own: Set<number>): Map<number, Holders> {
  const roleRows = stmt(db, `SELECT ticket_id AS ticketId, user_id AS userId, role FROM participants WHERE user_id IN ${IDS}`).all(
    ids,
  ) as Array<{
    ticketId: number;
    userId: number;
    role: TicketRole;
  }>;
  const byTicket = new Map<number, Holders>();
  for (const r of roleRows) {
    if (!own.has(r.userId)) continue;
    const list = byTicket.get(r.ticketId);
    if (list === undefined) byTicket.set(r.ticketId, [{ role: r.role, userId: r.userId }]);
    else list.push({ role: r.role, userId: r.userId });
  }
  return byTicket;
}

/**
 * The page's tickets, newest first. Zendesk numbers tickets in the order they are created, so id
 * order is creation order, and the page is picked without reading every ticket row (rows that
 * scatter across the encrypted cache and were most of the dossier's time for a busy agent).
 */
function listTickets(db: SqliteDb, page: number[], roles: Map<number, Holders>, asAccount: (id: number) => string): Dossier['tickets'] {
  const ticketIds = JSON.stringify(page);
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
  return page.map((id) => {
    const holders = [...(roles.get(id) ?? [])].sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role) || a.userId - b.userId);
    const t = rows.get(id);
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
      roles: [...new Set(holders.map((h) => h.role))],
      roleHolders: holders,
      comments: commentCounts.get(id) ?? 0,
      attachments: attachmentCounts.get(id) ?? 0,
      why: holders.map((h) => `${h.role}${asAccount(h.userId)}`).join(', '),
    };
  });
}

interface TicketMentions {
  ticketId: number;
  commentIds: Set<number>;
  matched: Set<'email' | 'phone'>;
  values: Set<string>;
}

/** Every ticket where someone else's comment quotes one of the person's addresses or numbers, in ticket order. */
function mentionsByTicket(
  db: SqliteDb,
  identities: Array<{ type: string; value: string }>,
  former: readonly PersonFormer[],
  own: Set<number>,
): TicketMentions[] {
  const valueOf = new Map<string, string>();
  for (const i of identities) {
    const key = identityValueKey(i.type, i.value);
    if (key !== null && !valueOf.has(key)) valueOf.set(key, i.value);
  }
  // A former value someone else holds today counts only where formerMatches says (no join to them).
  const formerOf = new Map<string, PersonFormer>();
  for (const f of former) {
    const key = identityValueKey(f.type, f.value);
    if (key === null || valueOf.has(key)) continue;
    valueOf.set(key, f.value);
    formerOf.set(key, f);
  }
  if (valueOf.size === 0) return [];
  const rows = stmt(
    db,
    `SELECT k.key, k.comment_id AS commentId, c.ticket_id AS ticketId, c.author_id AS authorId, c.created_at AS createdAt
       FROM comment_identity_keys k JOIN comments c ON c.id = k.comment_id
      WHERE k.key IN ${IDS} ORDER BY c.ticket_id, k.comment_id`,
  ).all(JSON.stringify([...valueOf.keys()])) as Array<{
    key: string;
    commentId: number;
    ticketId: number;
    authorId: number | null;
    createdAt: string | null;
  }>;
  const byTicket = new Map<number, TicketMentions>();
  for (const r of rows) {
    // The subject writing their own address is their own comment, already listed as such.
    if (r.authorId !== null && own.has(r.authorId)) continue;
    const was = formerOf.get(r.key);
    if (was !== undefined && !formerMatches(was, r)) continue;
    const entry = byTicket.get(r.ticketId) ?? { ticketId: r.ticketId, commentIds: new Set(), matched: new Set(), values: new Set() };
    entry.commentIds.add(r.commentId);
    entry.matched.add(keyKind(r.key));
    entry.values.add(valueOf.get(r.key) ?? '');
    byTicket.set(r.ticketId, entry);
  }
  return [...byTicket.values()];
}

/**
 * A page of mentions as the dossier lists them. Only the page reads its tickets' rows: a busy
 * agent is quoted on thousands of tickets, scattered over the encrypted file.
 */
function describeMentions(db: SqliteDb, page: readonly TicketMentions[], participating: ReadonlyMap<number, unknown>): Dossier['mentions'] {
  const ticketOf = stmt(db, 'SELECT subject, deleted FROM tickets WHERE id = ?');
  return page.map(({ ticketId, ...e }) => {
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
