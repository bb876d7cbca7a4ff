import type { Residue } from '../../../shared/contract/groups/erasure';
import { normalizeIdentityValue, type SqliteDb } from '../db';
import { findMentions } from './mentions';

/**
 * What the cache still holds of the subject's e-mails and phones once the run has forgotten what
 * it erased: texts in tickets that were kept (exemptions, blocked, mentions left for review) and in
 * other comments, and other people's profiles carrying the same value. Counts only.
 */
export function scanResidue(
  db: SqliteDb,
  emails: readonly string[],
  phones: readonly string[],
  keptTicketIds: ReadonlySet<number>,
): Residue {
  const hits = findMentions(db, emails, phones);
  let keptTickets = 0;
  let otherComments = 0;
  for (const h of hits) {
    if (keptTicketIds.has(h.ticketId)) keptTickets++;
    else otherComments++;
  }
  const values = [
    ...emails.map((e) => normalizeIdentityValue('email', e)),
    ...phones.map((p) => normalizeIdentityValue('phone_number', p)),
  ];
  const otherProfiles = values.length
    ? (db
        .prepare(
          `SELECT count(DISTINCT user_id) FROM (
             SELECT user_id FROM identities WHERE value_normalized IN (SELECT value FROM json_each(?))
             UNION SELECT id AS user_id FROM users WHERE lower(trim(email)) IN (SELECT value FROM json_each(?)))`,
        )
        .pluck()
        .get(JSON.stringify(values), JSON.stringify(values)) as number)
    : 0;
  return { keptTickets, otherComments, otherProfiles, total: keptTickets + otherComments + otherProfiles };
}
