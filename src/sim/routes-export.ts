import { HttpError, Router, badRequest, pageUrl, type Ctx } from './http';
import { commentJson, orgJson, ticketJson, userJson } from './serialize';
import { PACK, type ChangeLog, type SimState } from './state';
import { isoSeconds as iso } from './dataset';
import type { CommentRecord } from './types';
import { withUserSideloads } from './routes-users';

/**
 * Incremental exports. Cursor exports walk two sequences: untouched generated records in
 * (updated, index) order, then records changed since start in change order. Everything changed in
 * the last minute is held back, as Zendesk does.
 */

const HOLD_BACK_MS = 60_000;

interface CursorPos {
  /** Minimum timestamp (seconds) asked for by the first call. */
  s: number;
  /** Last packed base position emitted, or null once the base sequence is exhausted. */
  b: number | null;
  /** Last change-log sequence emitted. */
  o: number;
}

const encode = (c: CursorPos): string => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(s: string): CursorPos {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as CursorPos;
    if (typeof c.s === 'number' && (c.b === null || typeof c.b === 'number') && typeof c.o === 'number') return c;
  } catch {
    /* fall through */
  }
  throw badRequest('Invalid cursor', 'InvalidCursor');
}

function perPage(ctx: Ctx, def = 1000): number {
  const raw = ctx.query.get('per_page');
  if (raw === null) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badRequest('per_page must be a positive integer', 'InvalidPaginationParameter');
  return Math.min(n, 1000);
}

function startTime(ctx: Ctx, required: boolean): number | null {
  const raw = ctx.query.get('start_time');
  if (raw === null) {
    if (required) throw badRequest('start_time is required', 'InvalidValue');
    return null;
  }
  if (!/^\d+$/.test(raw)) throw badRequest('start_time must be a Unix epoch time in seconds', 'InvalidValue');
  const t = Number(raw);
  if (t * 1000 > ctx.state.now() - HOLD_BACK_MS) {
    throw new HttpError(422, { error: 'InvalidValue', description: 'Too recent start_time. Use a start_time older than 1 minute' });
  }
  return t;
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] ?? 0) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function cursorExport(
  ctx: Ctx,
  key: 'tickets' | 'users',
  order: Float64Array,
  changes: ChangeLog,
  idOf: (index: number) => number,
  render: (id: number) => Record<string, unknown> | null,
): unknown {
  const state = ctx.state;
  const limit = perPage(ctx);
  const cursorParam = ctx.query.get('cursor');
  let pos: CursorPos;
  if (cursorParam) pos = decode(cursorParam);
  else {
    const s = startTime(ctx, true) ?? 0;
    pos = { s, b: s * PACK - 1, o: 0 };
  }
  const cutoff = state.now() - HOLD_BACK_MS;
  const items: Record<string, unknown>[] = [];
  const cur: CursorPos = { ...pos };
  let more = false;
  if (cur.b !== null) {
    for (let k = lowerBound(order, cur.b); k < order.length; k++) {
      const packed = order[k] ?? 0;
      const id = idOf(packed % PACK);
      if (changes.has(id)) continue; // it is served from the change log instead
      if (items.length >= limit) {
        more = true;
        break;
      }
      const rec = render(id);
      cur.b = packed;
      if (rec) items.push(rec);
    }
    if (!more) cur.b = null;
  }
  if (!more) {
    for (const e of changes.entries) {
      if (e.seq <= cur.o || !changes.isCurrent(e) || e.ms < cur.s * 1000) continue;
      if (e.ms > cutoff) break;
      if (items.length >= limit) {
        more = true;
        break;
      }
      const rec = render(e.id);
      cur.o = e.seq;
      if (rec) items.push(rec);
    }
  }
  const after = encode(cur);
  const before = cursorParam ?? encode(pos);
  return {
    [key]: items,
    after_cursor: after,
    after_url: pageUrl(ctx, { cursor: after }, ['start_time']),
    before_cursor: before,
    before_url: pageUrl(ctx, { cursor: before }, ['start_time']),
    end_of_stream: !more,
  };
}

function timeExport<T>(ctx: Ctx, key: string, all: { ts: number; id: number; rec: T }[], startSec: number, limit: number): unknown {
  const cutoffSec = Math.floor((ctx.state.now() - HOLD_BACK_MS) / 1000);
  const eligible = all.filter((x) => x.ts >= startSec && x.ts <= cutoffSec).sort((a, b) => a.ts - b.ts || a.id - b.id);
  let n = Math.min(limit, eligible.length);
  // Keep every record sharing the last timestamp on this page, so end_time can move past it safely.
  while (n > 0 && n < eligible.length && eligible[n]?.ts === eligible[n - 1]?.ts) n++;
  const page = eligible.slice(0, n);
  const last = page[page.length - 1];
  const endTime = last ? last.ts + 1 : startSec;
  return {
    [key]: page.map((x) => x.rec),
    count: page.length,
    end_time: endTime,
    next_page: pageUrl(ctx, { start_time: String(endTime) }),
    end_of_stream: n >= eligible.length,
  };
}

interface EventRow {
  ts: number;
  id: number;
  build: () => Record<string, unknown>;
}

function commentChild(c: CommentRecord, ctx: Ctx, withBodies: boolean): Record<string, unknown> {
  if (!withBodies) return { id: c.id, event_type: 'Comment', comment_present: true, comment_public: c.public };
  const j = commentJson(c, ctx.base, ctx.state.ds.seed);
  return {
    id: c.id,
    via: c.via,
    via_reference_id: null,
    type: 'Comment',
    author_id: c.author_id,
    body: c.body,
    html_body: c.html_body,
    plain_body: c.plain_body,
    public: c.public,
    attachments: j.attachments,
    audit_id: c.audit_id,
    created_at: c.created_at,
    event_type: 'Comment',
  };
}

function baseEventRows(
  ctx: Ctx,
  startSec: number,
  limit: number,
  cutoffMs: number,
  withBodies: boolean,
): { rows: EventRow[]; complete: boolean } {
  const state: SimState = ctx.state;
  const ds = state.ds;
  const n = ds.ticketCount;
  let i = ds.firstTicketCreatedAtOrAfter(startSec * 1000 - state.ticketLifetimeMs());
  const rows: EventRow[] = [];
  while (i < n) {
    const end = Math.min(n, i + 256);
    for (; i < end; i++) {
      const tid = ds.ticketId(i);
      const del = state.ticketDeleted.get(tid);
      if (del && del.purgedAtMs !== null) continue;
      const sk = ds.ticketSkeleton(i);
      const ti = i;
      sk.comments.forEach((c, j) => {
        const ts = Math.floor(c.createdMs / 1000);
        if (ts < startSec || c.createdMs > cutoffMs) return;
        rows.push({
          ts,
          id: ds.auditId(ti, j, sk),
          build: () => {
            const cid = ds.commentId(ti, j, sk);
            const comment = state.comments.get(cid) ?? ds.baseComment(ti, j, sk);
            const children: Record<string, unknown>[] = [];
            if (j === 0) {
              const purged = state.ticketDeleted.get(tid)?.purgedAtMs != null;
              children.push({ id: ds.auditId(ti, j, sk) * 2 + 1, event_type: 'Create', field_name: 'status', value: 'new' });
              children.push({
                id: ds.auditId(ti, j, sk) * 2 + 2,
                event_type: 'Create',
                field_name: 'requester_id',
                value: String(ds.userId(sk.requester)),
              });
              children.push({
                id: ds.auditId(ti, j, sk) * 2 + 3,
                event_type: 'Create',
                field_name: 'subject',
                value: purged ? 'SCRUBBED' : (ds.baseSubject(ti) ?? ''),
              });
            }
            children.push(commentChild(comment, ctx, withBodies));
            return {
              id: ds.auditId(ti, j, sk),
              ticket_id: tid,
              timestamp: ts,
              created_at: iso(c.createdMs),
              updater_id: comment.author_id,
              via: comment.via,
              system: comment.metadata.system,
              event_type: 'Audit',
              merged_ticket_ids: [],
              child_events: children,
            };
          },
        });
      });
    }
    const boundSec = i < n ? Math.floor(ds.ticketCreatedMs(i) / 1000) : Infinity;
    const completeCount = rows.reduce((k, r) => k + (r.ts < boundSec ? 1 : 0), 0);
    if (completeCount > limit) return { rows: rows.filter((r) => r.ts < boundSec), complete: false };
  }
  return { rows, complete: true };
}

function ticketEvents(ctx: Ctx): unknown {
  const state = ctx.state;
  const startSec = startTime(ctx, true) ?? 0;
  const limit = perPage(ctx);
  const withBodies = (ctx.query.get('include') ?? '').split(',').includes('comment_events');
  const cutoffMs = state.now() - HOLD_BACK_MS;
  const { rows, complete } = baseEventRows(ctx, startSec, limit, cutoffMs, withBodies);
  if (complete) {
    for (const e of state.events) {
      const ts = Math.floor(e.ms / 1000);
      if (ts < startSec || e.ms > cutoffMs) continue;
      const del = state.ticketDeleted.get(e.ticketId);
      if (del && del.purgedAtMs !== null) continue;
      rows.push({
        ts,
        id: e.id,
        build: () => {
          const children: Record<string, unknown>[] = e.changes.map((c, k) => ({
            id: e.id * 10 + k,
            event_type: 'Change',
            field_name: c.field_name,
            value: c.value,
            previous_value: c.previous_value,
          }));
          if (e.comment !== null) {
            const c = state.commentById(e.comment);
            if (c) children.push(commentChild(c.rec, ctx, withBodies));
          }
          return {
            id: e.id,
            ticket_id: e.ticketId,
            timestamp: ts,
            created_at: iso(e.ms),
            updater_id: e.updaterId,
            via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
            system: {},
            event_type: 'Audit',
            merged_ticket_ids: [],
            child_events: children,
          };
        },
      });
    }
  }
  rows.sort((a, b) => a.ts - b.ts || a.id - b.id);
  let n = Math.min(limit, rows.length);
  while (n > 0 && n < rows.length && rows[n]?.ts === rows[n - 1]?.ts) n++;
  const page = rows.slice(0, n);
  const last = page[page.length - 1];
  const endTime = last ? last.ts + 1 : startSec;
  return {
    ticket_events: page.map((r) => r.build()),
    count: page.length,
    end_time: endTime,
    next_page: pageUrl(ctx, { start_time: String(endTime) }),
    end_of_stream: complete && n >= rows.length,
  };
}

export function registerExportRoutes(r: Router): void {
  const opts = { adminOnly: true, exportBudget: true };
  r.add(
    'GET',
    '/api/v2/incremental/tickets/cursor',
    (ctx) => {
      const state = ctx.state;
      const excludeDeleted = ctx.query.get('exclude_deleted') === 'true';
      return cursorExport(
        ctx,
        'tickets',
        state.baseTicketOrder(),
        state.ticketChanges,
        (i) => state.ds.ticketId(i),
        (id) => {
          const v = state.ticketView(id);
          if (!v || (excludeDeleted && v.state !== 'live')) return null;
          return ticketJson(v, ctx.base);
        },
      );
    },
    opts,
  );
  r.add(
    'GET',
    '/api/v2/incremental/users/cursor',
    (ctx) => {
      const state = ctx.state;
      const page = cursorExport(
        ctx,
        'users',
        state.baseUserOrder(),
        state.userChanges,
        (i) => state.ds.userId(i),
        (id) => {
          const v = state.userView(id);
          return v ? userJson(v.rec, ctx.base) : null;
        },
      ) as Record<string, unknown> & { users?: Array<{ id: number }> };
      // Zendesk side-loads identities on the users export (include=identities), so one page carries
      // every e-mail and phone of its users.
      return withUserSideloads(
        ctx,
        page,
        (page.users ?? []).map((u) => u.id),
      );
    },
    opts,
  );
  r.add(
    'GET',
    '/api/v2/incremental/organizations',
    (ctx) => {
      const state = ctx.state;
      const start = startTime(ctx, true) ?? 0;
      const all = [...state.allOrgIds()]
        .map((id) => state.orgView(id))
        .filter((o) => !!o)
        .map((o) => ({ ts: Math.floor(Date.parse(o!.updated_at) / 1000), id: o!.id, rec: orgJson(o!, ctx.base) }));
      return timeExport(ctx, 'organizations', all, start, perPage(ctx));
    },
    opts,
  );
  r.add('GET', '/api/v2/incremental/ticket_events', ticketEvents, opts);
}
