import { LetheError } from '../../../shared/errors';
import type { AccountWhy, LinkEvidence, LinkSuggestion } from '../../../shared/contract/groups/subjects';
import { normalizeIdentityValue } from '../db/normalize';
import { stmt, type SqliteDb } from '../db/sqlite';
import { formerIdentitiesOf, type PersonFormer } from './former-identities';

/**
 * Who the person is: the one answer the dossier, both archive kinds, the erasure plan, the actions
 * and search's "linked accounts" count share (docs/identity.md has the rule and its reasoning).
 *
 * The person is the requested account plus the accounts an officer confirmed as the same person
 * (followed transitively: sameness is transitive, and every step was a human decision). Accounts
 * that merely share an e-mail address or a phone number with one of them are SUGGESTIONS with
 * their evidence: a shared number is as often a household landline or a switchboard as a second
 * account, and nothing acts on a suggestion. The decisions live in the durable register
 * (`identity_links`), so a cache reset or a resync never forgets them.
 */

export const MAX_ACCOUNTS = 25;
/** Suggestions listed per person; past this the caller sees `suggestionsTruncated`. */
export const MAX_SUGGESTIONS = 50;

const IDS = '(SELECT value FROM json_each(?))';

export interface Person {
  /** The requested account. */
  userId: number;
  /** The requested account first, then the confirmed ones by id. */
  userIds: number[];
  why: Map<number, AccountWhy>;
  /** More confirmed accounts than MAX_ACCOUNTS: the walk stopped. */
  truncated: boolean;
  /** Accounts sharing an identity with the person, not confirmed: pending ones and rejected ones. */
  suggestions: LinkSuggestion[];
  suggestionsTruncated: boolean;
  /**
   * Addresses and numbers the accounts had before a rectification (former-identities.ts), each
   * with whoever holds it today; they match mentions, never accounts.
   */
  former: PersonFormer[];
}

export interface DecisionRow {
  user_id: number;
  linked_user_id: number;
  decision: 'confirmed' | 'rejected';
  reason: string;
  decided_by: string;
  decided_at: string;
  evidence: string;
}

export const pendingOf = (person: Person): LinkSuggestion[] => person.suggestions.filter((s) => s.decision === null);

export function userExists(db: SqliteDb, userId: number): boolean {
  return stmt(db, 'SELECT 1 FROM users WHERE id = ?').get(userId) !== undefined;
}

export function pairOf(a: number, b: number): [number, number] {
  return a < b ? [a, b] : [b, a];
}

export function decisionFor(register: SqliteDb, a: number, b: number): DecisionRow | undefined {
  const [lo, hi] = pairOf(a, b);
  return stmt(register, 'SELECT * FROM identity_links WHERE user_id = ? AND linked_user_id = ?').get(lo, hi) as DecisionRow | undefined;
}

function decisionsOf(register: SqliteDb, userId: number): DecisionRow[] {
  return stmt(
    register,
    `SELECT * FROM identity_links WHERE user_id = ? UNION ALL SELECT * FROM identity_links WHERE linked_user_id = ? ORDER BY user_id, linked_user_id`,
  ).all(userId, userId) as DecisionRow[];
}

/** The person `userId` belongs to, from the cache (accounts, identities) and the register (decisions). */
export function resolvePerson(db: SqliteDb, register: SqliteDb, userId: number): Person {
  if (!userExists(db, userId)) throw new LetheError('not_found', 'No such person in the local cache; sync or refresh, then try again');
  const why = new Map<number, AccountWhy>([[userId, { kind: 'requested' }]]);
  const rejected = new Map<number, DecisionRow>();
  const queue = [userId];
  let truncated = false;
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const d of decisionsOf(register, current)) {
      const other = d.user_id === current ? d.linked_user_id : d.user_id;
      if (d.decision === 'rejected') {
        rejected.set(other, d);
        continue;
      }
      // A confirmed account the cache no longer holds (deleted upstream) has nothing to add.
      if (why.has(other) || !userExists(db, other)) continue;
      if (why.size >= MAX_ACCOUNTS) {
        truncated = true;
        continue;
      }
      why.set(other, { kind: 'confirmed', reason: d.reason, by: d.decided_by, at: d.decided_at, withUserId: current });
      queue.push(other);
    }
  }
  const userIds = [userId, ...[...why.keys()].filter((id) => id !== userId).sort((a, b) => a - b)];
  // Suggestions come from current identities only: a former number now on another account is not evidence.
  const { suggestions, suggestionsTruncated } = suggestionsFor(db, userIds, rejected);
  return { userId, userIds, why, truncated, suggestions, suggestionsTruncated, former: formersOfPerson(db, register, userIds) };
}

/**
 * The person's former identities (of their confirmed accounts `userIds`), each with the accounts
 * outside the person that hold it today.
 */
function formersOfPerson(db: SqliteDb, register: SqliteDb, userIds: number[]): PersonFormer[] {
  const ids = JSON.stringify(userIds);
  const any = stmt(register, `SELECT 1 FROM former_identities WHERE user_id IN ${IDS} LIMIT 1`).get(ids);
  if (any === undefined) return [];
  const { emails, phones } = contactsOf(db, userIds);
  const mine = new Set(userIds);
  return formerIdentitiesOf(register, userIds, [...emails, ...phones]).map((f) => ({
    ...f,
    heldBy: holdersOf(db, f.type, f.value).filter((id) => !mine.has(id)),
  }));
}

/**
 * Accounts holding this address or number today: as an identity, or an address as the profile's
 * (through the full-text index, as requestedAccountByEmail). A number only in a profile's phone
 * field, with no identity, is not seen: Zendesk keeps the profile's phone as an identity too.
 */
function holdersOf(db: SqliteDb, type: PersonFormer['type'], value: string): number[] {
  const normalized = normalizeIdentityValue(type, value);
  if (normalized === '') return [];
  const held = new Set(
    stmt(db, 'SELECT DISTINCT user_id FROM identities WHERE type = ? AND value_normalized = ?').pluck().all(type, normalized) as number[],
  );
  if (type === 'email') {
    const phrase = asciiEmailPhrase(normalized);
    const profiles = (
      phrase === null
        ? stmt(db, 'SELECT id FROM users WHERE lower(trim(email)) = ?').pluck().all(normalized)
        : stmt(db, 'SELECT u.id FROM users_fts f JOIN users u ON u.id = f.rowid WHERE users_fts MATCH ? AND lower(trim(u.email)) = ?')
            .pluck()
            .all(phrase, normalized)
    ) as number[];
    for (const id of profiles) held.add(id);
  }
  return [...held].sort((a, b) => a - b);
}

/**
 * Accounts outside the person that hold one of the person's e-mail addresses or phone numbers,
 * each with the evidence: which identity, shared with which of the person's accounts, and how
 * many accounts hold that value in all (a number on 40 accounts is a switchboard, not a person).
 */
function suggestionsFor(
  db: SqliteDb,
  userIds: number[],
  rejected: Map<number, DecisionRow>,
): { suggestions: LinkSuggestion[]; suggestionsTruncated: boolean } {
  const ids = JSON.stringify(userIds);
  const rows = stmt(
    db,
    `SELECT o.user_id AS other, i.user_id AS mine, i.type AS type, i.value AS value, i.value_normalized AS normalized, i.verified AS verified
       FROM identities i JOIN identities o ON o.value_normalized = i.value_normalized AND o.type = i.type
      WHERE i.user_id IN ${IDS} AND o.user_id NOT IN ${IDS} AND i.type IN ('email', 'phone_number') AND i.value_normalized <> ''
      ORDER BY o.user_id, i.type, i.value_normalized`,
  ).all(ids, ids) as Array<{
    other: number;
    mine: number;
    type: 'email' | 'phone_number';
    value: string;
    normalized: string;
    verified: number;
  }>;
  const sharedBy = new Map<string, number>();
  const countOf = (type: string, normalized: string): number => {
    const key = `${type}\n${normalized}`;
    let n = sharedBy.get(key);
    if (n === undefined) {
      n = stmt(db, 'SELECT count(DISTINCT user_id) FROM identities WHERE type = ? AND value_normalized = ?')
        .pluck()
        .get(type, normalized) as number;
      sharedBy.set(key, n);
    }
    return n;
  };
  const byOther = new Map<number, LinkEvidence[]>();
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.other}\n${r.mine}\n${r.type}\n${r.normalized}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = byOther.get(r.other) ?? [];
    list.push({
      identityType: r.type,
      value: r.value.trim(),
      withUserId: r.mine,
      sharedBy: countOf(r.type, r.normalized),
      verified: r.verified === 1,
    });
    byOther.set(r.other, list);
  }
  const others = [...byOther.keys()];
  const names = new Map(
    (
      stmt(db, `SELECT id, name, role, active, deleted FROM users WHERE id IN ${IDS}`).all(JSON.stringify(others)) as Array<{
        id: number;
        name: string;
        role: string | null;
        active: number;
        deleted: number;
      }>
    ).map((u) => [u.id, u]),
  );
  const all: LinkSuggestion[] = others.flatMap((other) => {
    const u = names.get(other);
    if (u === undefined) return [];
    const d = rejected.get(other);
    const evidence = byOther.get(other)!;
    return [
      {
        userId: other,
        name: u.name.trim(),
        role: u.role,
        active: u.active === 1 && u.deleted === 0,
        evidence,
        // The fewest accounts any of its shared values is on: 2 is one other account, 40 a switchboard.
        sharedBy: Math.min(...evidence.map((e) => e.sharedBy)),
        decision: d ? { decision: 'rejected' as const, reason: d.reason, by: d.decided_by, at: d.decided_at } : null,
      },
    ];
  });
  // Pending first, the most specific evidence first (an address on two accounts before a number on forty).
  all.sort((a, b) => Number(a.decision !== null) - Number(b.decision !== null) || a.sharedBy - b.sharedBy || a.userId - b.userId);
  return { suggestions: all.slice(0, MAX_SUGGESTIONS), suggestionsTruncated: all.length > MAX_SUGGESTIONS };
}

/** How many other accounts are confirmed as the same person as `userId` (for search results). */
export function confirmedAccountCount(db: SqliteDb, register: SqliteDb, userId: number): number {
  return resolvePerson(db, register, userId).userIds.length - 1;
}

// --- the subject of an erasure, by e-mail ---------------------------------------------------

/**
 * The users table has no index on the e-mail, and a scan of every account costs more than the
 * rest of the lookup; its full-text index narrows the search to candidates, still confirmed by
 * the same lower(trim(email)) comparison. Only for ASCII addresses: there the tokenizer splits on
 * exactly the characters this phrase splits on, and SQL's ASCII-only lower() cannot make a
 * non-ASCII address equal, so every account the scan would find is a candidate. Otherwise null
 * (scan).
 */
function asciiEmailPhrase(normalized: string): string | null {
  if (!/^[\x21-\x7e]+$/.test(normalized)) return null;
  const words = normalized.split(/[^a-zA-Z0-9]+/).filter(Boolean);
  return words.length === 0 ? null : `email : "${words.join(' ')}"`;
}

/**
 * The account a request naming this e-mail address was made for: the account whose profile
 * address it is, else the account holding it as an identity; the lowest id when several do (any
 * other holder is then a suggestion, as a shared mailbox must be). Null when no account has it.
 */
export function requestedAccountByEmail(db: SqliteDb, email: string): number | null {
  const normalized = normalizeIdentityValue('email', email);
  const phrase = asciiEmailPhrase(normalized);
  const profile = (
    phrase === null
      ? db.prepare('SELECT min(id) FROM users WHERE lower(trim(email)) = ?').pluck().get(normalized)
      : db
          .prepare('SELECT min(u.id) FROM users_fts f JOIN users u ON u.id = f.rowid WHERE users_fts MATCH ? AND lower(trim(u.email)) = ?')
          .pluck()
          .get(phrase, normalized)
  ) as number | null;
  if (profile !== null) return profile;
  return db.prepare(`SELECT min(user_id) FROM identities WHERE value_normalized = ? AND type = 'email'`).pluck().get(normalized) as
    number | null;
}

/** The profile address of an account, else its first e-mail identity. */
export function emailOfAccount(db: SqliteDb, userId: number): string | null {
  return db
    .prepare(
      `SELECT coalesce((SELECT email FROM users WHERE id = ? AND email IS NOT NULL AND email <> ''),
                       (SELECT value FROM identities WHERE user_id = ? AND type = 'email' ORDER BY is_primary DESC, id LIMIT 1))`,
    )
    .pluck()
    .get(userId, userId) as string | null;
}

/** The person's addresses and numbers (identities and profile fields of the confirmed accounts). */
export function contactsOf(db: SqliteDb, userIds: readonly number[]): { emails: string[]; phones: string[] } {
  const ids = JSON.stringify(userIds);
  const rows = db
    .prepare(
      `SELECT type, value FROM identities WHERE user_id IN ${IDS}
       UNION SELECT 'email', email FROM users WHERE email IS NOT NULL AND id IN ${IDS}
       UNION SELECT 'phone_number', phone FROM users WHERE phone IS NOT NULL AND phone <> '' AND id IN ${IDS}`,
    )
    .all(ids, ids, ids) as Array<{ type: string; value: string }>;
  const emails = new Map<string, string>();
  const phones = new Map<string, string>();
  for (const r of rows) {
    if (r.type === 'email') emails.set(normalizeIdentityValue('email', r.value), r.value.trim());
    else if (r.type === 'phone_number') {
      const digits = normalizeIdentityValue('phone_number', r.value);
      if (digits.length >= 7) phones.set(digits, r.value.trim());
    }
  }
  return { emails: [...emails.values()], phones: [...phones.values()] };
}

// --- the subject of an erasure plan ---------------------------------------------------------

/** What the erasure needs of the person: accounts, addresses and numbers, and what was left out. */
export interface ResolvedSubject {
  email: string;
  /** The person's confirmed accounts, the requested one first; empty when no account has the address. */
  userIds: number[];
  emails: string[];
  phones: string[];
  /** Suggested accounts nobody has confirmed: left out of the plan, and the plan says so. */
  relatedAccounts: number[];
  /**
   * Former addresses and numbers someone else holds today: they match only the comments
   * formerMatches allows, so they stay out of `emails` and `phones` (which the run's residue scan
   * reads too). Former values nobody else holds are in `emails` and `phones` like current ones.
   */
  heldFormers: PersonFormer[];
}

export function subjectOfPerson(db: SqliteDb, person: Person, email: string): ResolvedSubject {
  const { emails, phones } = contactsOf(db, person.userIds);
  const free = person.former.filter((f) => f.heldBy.length === 0);
  return {
    email: email.trim(),
    userIds: person.userIds,
    emails: [...emails, ...free.filter((f) => f.type === 'email').map((f) => f.value)],
    phones: [...phones, ...free.filter((f) => f.type === 'phone_number').map((f) => f.value)],
    relatedAccounts: pendingOf(person)
      .map((s) => s.userId)
      .sort((a, b) => a - b),
    heldFormers: person.former.filter((f) => f.heldBy.length > 0),
  };
}

/** The subject an e-mail address names: the person of the account it was requested for. */
export function subjectByEmail(db: SqliteDb, register: SqliteDb, email: string): ResolvedSubject {
  const userId = requestedAccountByEmail(db, email) ?? formerAccountByEmail(db, register, email);
  if (userId === null)
    return { email: email.trim(), userIds: [], emails: [email.trim()], phones: [], relatedAccounts: [], heldFormers: [] };
  return subjectOfPerson(db, resolvePerson(db, register, userId), email);
}

/**
 * The account that had this address before a rectification, when no account holds it today (an
 * account that does is who a request naming it is for). The lowest id the cache holds, or null.
 */
function formerAccountByEmail(db: SqliteDb, register: SqliteDb, email: string): number | null {
  const normalized = normalizeIdentityValue('email', email);
  const rows = stmt(
    register,
    `SELECT user_id AS userId, value FROM former_identities WHERE type = 'email' ORDER BY user_id`,
  ).all() as Array<{
    userId: number;
    value: string;
  }>;
  return rows.find((r) => normalizeIdentityValue('email', r.value) === normalized && userExists(db, r.userId))?.userId ?? null;
}
