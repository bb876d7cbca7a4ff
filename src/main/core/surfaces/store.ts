import type { NotSearchedReason, SurfaceId } from '../../../shared/schemas/surfaces';
import { stmt, type SqliteDb } from '../db/sqlite';
import type { FoundItem } from './types';

/**
 * The last look at each on-demand surface for a person, in the cache (migration 0040): the
 * outcome, its time and the items. A look replaces the previous one whole, in one transaction, so
 * the dossier never mixes two looks. A failed look keeps only the failure, so nothing older passes
 * for current: the table says "not searched" with the reason until a look succeeds.
 */

export interface StoredLook {
  surface: SurfaceId;
  searched: boolean;
  reason: NotSearchedReason | null;
  detail: string | null;
  asOf: string;
}

export type LookOutcome =
  | { surface: SurfaceId; searched: true; asOf: string; items: FoundItem[] }
  | { surface: SurfaceId; searched: false; asOf: string; reason: NotSearchedReason; detail: string };

export function saveLook(db: SqliteDb, subjectUserId: number, outcome: LookOutcome): void {
  db.transaction(() => {
    stmt(db, 'DELETE FROM surface_items WHERE surface = ? AND subject_user_id = ?').run(outcome.surface, subjectUserId);
    stmt(
      db,
      `INSERT INTO surface_looks (surface, subject_user_id, searched, reason, detail, as_of) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (surface, subject_user_id) DO UPDATE SET searched = excluded.searched, reason = excluded.reason,
         detail = excluded.detail, as_of = excluded.as_of`,
    ).run(
      outcome.surface,
      subjectUserId,
      outcome.searched ? 1 : 0,
      outcome.searched ? null : outcome.reason,
      outcome.searched ? null : outcome.detail,
      outcome.asOf,
    );
    if (!outcome.searched) return;
    const insert = stmt(db, 'INSERT OR REPLACE INTO surface_items (surface, subject_user_id, item_id, body) VALUES (?, ?, ?, ?)');
    for (const item of outcome.items) insert.run(outcome.surface, subjectUserId, item.id, JSON.stringify(item));
  })();
}

export function readLooks(db: SqliteDb, subjectUserId: number): Map<SurfaceId, StoredLook> {
  const rows = stmt(db, 'SELECT surface, searched, reason, detail, as_of AS asOf FROM surface_looks WHERE subject_user_id = ?').all(
    subjectUserId,
  ) as Array<{ surface: SurfaceId; searched: number; reason: NotSearchedReason | null; detail: string | null; asOf: string }>;
  return new Map(rows.map((r) => [r.surface, { ...r, searched: r.searched === 1 }]));
}

export function readItems(db: SqliteDb, subjectUserId: number, surface: SurfaceId): FoundItem[] {
  const rows = stmt(db, 'SELECT body FROM surface_items WHERE surface = ? AND subject_user_id = ? ORDER BY item_id')
    .pluck()
    .all(surface, subjectUserId) as string[];
  return rows.map((b) => JSON.parse(b) as FoundItem);
}

export function countItems(db: SqliteDb, subjectUserId: number): Map<SurfaceId, number> {
  const rows = stmt(db, 'SELECT surface, count(*) AS n FROM surface_items WHERE subject_user_id = ? GROUP BY surface').all(
    subjectUserId,
  ) as Array<{ surface: SurfaceId; n: number }>;
  return new Map(rows.map((r) => [r.surface, r.n]));
}

/** After an erasure: the cache forgets the person's looks (what remains is re-read by the next look). */
export function forgetLooks(db: SqliteDb, subjectUserIds: readonly number[]): number {
  let n = 0;
  for (const id of subjectUserIds) {
    n += stmt(db, 'DELETE FROM surface_items WHERE subject_user_id = ?').run(id).changes;
    stmt(db, 'DELETE FROM surface_looks WHERE subject_user_id = ?').run(id);
  }
  return n;
}
