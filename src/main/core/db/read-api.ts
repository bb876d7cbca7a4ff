import type { SyncResource } from './records';
import { stmt, type SqliteDb } from './sqlite';

export const COUNTED_TABLES = [
  'users',
  'identities',
  'organizations',
  'organization_memberships',
  'tickets',
  'participants',
  'comments',
  'attachments',
  'tombstones',
  'sync_errors',
] as const;
export type CountedTable = (typeof COUNTED_TABLES)[number];

export function countRows(db: SqliteDb): Record<CountedTable, number> {
  const counts = {} as Record<CountedTable, number>;
  for (const table of COUNTED_TABLES) {
    counts[table] = stmt(db, `SELECT count(*) FROM ${table}`).pluck().get() as number;
  }
  return counts;
}

export interface SyncState {
  resource: string;
  cursor: string | null;
  startTime: number | null;
  endTime: number | null;
  /** When the last page was applied. */
  lastPageAt: string | null;
  /** When the stream last reached its end: the cache holds everything up to then. */
  lastSuccessAt: string | null;
  lastError: string | null;
  items: number;
}

interface SyncStateRow {
  resource: string;
  cursor: string | null;
  start_time: number | null;
  end_time: number | null;
  last_page_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  items: number;
}

const toSyncState = (r: SyncStateRow): SyncState => ({
  resource: r.resource,
  cursor: r.cursor,
  startTime: r.start_time,
  endTime: r.end_time,
  lastPageAt: r.last_page_at,
  lastSuccessAt: r.last_success_at,
  lastError: r.last_error,
  items: r.items,
});

export function readSyncStates(db: SqliteDb): SyncState[] {
  return (stmt(db, 'SELECT * FROM sync_state ORDER BY resource').all() as SyncStateRow[]).map(toSyncState);
}

export function readSyncState(db: SqliteDb, resource: SyncResource): SyncState | undefined {
  const row = stmt(db, 'SELECT * FROM sync_state WHERE resource = ?').get(resource) as SyncStateRow | undefined;
  return row ? toSyncState(row) : undefined;
}

export interface SyncErrorEntry {
  resource: string;
  at: string;
  code: string;
  message: string;
}

export function readSyncErrors(db: SqliteDb, limit = 50): SyncErrorEntry[] {
  return stmt(db, 'SELECT resource, at, code, message FROM sync_errors ORDER BY id DESC LIMIT ?').all(limit) as SyncErrorEntry[];
}

/** The streams whose completion makes the cache "complete as of" a moment. */
export const DATA_AS_OF_RESOURCES: readonly SyncResource[] = ['users', 'organizations', 'tickets', 'ticket_events'];

/**
 * The moment up to which the cache holds every listed stream: the oldest of their last
 * completions. null while any of them has never completed.
 */
export function dataAsOf(db: SqliteDb, resources: readonly SyncResource[] = DATA_AS_OF_RESOURCES): string | null {
  let oldest: string | null = null;
  for (const resource of resources) {
    const at = readSyncState(db, resource)?.lastSuccessAt ?? null;
    if (at === null) return null;
    if (oldest === null || at < oldest) oldest = at;
  }
  return oldest;
}
