import { stmt, type SqliteDb } from '../db/sqlite';
import { identityKeysInText } from './identity-keys';

const BATCH = 5_000;

/**
 * Brings `comment_identity_keys` up to date with the comments whose text changed since the last
 * call (queued by triggers, see migration 0030). Cheap when nothing changed (one indexed probe);
 * after a first full sync it works through every comment once, in batches, each its own
 * transaction so a concurrent sync is never blocked for long.
 * Returns how many comments were (re)indexed.
 */
export function updateMentionIndex(db: SqliteDb): number {
  let total = 0;
  const next = db.prepare(
    `SELECT p.comment_id AS id, c.body AS body FROM comment_keys_pending p
       LEFT JOIN comments c ON c.id = p.comment_id ORDER BY p.comment_id LIMIT ?`,
  );
  const clear = stmt(db, 'DELETE FROM comment_identity_keys WHERE comment_id = ?');
  const insert = stmt(db, 'INSERT OR IGNORE INTO comment_identity_keys (key, comment_id) VALUES (?, ?)');
  const done = stmt(db, 'DELETE FROM comment_keys_pending WHERE comment_id = ?');
  const apply = db.transaction((rows: Array<{ id: number; body: string | null }>) => {
    for (const row of rows) {
      clear.run(row.id);
      if (row.body !== null) for (const key of identityKeysInText(row.body)) insert.run(key, row.id);
      done.run(row.id);
    }
  });
  for (;;) {
    const rows = next.all(BATCH) as Array<{ id: number; body: string | null }>;
    if (rows.length === 0) return total;
    apply.immediate(rows);
    total += rows.length;
  }
}

export function mentionIndexPending(db: SqliteDb): number {
  return stmt(db, 'SELECT count(*) FROM comment_keys_pending').pluck().get() as number;
}
