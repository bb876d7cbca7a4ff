import { LetheError } from '../../../shared/errors';
import { normalizeIdentityValue, type SqliteDb } from '../db';

/**
 * A rectified e-mail must not be another helpdesk user's address: Zendesk refuses it with a bare
 * 422 only once the change is sent. The cache knows every synced identity, so the preview says so
 * first, in words, and nothing is queued.
 */
export function assertEmailNotAnothers(cache: SqliteDb, userId: number, email: string): void {
  const normalized = normalizeIdentityValue('email', email);
  const other = cache
    .prepare(
      `SELECT user_id FROM identities WHERE type = 'email' AND value_normalized = ? AND user_id <> ?
       UNION SELECT id FROM users WHERE lower(email) = ? AND id <> ? LIMIT 1`,
    )
    .pluck()
    .get(normalized, userId, normalized, userId) as number | undefined;
  if (other !== undefined) {
    throw new LetheError(
      'conflict',
      `This address already belongs to another helpdesk user (${other}); the helpdesk would refuse it. If both accounts are this person, link them in the dossier instead.`,
      { reason: 'email_taken', userId: other },
    );
  }
}
