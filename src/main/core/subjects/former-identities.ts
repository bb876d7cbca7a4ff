import { stmt, type SqliteDb } from '../db/sqlite';
import { identityValueKey } from './identity-keys';

/**
 * A person's former addresses and numbers (#19 item 7; migration 0040 of the register): still
 * theirs for mentions, the dossier and what follows from it, marked as former. The value is kept
 * as it was written; lookups go through identityValueKey like any identity.
 *
 * A former value may since belong to someone else (a number handed on, an address re-used). It
 * then never joins that account to the person: it is not evidence for a link (suggestions read
 * current identities only), and a comment counts as a mention of the person through it only if
 * the new holder did not write it and it was written before the value was replaced
 * (formerMatches). A later comment quoting it is as likely about the new holder.
 */

export interface FormerIdentity {
  userId: number;
  type: 'email' | 'phone_number';
  value: string;
  replacedAt: string;
  replacedBy: string;
}

export interface PersonFormer extends FormerIdentity {
  /** Accounts outside the person holding this value today; empty when nobody else does. */
  heldBy: number[];
}

export function recordFormerIdentity(register: SqliteDb, former: FormerIdentity): void {
  stmt(
    register,
    `INSERT INTO former_identities (user_id, type, value, replaced_at, replaced_by) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (user_id, type, value) DO NOTHING`,
  ).run(former.userId, former.type, former.value.trim(), former.replacedAt, former.replacedBy);
}

// As identities compare: an address case-insensitively, a number by its digits.
const keyOf = (type: string, value: string): string => identityValueKey(type, value) ?? `${type}:${value.trim().toLowerCase()}`;
const currentKey = (value: string): string => keyOf(value.includes('@') ? 'email' : 'phone_number', value);

/**
 * The former identities of these accounts, oldest first, leaving out any value an account holds
 * again today (`current`, compared as identities are: an address case-insensitively, a number by
 * its digits).
 */
export function formerIdentitiesOf(register: SqliteDb, userIds: number[], current: Iterable<string> = []): FormerIdentity[] {
  const now = new Set([...current].map(currentKey));
  const rows = stmt(
    register,
    `SELECT user_id AS userId, type, value, replaced_at AS replacedAt, replaced_by AS replacedBy FROM former_identities
      WHERE user_id IN (SELECT value FROM json_each(?)) ORDER BY replaced_at, user_id, value`,
  ).all(JSON.stringify(userIds)) as FormerIdentity[];
  return rows.filter((r) => !now.has(keyOf(r.type, r.value)));
}

/**
 * Whether a comment that quotes this former value is a mention of the person: always when nobody
 * else holds it; else only a comment the new holder did not write, from before the replacement
 * (a comment without a date is not counted: it cannot be placed).
 */
export function formerMatches(former: PersonFormer, comment: { authorId: number | null; createdAt: string | null }): boolean {
  if (former.heldBy.length === 0) return true;
  if (comment.authorId !== null && former.heldBy.includes(comment.authorId)) return false;
  return comment.createdAt !== null && Date.parse(comment.createdAt) < Date.parse(former.replacedAt);
}
