import { stmt, type SqliteDb } from '../db/sqlite';

/**
 * Which tickets hold side conversations with whom, as last read, so a look does not re-read every
 * ticket of the account for every person (one call per ticket: 2,000 tickets are three minutes of
 * a 700/min budget). Zendesk lists side conversations only per ticket and has no search by
 * participant; but starting one writes a "collaboration thread created" audit on its ticket, which
 * moves the ticket's `updated_at`, which the sync brings into the cache. So a ticket is read again
 * when it has no entry, when the cache's `updated_at` differs from the one its entry was read at,
 * when its entry is older than a day (a reply that adds a recipient need not touch the ticket), or
 * when its entry names the person (their items are always read live). The person's own tickets
 * are read at every look regardless.
 *
 * Kept in the cache beside the looks (`surface_items` under subject 0, which no Zendesk user has:
 * no migration), with the participants' addresses and account ids: the cache holds everyone's
 * addresses anyway, and an erasure drops every entry naming the person (forgetInIndex).
 */

const INDEX_SUBJECT = 0;
const SURFACE = 'side_conversations';
export const INDEX_MAX_AGE_MS = 24 * 3_600_000;
/** Other tickets one look reads at most (under half a minute of a 700/min budget); the rest wait for the next look. */
export const OTHER_TICKETS_PER_LOOK = 300;

export interface IndexEntry {
  ticketId: number;
  /** The cache's `updated_at` of the ticket when it was read. */
  ticketUpdatedAt: string | null;
  readAt: string;
  /** Lower-cased addresses and `u:<id>` of every participant of the ticket's side conversations. */
  keys: string[];
}

export const accountKey = (userId: number): string => `u:${userId}`;

function entries(db: SqliteDb): Map<number, IndexEntry> {
  const rows = stmt(db, 'SELECT body FROM surface_items WHERE surface = ? AND subject_user_id = ?')
    .pluck()
    .all(SURFACE, INDEX_SUBJECT) as string[];
  const out = new Map<number, IndexEntry>();
  for (const body of rows) {
    const e = JSON.parse(body) as IndexEntry;
    out.set(e.ticketId, e);
  }
  return out;
}

/**
 * The live tickets other than the person's own that a look must read: naming one of `keys` (the
 * person's addresses and account keys) first, then changed or stale, then never read; at most
 * `budget`, and how many are left for the next look.
 */
export function otherTicketsToRead(
  db: SqliteDb,
  own: ReadonlySet<number>,
  keys: readonly string[],
  now: Date,
  budget = OTHER_TICKETS_PER_LOOK,
): { read: number[]; left: number } {
  const known = entries(db);
  const mine = new Set(keys);
  const live = stmt(db, 'SELECT id, updated_at AS updatedAt FROM tickets WHERE deleted = 0 ORDER BY id').all() as Array<{
    id: number;
    updatedAt: string | null;
  }>;
  const naming: number[] = [];
  const changed: number[] = [];
  const unknown: number[] = [];
  for (const t of live) {
    if (own.has(t.id)) continue;
    const e = known.get(t.id);
    if (e === undefined) unknown.push(t.id);
    else if (e.keys.some((k) => mine.has(k))) naming.push(t.id);
    else if (
      e.ticketUpdatedAt !== t.updatedAt ||
      !Number.isFinite(Date.parse(e.readAt)) ||
      now.getTime() - Date.parse(e.readAt) > INDEX_MAX_AGE_MS
    )
      changed.push(t.id);
  }
  const all = [...naming, ...changed, ...unknown];
  const read = all.slice(0, Math.max(0, budget));
  return { read: read.sort((a, b) => a - b), left: all.length - read.length };
}

/** The cache's `updated_at` per ticket, for entries about to be written. */
export function ticketUpdatedAt(db: SqliteDb, ticketIds: readonly number[]): Map<number, string | null> {
  const rows = stmt(db, 'SELECT id, updated_at AS updatedAt FROM tickets WHERE id IN (SELECT value FROM json_each(?))').all(
    JSON.stringify(ticketIds),
  ) as Array<{ id: number; updatedAt: string | null }>;
  return new Map(rows.map((r) => [r.id, r.updatedAt]));
}

export function recordTicketsRead(db: SqliteDb, read: readonly IndexEntry[]): number {
  if (read.length === 0) return 0;
  const insert = stmt(db, 'INSERT OR REPLACE INTO surface_items (surface, subject_user_id, item_id, body) VALUES (?, ?, ?, ?)');
  const live = stmt(db, 'SELECT 1 FROM tickets WHERE id = ? AND deleted = 0');
  let n = 0;
  db.transaction(() => {
    // A background read can land after an erasure deleted its ticket and dropped the person from
    // the index (forgetInIndex): a deleted ticket is never read again, so its entry would keep their
    // address for good. Only live tickets are recorded, checked in the same transaction as the write.
    for (const e of read) {
      if (live.get(e.ticketId) === undefined) continue;
      insert.run(SURFACE, INDEX_SUBJECT, `t:${e.ticketId}`, JSON.stringify(e));
      n++;
    }
  })();
  return n;
}

/** After an erasure: no entry keeps naming the person (those tickets are simply read again). */
export function forgetInIndex(db: SqliteDb, emails: readonly string[], userIds: readonly number[]): number {
  const keys = new Set([...emails.map((e) => e.trim().toLowerCase()), ...userIds.map(accountKey)]);
  if (keys.size === 0) return 0;
  const drop = stmt(db, 'DELETE FROM surface_items WHERE surface = ? AND subject_user_id = ? AND item_id = ?');
  let n = 0;
  db.transaction(() => {
    for (const e of entries(db).values())
      if (e.keys.some((k) => keys.has(k))) n += drop.run(SURFACE, INDEX_SUBJECT, `t:${e.ticketId}`).changes;
  })();
  return n;
}
