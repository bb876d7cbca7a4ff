import type { MatchReason, SubjectSearchResult } from '../../../shared/contract/groups/subjects';
import { ftsPrefixQuery } from '../db/search';
import { normalizeIdentityValue } from '../db/normalize';
import { stmt, type SqliteDb } from '../db/sqlite';
import { commentTextHits } from './comment-hits';
import { identityValueKey } from './identity-keys';
import { pendingOf, resolvePerson } from './person';
import { subjectRefFor } from './subject-ref';

/**
 * Type-ahead search over the whole cache. Each strategy answers from an index (identity values,
 * external ids, the FTS tables); phone numbers are matched as digit substrings of the phone
 * identities (a trigram index, cache schema 60), because people type them in any shape and from
 * any end ("030 1234" for "+49 30 1234"). Every hit keeps the reason it matched, and results are ranked by the strongest
 * reason: an exact address beats a name, a name beats words in a comment.
 */

export const DEFAULT_LIMIT = 50;
const COMMENT_HITS = 200;
const MIN_PHONE_DIGITS = 4;

const RANK: Record<MatchReason['match'], number> = { exact: 0, prefix: 1, contains: 2, words: 3 };
const FIELD_RANK: Record<MatchReason['field'], number> = {
  external_id: 0,
  email: 0,
  secondary_email: 0,
  phone: 0,
  former: 0,
  name: 1,
  comment: 2,
};

class Hits {
  readonly byUser = new Map<number, MatchReason[]>();

  add(userId: number, reason: MatchReason): void {
    const list = this.byUser.get(userId);
    if (list === undefined) this.byUser.set(userId, [reason]);
    else if (!list.some((r) => r.field === reason.field && r.value === reason.value && r.ticketId === reason.ticketId)) list.push(reason);
  }
}

const reasonScore = (r: MatchReason): number => FIELD_RANK[r.field] * 10 + RANK[r.match];

/** Upper bound for a prefix range over an index: every string that starts with `prefix` sorts below it. */
const rangeEnd = (prefix: string): string => `${prefix}\u{10FFFF}`;

function identityPrefix(db: SqliteDb, text: string, hits: Hits): void {
  const normalized = normalizeIdentityValue('email', text);
  if (normalized.length < 2 || /\s/.test(normalized)) return;
  const rows = stmt(
    db,
    `SELECT user_id AS userId, value, value_normalized AS normalized, is_primary AS isPrimary FROM identities
      WHERE value_normalized >= ? AND value_normalized < ? AND type = 'email' LIMIT 500`,
  ).all(normalized, rangeEnd(normalized)) as Array<{ userId: number; value: string; normalized: string; isPrimary: number }>;
  for (const row of rows) {
    hits.add(row.userId, {
      field: row.isPrimary ? 'email' : 'secondary_email',
      match: row.normalized === normalized ? 'exact' : 'prefix',
      value: row.value,
      ticketId: null,
    });
  }
}

/** At most this many phone identities per needle, as before the index (cache schema 60). */
const PHONE_ROWS = 500;

/**
 * The phone identities whose digits hold `needle` (4+ digits) anywhere, in id order, the first
 * `limit`: what a scan of every identity with instr() gives, from the trigram index of phone
 * digits (cache schema 60) instead.
 */
export function phoneIdentitiesHolding(
  db: SqliteDb,
  needle: string,
  limit = PHONE_ROWS,
): Array<{ userId: number; value: string; normalized: string }> {
  if (!/^\d{4,}$/.test(needle)) throw new Error('phoneIdentitiesHolding: the needle must be 4 or more digits');
  return stmt(
    db,
    `SELECT i.user_id AS userId, i.value, i.value_normalized AS normalized
       FROM phone_digits p JOIN identities i ON i.id = p.rowid
      WHERE phone_digits MATCH ? AND i.type = 'phone_number' ORDER BY p.rowid LIMIT ?`,
  ).all(`"${needle}"`, limit) as Array<{ userId: number; value: string; normalized: string }>;
}

function phoneDigits(db: SqliteDb, text: string, hits: Hits): void {
  if (!/^[\d\s()+./-]+$/.test(text)) return;
  const digits = normalizeIdentityValue('phone_number', text);
  if (digits.length < MIN_PHONE_DIGITS) return;
  // A national number ("030 1234") drops the country code and adds a trunk 0: try it without the 0 too.
  const needles = [digits];
  if (digits.startsWith('0') && digits.length > MIN_PHONE_DIGITS) needles.push(digits.slice(1));
  for (const needle of needles) {
    for (const row of phoneIdentitiesHolding(db, needle)) {
      const match = row.normalized === needle ? 'exact' : row.normalized.startsWith(needle) ? 'prefix' : 'contains';
      hits.add(row.userId, { field: 'phone', match, value: row.value, ticketId: null });
    }
  }
}

function externalId(db: SqliteDb, text: string, hits: Hits): void {
  const rows = stmt(db, 'SELECT id, external_id AS externalId FROM users WHERE external_id >= ? AND external_id < ? LIMIT 200').all(
    text,
    rangeEnd(text),
  ) as Array<{ id: number; externalId: string }>;
  for (const row of rows)
    hits.add(row.id, { field: 'external_id', match: row.externalId === text ? 'exact' : 'prefix', value: row.externalId, ticketId: null });
}

function names(db: SqliteDb, query: string, hits: Hits, limit: number): void {
  const rows = stmt(
    db,
    'SELECT users.id AS id, users.name AS name FROM users_fts JOIN users ON users.id = users_fts.rowid WHERE users_fts MATCH ? LIMIT ?',
  ).all(`name : (${query})`, limit) as Array<{ id: number; name: string }>;
  for (const row of rows) hits.add(row.id, { field: 'name', match: 'prefix', value: row.name.trim(), ticketId: null });
}

/**
 * The profile's own email and phone columns, for accounts whose identities the cache has not
 * received (an export without the identities side-load): matched through the FTS index, then
 * classified against the value itself.
 */
function profileContacts(db: SqliteDb, text: string, query: string, hits: Hits, limit: number): void {
  const rows = stmt(
    db,
    `SELECT users.id AS id, users.email AS email, users.phone AS phone FROM users_fts JOIN users ON users.id = users_fts.rowid
      WHERE users_fts MATCH ? LIMIT ?`,
  ).all(`{email phone} : (${query})`, limit) as Array<{ id: number; email: string | null; phone: string | null }>;
  const email = normalizeIdentityValue('email', text);
  const digits = normalizeIdentityValue('phone_number', text);
  for (const row of rows) {
    if (row.email !== null && normalizeIdentityValue('email', row.email).includes(email)) {
      const own = normalizeIdentityValue('email', row.email);
      hits.add(row.id, {
        field: 'email',
        match: own === email ? 'exact' : own.startsWith(email) ? 'prefix' : 'words',
        value: row.email,
        ticketId: null,
      });
    } else if (
      row.phone !== null &&
      digits.length >= MIN_PHONE_DIGITS &&
      normalizeIdentityValue('phone_number', row.phone).includes(digits)
    ) {
      hits.add(row.id, { field: 'phone', match: 'contains', value: row.phone, ticketId: null });
    } else if (row.email !== null) {
      hits.add(row.id, { field: 'email', match: 'words', value: row.email, ticketId: null });
    }
  }
}

function identityWords(db: SqliteDb, query: string, hits: Hits, limit: number): void {
  const rows = stmt(
    db,
    `SELECT i.user_id AS userId, i.type AS type, i.value AS value, i.is_primary AS isPrimary
       FROM identities_fts JOIN identities i ON i.id = identities_fts.rowid WHERE identities_fts MATCH ? LIMIT ?`,
  ).all(query, limit) as Array<{ userId: number; type: string; value: string; isPrimary: number }>;
  for (const row of rows) {
    const field = row.type === 'phone_number' ? 'phone' : row.type === 'email' && !row.isPrimary ? 'secondary_email' : 'email';
    hits.add(row.userId, { field, match: 'words', value: row.value, ticketId: null });
  }
}

function commentText(db: SqliteDb, text: string, hits: Hits): void {
  for (const row of commentTextHits(db, text, COMMENT_HITS))
    hits.add(row.authorId, { field: 'comment', match: 'words', value: row.excerpt, ticketId: row.ticketId });
}

/** A whole address (or number): nothing shorter is an identity a comment can quote. */
const FULL_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/u;

/**
 * Comments that quote the address or number searched for (#19 item 6), from the mention index:
 * after an erasure, "is she gone?" must find another customer's comment still quoting her. The
 * hit is the comment's author, with the words around the quote as the reason.
 */
function quotedInComments(db: SqliteDb, text: string, hits: Hits): void {
  const key = FULL_EMAIL.test(text)
    ? identityValueKey('email', text)
    : /^\+?[\d\s().-]{6,}$/.test(text)
      ? identityValueKey('phone_number', text)
      : null;
  if (key === null) return;
  const rows = stmt(
    db,
    `SELECT c.author_id AS authorId, c.ticket_id AS ticketId, c.body AS body
       FROM comment_identity_keys k JOIN comments c ON c.id = k.comment_id
      WHERE k.key = ? AND c.author_id IS NOT NULL LIMIT ?`,
  ).all(key, COMMENT_HITS) as Array<{ authorId: number; ticketId: number; body: string }>;
  for (const row of rows) {
    hits.add(row.authorId, { field: 'comment', match: 'exact', value: excerptAround(row.body, text), ticketId: row.ticketId });
  }
}

function excerptAround(body: string, needle: string): string {
  const flat = body.replace(/\s+/g, ' ');
  const at = flat.toLowerCase().indexOf(needle.toLowerCase());
  if (at < 0) return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
  const start = Math.max(0, at - 50);
  const end = Math.min(flat.length, at + needle.length + 50);
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}

/** Accounts that had this exact address or number before a rectification (the register's former identities). */
function formerIdentities(register: SqliteDb, text: string, hits: Hits): void {
  const key = identityValueKey(text.includes('@') ? 'email' : 'phone_number', text);
  if (key === null) return;
  const rows = stmt(register, 'SELECT user_id AS userId, type, value FROM former_identities').all() as Array<{
    userId: number;
    type: string;
    value: string;
  }>;
  for (const row of rows) {
    if (identityValueKey(row.type, row.value) === key)
      hits.add(row.userId, { field: 'former', match: 'exact', value: row.value, ticketId: null });
  }
}

/** How many tickets the account takes part in: kept by the cache as participants change (schema 70). */
function ticketCount(db: SqliteDb, userId: number): number {
  return (stmt(db, 'SELECT tickets FROM user_ticket_counts WHERE user_id = ?').pluck().get(userId) as number | undefined) ?? 0;
}

interface UserRow {
  id: number;
  name: string;
  role: string | null;
  email: string | null;
  phone: string | null;
  external_id: string | null;
  active: number;
  deleted: number;
}

export function searchSubjects(
  db: SqliteDb,
  /** The register, whose identity-link decisions say which accounts are one person. */
  register: SqliteDb,
  rawQuery: string,
  limit = DEFAULT_LIMIT,
): { results: SubjectSearchResult[]; truncated: boolean } {
  const text = rawQuery.trim().normalize('NFC');
  const hits = new Hits();
  if (text.length === 0) return { results: [], truncated: false };
  identityPrefix(db, text, hits);
  phoneDigits(db, text, hits);
  externalId(db, text, hits);
  quotedInComments(db, text, hits);
  formerIdentities(register, text, hits);
  const fts = ftsPrefixQuery(text);
  if (fts !== null) {
    names(db, fts, hits, limit * 4);
    identityWords(db, fts, hits, limit * 4);
    profileContacts(db, text, fts, hits, limit * 4);
    if (/\p{L}/u.test(text) && text.length >= 3 && !text.includes('@')) commentText(db, text, hits);
  }

  const ranked = [...hits.byUser.entries()]
    .map(([userId, reasons]) => {
      reasons.sort((a, b) => reasonScore(a) - reasonScore(b));
      return { userId, reasons, score: reasonScore(reasons[0]!) };
    })
    .sort((a, b) => a.score - b.score || a.userId - b.userId);

  const results: SubjectSearchResult[] = [];
  for (const hit of ranked) {
    if (results.length >= limit) break;
    const user = stmt(db, 'SELECT id, name, role, email, phone, external_id, active, deleted FROM users WHERE id = ?').get(hit.userId) as
      UserRow | undefined;
    // Comment authors the users export has not delivered yet (or that left it) cannot be opened.
    if (user === undefined) continue;
    const person = resolvePerson(db, register, user.id);
    results.push({
      ref: subjectRefFor(user.id),
      userId: user.id,
      name: user.name.trim(),
      role: user.role,
      email: user.email,
      phone: user.phone,
      externalId: user.external_id,
      active: user.active === 1 && user.deleted === 0,
      tickets: ticketCount(db, user.id),
      linkedAccounts: person.userIds.length - 1,
      suggestedAccounts: pendingOf(person).length,
      reasons: hit.reasons.slice(0, 5),
    });
  }
  return { results, truncated: ranked.length > results.length };
}
