import { applyDeletions, type DeletableResource, type PageCheckpoint, type SqliteDb } from '../db';

/**
 * Export pages are written several to a transaction, each page with its own position.
 *
 * The sync runs in a worker thread (see sync-worker.ts), so a long write blocks nobody who serves
 * the UI. What costs is the commit: every B-tree page a transaction touched goes to the WAL
 * encrypted and HMAC'd once per commit, FTS5 writes its pending terms as a new index segment at
 * each commit (and merges segments later), and the by-user participant and FTS pages are touched
 * by every export page. Writing several export pages per transaction writes those shared pages once.
 *
 * The transaction is opened by the first page and stays open while the next pages are fetched, so
 * the helpdesk works on page N+1 while page N is written: written at commit time instead, ten pages
 * of writes ran while the helpdesk sat idle with one page to serve, and then the writer sat idle
 * for nine. The stream bounds how long it stays open (StreamContext.holdMs), because other
 * connections wait for the write lock meanwhile.
 *
 * What stays true: each page's rows, deletions and position are written in order inside the one
 * transaction, so what is committed always ends with the position of the last page it holds. A
 * crash or a cancel loses the uncommitted pages and their positions together; the next sync
 * fetches them again (replaying a page is harmless: upserts by id, derived rows recomputed, older
 * never beats newer).
 */

export interface PagePlan<T> {
  items: readonly T[];
  /** Writes the page's items and stores `checkpoint` (inside the batch's transaction). */
  write: (items: readonly T[], checkpoint: PageCheckpoint) => void;
  deletions: { resource: DeletableResource; records: ReadonlyArray<{ id: number; at: string }> };
  checkpoint: PageCheckpoint;
}

/**
 * One page as a few writes of at most `sliceSize` items each, run in order inside one transaction:
 * rows, then the page's deletions with the last slice. Between slices the sync's thread can take
 * the next page off the network (see drain in streams.ts). Every slice stores the page's position
 * and counts its own items; none of that is visible before the transaction commits, and a slice
 * that fails rolls the whole transaction back.
 */
export function pageSlices<T>(db: SqliteDb, plan: PagePlan<T>, sliceSize: number): Array<() => void> {
  const size = Math.max(1, Math.trunc(sliceSize));
  const slices: Array<() => void> = [];
  for (let start = 0; start < plan.items.length || start === 0; start += size) {
    const items = plan.items.slice(start, start + size);
    slices.push(() => plan.write(items, plan.checkpoint));
  }
  const last = slices.length - 1;
  const writeLast = slices[last]!;
  slices[last] = () => {
    writeLast();
    for (const [at, ids] of groupByTime(plan.deletions.records)) {
      applyDeletions(db, plan.deletions.resource, ids, { deletedAt: at });
    }
  };
  return slices;
}

/**
 * An IMMEDIATE transaction that spans awaits: opened by the first page written into it, closed by
 * commit() or rollback(). A page that fails to write rolls back the whole transaction (its partial
 * rows and every page before it in the transaction), never leaving a torn page behind.
 */
export class PageTransaction {
  readonly #db: SqliteDb;
  readonly #nowMs: () => number;
  #openedAt: number | null = null;

  constructor(db: SqliteDb, nowMs: () => number = () => performance.now()) {
    this.#db = db;
    this.#nowMs = nowMs;
  }

  get open(): boolean {
    return this.#openedAt !== null;
  }

  /** Milliseconds since the first page was written (0 when closed). */
  get ageMs(): number {
    return this.#openedAt === null ? 0 : this.#nowMs() - this.#openedAt;
  }

  write(page: () => void): void {
    if (this.#openedAt === null) {
      this.#db.exec('BEGIN IMMEDIATE');
      this.#openedAt = this.#nowMs();
    }
    try {
      page();
    } catch (error) {
      this.rollback();
      throw error;
    }
  }

  commit(): void {
    if (this.#openedAt === null) return;
    try {
      this.#db.exec('COMMIT');
    } catch (error) {
      this.rollback();
      throw error;
    }
    this.#openedAt = null;
  }

  rollback(): void {
    if (this.#openedAt === null) return;
    this.#openedAt = null;
    // SQLite may already have rolled back (SQLITE_FULL, SQLITE_IOERR); then there is nothing to undo.
    if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
  }
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
