import { normalizeIdentityValue, type SqliteDb } from '../db';

export interface ResolvedSubject {
  email: string;
  /** Accounts that hold the e-mail, or an e-mail identity of an account that does. */
  userIds: number[];
  emails: string[];
  phones: string[];
  /** Accounts sharing only a phone number with the subject: maybe the same person, maybe a switchboard. */
  relatedAccounts: number[];
}

const json = (ids: readonly (number | string)[]): string => JSON.stringify(ids);

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
 * The subject's accounts, from the cache's users and identities. Written here because the subjects
 * module (search + dossier) was not there yet; it follows the same matching rules as the db layer
 * (normalizeIdentityValue). Accounts linked by an e-mail are the same person; accounts linked only
 * by a phone are listed for a human to confirm.
 */
export function resolveSubject(db: SqliteDb, email: string): ResolvedSubject {
  const normalized = normalizeIdentityValue('email', email);
  const phrase = asciiEmailPhrase(normalized);
  const ids = new Set<number>(
    (phrase === null
      ? db
          .prepare(
            `SELECT user_id FROM identities WHERE value_normalized = ? AND type = 'email'
             UNION SELECT id FROM users WHERE lower(trim(email)) = ?`,
          )
          .pluck()
          .all(normalized, normalized)
      : db
          .prepare(
            `SELECT user_id FROM identities WHERE value_normalized = ? AND type = 'email'
             UNION SELECT u.id FROM users_fts f JOIN users u ON u.id = f.rowid
             WHERE users_fts MATCH ? AND lower(trim(u.email)) = ?`,
          )
          .pluck()
          .all(normalized, phrase, normalized)) as number[],
  );
  // One hop through e-mail identities: a person with two accounts sharing a secondary address.
  for (let round = 0; round < 2 && ids.size > 0; round++) {
    const emails = db
      .prepare(`SELECT DISTINCT value_normalized FROM identities WHERE type = 'email' AND user_id IN (SELECT value FROM json_each(?))`)
      .pluck()
      .all(json([...ids])) as string[];
    const more = db
      .prepare(`SELECT DISTINCT user_id FROM identities WHERE type = 'email' AND value_normalized IN (SELECT value FROM json_each(?))`)
      .pluck()
      .all(json(emails)) as number[];
    const before = ids.size;
    for (const id of more) ids.add(id);
    if (ids.size === before) break;
  }
  const userIds = [...ids].sort((a, b) => a - b);
  const rows = db
    .prepare(
      `SELECT type, value, value_normalized FROM identities WHERE user_id IN (SELECT value FROM json_each(?))
       UNION SELECT 'email', email, lower(trim(email)) FROM users WHERE email IS NOT NULL AND id IN (SELECT value FROM json_each(?))
       UNION SELECT 'phone_number', phone, phone FROM users WHERE phone IS NOT NULL AND phone <> '' AND id IN (SELECT value FROM json_each(?))`,
    )
    .all(json(userIds), json(userIds), json(userIds)) as Array<{ type: string; value: string; value_normalized: string }>;
  const emails = new Map<string, string>();
  const phones = new Map<string, string>();
  for (const r of rows) {
    if (r.type === 'email') emails.set(normalizeIdentityValue('email', r.value), r.value.trim());
    else if (r.type === 'phone_number') {
      const digits = normalizeIdentityValue('phone_number', r.value);
      if (digits.length >= 7) phones.set(digits, r.value.trim());
    }
  }
  if (userIds.length === 0) emails.set(normalized, email.trim());
  const phoneDigits = [...phones.keys()];
  const related =
    phoneDigits.length === 0
      ? []
      : (db
          .prepare(
            `SELECT DISTINCT user_id FROM identities WHERE type = 'phone_number' AND value_normalized IN (SELECT value FROM json_each(?))
             AND user_id NOT IN (SELECT value FROM json_each(?)) ORDER BY user_id`,
          )
          .pluck()
          .all(json(phoneDigits), json(userIds)) as number[]);
  return { email: email.trim(), userIds, emails: [...emails.values()], phones: [...phones.values()], relatedAccounts: related };
}
