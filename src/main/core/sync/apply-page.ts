import { applyDeletions, type DeletableResource, type PageCheckpoint, type SqliteDb } from '../db';

/**
 * Export pages are written several to a transaction, each page with its own position.
 *
 * The sync runs in a worker thread (see sync-worker.ts), so a long write blocks nobody who serves
 * the UI and pages no longer need to be cut into slices with a turn of the event loop between them.
 * What costs is the commit: every B-tree page a transaction touched goes to the WAL encrypted and
 * HMAC'd once per commit, and the by-user participant and FTS index pages are touched by every
 * export page. Writing several export pages per transaction writes those shared pages once.
 *
 * What stays true: each page's rows, deletions and position are written in order inside the one
 * transaction, so what is committed always ends with the position of the last page it holds. A
 * crash loses the uncommitted pages and their positions together; the next sync fetches them again
 * (replaying a page is harmless: upserts by id, derived rows recomputed, older never beats newer).
 */

export interface PagePlan<T> {
  items: readonly T[];
  /** Writes the page's items and stores `checkpoint` (inside the batch's transaction). */
  write: (items: readonly T[], checkpoint: PageCheckpoint) => void;
  deletions: { resource: DeletableResource; records: ReadonlyArray<{ id: number; at: string }> };
  checkpoint: PageCheckpoint;
}

/** Writes one page: rows, then its deletions, then nothing else; its position goes with its rows. */
export function writePage<T>(db: SqliteDb, plan: PagePlan<T>): void {
  plan.write(plan.items, plan.checkpoint);
  for (const [at, ids] of groupByTime(plan.deletions.records)) {
    applyDeletions(db, plan.deletions.resource, ids, { deletedAt: at });
  }
}

/** Commits pages in one IMMEDIATE transaction, in the order given. */
export function commitPages(db: SqliteDb, writes: ReadonlyArray<() => void>): void {
  if (writes.length === 0) return;
  db.transaction(() => {
    for (const write of writes) write();
  }).immediate();
}

function groupByTime(records: ReadonlyArray<{ id: number; at: string }>): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const r of records) {
    const list = groups.get(r.at);
    if (list) list.push(r.id);
    else groups.set(r.at, [r.id]);
  }
  return groups;
}
