import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { stmt, type SqliteDb } from '../db/sqlite';
import { writeWhenFree } from '../db/write-when-free';
import { identityKeysInText } from './identity-keys';

/** Comments per transaction when nothing else waits on the connection (tests, the subjects bench). */
const BULK_BATCH = 5_000;
/**
 * Comments per transaction with a turn of the event loop between transactions: about 10-20 ms of
 * regular expressions and inserts each.
 */
const CATCH_UP_BATCH = 500;

/**
 * Indexes up to `limit` queued comments (see migration 0030: triggers queue every comment whose
 * text changed). Runs inside the caller's transaction. Returns how many it took off the queue.
 */
function indexQueuedComments(db: SqliteDb, limit: number): number {
  const rows = stmt(
    db,
    `SELECT p.comment_id AS id, c.body AS body FROM comment_keys_pending p
       LEFT JOIN comments c ON c.id = p.comment_id ORDER BY p.comment_id LIMIT ?`,
  ).all(limit) as Array<{ id: number; body: string | null }>;
  const clear = stmt(db, 'DELETE FROM comment_identity_keys WHERE comment_id = ?');
  const insert = stmt(db, 'INSERT OR IGNORE INTO comment_identity_keys (key, comment_id) VALUES (?, ?)');
  const done = stmt(db, 'DELETE FROM comment_keys_pending WHERE comment_id = ?');
  for (const row of rows) {
    clear.run(row.id);
    if (row.body !== null) for (const key of identityKeysInText(row.body)) insert.run(key, row.id);
    done.run(row.id);
  }
  return rows.length;
}

const nothingQueued = (db: SqliteDb): boolean => stmt(db, 'SELECT 1 FROM comment_keys_pending LIMIT 1').get() === undefined;

/**
 * Brings `comment_identity_keys` up to date with the comments whose text changed since the last
 * call. Cheap when nothing changed (one indexed probe). The sync worker runs it after each sync
 * run, so the main thread normally finds nothing to do; each batch is its own transaction so the
 * other connection never waits long for the write lock. Returns how many comments were (re)indexed.
 */
export function updateMentionIndex(db: SqliteDb): number {
  let total = 0;
  while (!nothingQueued(db)) total += db.transaction(() => indexQueuedComments(db, BULK_BATCH)).immediate();
  return total;
}

/**
 * updateMentionIndex for a thread that must stay responsive (the main thread's dossier, the sync
 * worker after its streams): small transactions with a turn of the event loop between them, each
 * taken only when the write lock is free (writeWhenFree), so neither freezes the window nor makes
 * the other wait long. Stops between batches once `signal` is aborted; the rest stays queued.
 */
export async function catchUpMentionIndex(db: SqliteDb, options: { batch?: number; signal?: AbortSignal } = {}): Promise<number> {
  const batch = options.batch ?? CATCH_UP_BATCH;
  let total = 0;
  while (!options.signal?.aborted && !nothingQueued(db)) {
    total += await writeWhenFree(db, () => indexQueuedComments(db, batch));
    await yieldToLoop();
  }
  return total;
}

export function mentionIndexPending(db: SqliteDb): number {
  return stmt(db, 'SELECT count(*) FROM comment_keys_pending').pluck().get() as number;
}
