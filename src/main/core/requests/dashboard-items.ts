import type { Request } from '../../../shared/contract/groups/requests';
import { localDateOf, type DeadlineSettings } from '../../../shared/deadlines';
import type { SqliteDb } from '../db';
import { stmt } from '../db/sqlite';
import type { DashboardView } from '../../../shared/contract/groups/requests';
import { datesOf, summariseDashboard, type DashboardItem } from './dashboard';
import { deadlinesOf, referenceOf, type RequestRow } from './request-rows';

type ItemRow = Pick<RequestRow, 'regulation' | 'type' | 'received_at' | 'time_zone' | 'closed_at' | 'extension'>;
/** The columns read, in this order (raw rows: 10,000 objects a call cost more than their reading). */
type RawRow = [
  id: string,
  number: number,
  type: RequestRow['type'],
  regulation: RequestRow['regulation'],
  status: RequestRow['status'],
  receivedAt: string,
  timeZone: string,
  closedAt: string | null,
  extension: string | null,
  unverified: 0 | 1,
];

/** What a request's dates and deadline were derived from; equal inputs give equal dates. */
interface Derived {
  regulation: string;
  type: string;
  receivedAt: string;
  timeZone: string;
  extension: string | null;
  closedAt: string | null;
  dates: Pick<DashboardItem, 'receivedOn' | 'closedOn' | 'due' | 'receivedDay' | 'closedDay' | 'dueDay'>;
  /** The item last built from these dates, and what else it was built from. */
  item: { item: DashboardItem; number: number; status: string; unverified: boolean } | null;
}

interface Known {
  settingsKey: string;
  byId: Map<string, Derived & { item: NonNullable<Derived['item']> }>;
  /** The highest `request_changes.seq` read; null before the first read. */
  seq: number | null;
  mark: string | null;
  items: readonly DashboardItem[];
  /** Where each request stands in `items`. */
  index: Map<string, number>;
  zones: readonly string[];
  last: { key: string; view: DashboardView } | null;
}

/**
 * Per open database: the derived dates of each request, the deadline settings they were computed
 * under, and the items of the last call with the database's change mark then. Presenting 10,000
 * requests for every dashboard (rows of every column, links, verification JSON, a deadline per
 * request) took over a second, and reading 10,000 narrow rows after every write still took tens
 * of milliseconds. Now nothing is read while the database is unchanged, and after a change only
 * the requests that `request_changes` (kept by triggers, register schema 50) names are read again;
 * their dates are derived again only when one of their inputs changed. No write path keeps this in
 * step (a settings change drops the whole map).
 */
const derivedByDb = new WeakMap<SqliteDb, Known>();

/** Past this many changed requests one full read is cheaper than one read per request. */
const FULL_READ_AFTER = 1_000;

const COLUMNS = `id, number, type, regulation, status, received_at, time_zone, closed_at, extension,
                 (verification IS NULL OR verification = '') AS unverified`;

/**
 * Changes on this connection (`total_changes()`: every row inserted, updated or deleted, even
 * in a transaction later rolled back) and commits by any other connection (`data_version`), so
 * equal marks mean no row of the register can differ. Conservative: an audit entry moves it too.
 */
function changeMark(db: SqliteDb): string {
  const changes = stmt(db, 'SELECT total_changes()').pluck().get() as number;
  return `${changes}|${String(db.pragma('data_version', { simple: true }))}`;
}

/** The local register's requests as the dashboard needs them, newest received first (the list's order). */
export function dashboardItems(db: SqliteDb, settings: DeadlineSettings): readonly DashboardItem[] {
  const settingsKey = JSON.stringify(settings);
  let known = derivedByDb.get(db);
  if (known === undefined || known.settingsKey !== settingsKey) {
    known = { settingsKey, byId: new Map(), seq: null, mark: null, items: [], index: new Map(), zones: [], last: null };
    derivedByDb.set(db, known);
  }
  const mark = changeMark(db);
  if (known.mark === mark) return known.items;
  const cache = known;
  // One read transaction: the changed ids and their rows are of the same commit.
  db.transaction(() => {
    const top = stmt(db, 'SELECT coalesce(max(seq), 0) FROM request_changes').pluck().get() as number;
    if (cache.seq !== null && top === cache.seq) return;
    const changed =
      cache.seq === null || top - cache.seq > FULL_READ_AFTER
        ? null
        : (stmt(db, 'SELECT request_id FROM request_changes WHERE seq > ? AND seq <= ?').pluck().all(cache.seq, top) as string[]);
    if (changed === null || changed.length > FULL_READ_AFTER) readAll(db, cache, settings);
    else readChanged(db, cache, settings, changed);
    cache.seq = top;
    cache.zones = [...new Set(cache.items.map((x) => x.timeZone))];
    cache.last = null;
  })();
  cache.mark = mark;
  return cache.items;
}

function readAll(db: SqliteDb, cache: Known, settings: DeadlineSettings): void {
  const rows = stmt(db, `SELECT ${COLUMNS} FROM requests ORDER BY received_at DESC, number DESC`).raw(true).all() as RawRow[];
  const seen: Known['byId'] = new Map();
  const items = rows.map((row) => {
    const d = itemOf(row, cache.byId.get(row[0]), settings);
    seen.set(row[0], d);
    return d.item.item;
  });
  // Only the requests still in the register: deleted ones leave with this call.
  cache.byId = seen;
  setItems(cache, items);
}

function readChanged(db: SqliteDb, cache: Known, settings: DeadlineSettings, ids: readonly string[]): void {
  const one = stmt(db, `SELECT ${COLUMNS} FROM requests WHERE id = ?`).raw(true);
  const items = cache.items.slice();
  let reorder = false;
  for (const id of ids) {
    const row = one.get(id) as RawRow | undefined;
    const was = cache.byId.get(id);
    if (row === undefined) {
      if (was !== undefined) cache.byId.delete(id);
      reorder ||= was !== undefined;
      continue;
    }
    // Before itemOf, which may update `was` in place.
    const place = was === undefined ? null : `${was.receivedAt}|${was.item.number}`;
    const d = itemOf(row, was, settings);
    cache.byId.set(id, d);
    // A new request, or one whose place in the order moved, sorts the list again; the rest change in place.
    if (place !== `${d.receivedAt}|${d.item.number}`) reorder = true;
    else items[cache.index.get(id)!] = d.item.item;
  }
  if (!reorder) return setItems(cache, items, cache.index);
  const sorted = [...cache.byId.values()].sort((a, b) =>
    a.receivedAt === b.receivedAt ? b.item.number - a.item.number : a.receivedAt < b.receivedAt ? 1 : -1,
  );
  setItems(
    cache,
    sorted.map((d) => d.item.item),
  );
}

function setItems(cache: Known, items: DashboardItem[], index?: Map<string, number>): void {
  cache.items = Object.freeze(items);
  cache.index = index ?? new Map(items.map((x, i) => [x.id, i]));
}

/** The request's item, built again only from what changed since `was`. */
function itemOf(row: RawRow, was: Derived | undefined, settings: DeadlineSettings): Derived & { item: NonNullable<Derived['item']> } {
  const [id, number, type, regulation, status, receivedAt, timeZone, closedAt, extension, unverified] = row;
  let d = was;
  if (
    d === undefined ||
    d.regulation !== regulation ||
    d.type !== type ||
    d.receivedAt !== receivedAt ||
    d.timeZone !== timeZone ||
    d.extension !== extension ||
    d.closedAt !== closedAt
  ) {
    d = derive({ regulation, type, received_at: receivedAt, time_zone: timeZone, closed_at: closedAt, extension }, settings);
  }
  // The last call's item when nothing of it changed: a write to one request allocates one item, not 10,000.
  const last = d.item;
  if (last !== null && last.status === status && last.unverified === (unverified === 1) && last.number === number)
    return d as Derived & { item: NonNullable<Derived['item']> };
  const item: DashboardItem = Object.freeze({
    id,
    reference: referenceOf(number),
    type,
    regulation,
    status,
    unverified: unverified === 1,
    timeZone,
    ...d.dates,
  });
  d.item = { item, number, status, unverified: unverified === 1 };
  return d as Derived & { item: NonNullable<Derived['item']> };
}

/**
 * The local register's dashboard. Its figures depend on the clock only through today's date in
 * the organisation's zone and in each request's zone, so while those dates and the register stay
 * the same, the last figures are given again with the new `asOf`.
 */
export function registerDashboard(db: SqliteDb, settings: DeadlineSettings, asOf: string, timeZone: string, weeks: number): DashboardView {
  const items = dashboardItems(db, settings);
  const cache = derivedByDb.get(db)!;
  const key = [weeks, timeZone, localDateOf(asOf, timeZone), ...cache.zones.map((zone) => `${zone}=${localDateOf(asOf, zone)}`)].join('|');
  if (cache.last?.key !== key) cache.last = { key, view: summariseDashboard(items, asOf, timeZone, weeks) };
  return { ...cache.last.view, asOf };
}

function derive(row: ItemRow, settings: DeadlineSettings): Derived {
  const extension = row.extension ? (JSON.parse(row.extension) as Request['extension']) : null;
  const deadlines = deadlinesOf(row, extension, settings);
  return {
    regulation: row.regulation,
    type: row.type,
    receivedAt: row.received_at,
    timeZone: row.time_zone,
    extension: row.extension,
    closedAt: row.closed_at,
    dates: datesOf(
      localDateOf(row.received_at, row.time_zone),
      row.closed_at === null ? null : localDateOf(row.closed_at, row.time_zone),
      deadlines === null ? null : deadlines.due,
    ),
    item: null,
  };
}
