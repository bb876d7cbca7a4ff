import { z } from 'zod';
import type { SyncStream } from '../../../shared/contract/groups/sync';
import { applyOrganizationsPage, applyTicketEventsPage, applyTicketsPage, applyUsersPage, readSyncState, type SqliteDb } from '../db';
import { HelpdeskCancelledError, Identity, Organization, Ticket, TicketEvent, User } from '../helpdesk';
import type { HelpdeskTransport } from '../helpdesk/transport';
import { cursorExportPages, timeExportPages } from './export-pages';
import { validate } from '../helpdesk/transport';
import { applyPage } from './apply-page';
import { commentsOf, sideloadedIdentities, splitOrganizations, splitTickets, splitUsers } from './map-records';

/**
 * One export stream each: where it resumes (the position stored with the last applied page), how
 * its pages are fetched, and how a page becomes cache rows. Users and tickets use the cursor
 * exports; organizations and ticket events only have time-based ones (resumed from end_time).
 */

export interface StreamContext {
  db: SqliteDb;
  transport: HelpdeskTransport;
  signal: AbortSignal;
  /** Records per export page; Zendesk's maximum, 1000, keeps a full sync near 6 requests per 1,000 tickets. */
  perPage: number;
  sliceRows: number;
  /** The helpdesk's clock is not ours: time exports must start at least a minute in the past. */
  nowSeconds: () => number;
  /** Called after each page is committed, with its item count and the time it reached. */
  onPage: (page: { items: number; position: number | null; endOfStream: boolean; ids: () => number[] }) => void;
}

export type StreamRunner = (ctx: StreamContext) => Promise<void>;

/** Zendesk refuses a start_time within the last minute; a little margin for clock skew. */
const START_TIME_MARGIN_S = 65;

const seconds = (iso: string | undefined): number | null => {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
};

/**
 * Fetches the next page while the current one is written: the helpdesk (or the network) works on
 * page N+1 during our write of page N. The position for N+1 comes from N's response, which the
 * generator already holds, so nothing is fetched out of order.
 */
async function* lookahead<T>(pages: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = pages.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = pages.next();
      // Its failure surfaces when awaited on the next turn; until then it must not go unhandled.
      next.catch(() => undefined);
      yield current.value;
    }
  } finally {
    await next.catch(() => undefined);
  }
}

function cursorStart(ctx: StreamContext, resource: 'users' | 'tickets'): { cursor?: string; startTime?: number; perPage: number } {
  const cursor = readSyncState(ctx.db, resource)?.cursor ?? null;
  return cursor ? { cursor, perPage: ctx.perPage } : { startTime: 0, perPage: ctx.perPage };
}

function timeStart(ctx: StreamContext, resource: 'organizations' | 'ticket_events'): number {
  const stored = readSyncState(ctx.db, resource)?.endTime ?? 0;
  return Math.max(0, Math.min(stored, ctx.nowSeconds() - START_TIME_MARGIN_S));
}

const IdentityList = z.array(Identity);

/** A page that arrived after cancel is not applied: the stored position is exactly where cancel found it. */
function stopIfCancelled(ctx: StreamContext, resource: string): void {
  if (ctx.signal.aborted) throw new HelpdeskCancelledError(`sync ${resource}`);
}

const users: StreamRunner = async (ctx) => {
  const pages = cursorExportPages(
    ctx.transport,
    {
      spec: {
        method: 'GET',
        template: '/api/v2/incremental/users/cursor',
        query: { include: 'identities' },
        signal: ctx.signal,
      },
      key: 'users',
      item: User,
    },
    cursorStart(ctx, 'users'),
  );
  for await (const page of lookahead(pages)) {
    stopIfCancelled(ctx, 'users');
    const identities = sideloadedIdentities(page.sideloads, (raw) =>
      validate(IdentityList, raw, 'GET /api/v2/incremental/users/cursor', 'identities'),
    );
    const { live, deleted } = splitUsers(page.items);
    const byUser = identities ? groupBy(identities, (i) => i.user_id) : undefined;
    await applyPage(ctx.db, {
      items: live,
      write: (slice, checkpoint) =>
        applyUsersPage(ctx.db, slice, byUser ? slice.flatMap((u) => byUser.get(u.id) ?? []) : undefined, {
          ...checkpoint,
          resource: 'users',
        }),
      deletions: { resource: 'users', records: deleted },
      checkpoint: { cursor: page.afterCursor, endOfStream: page.endOfStream },
      sliceRows: ctx.sliceRows,
    });
    const last = page.items[page.items.length - 1];
    ctx.onPage({
      items: page.items.length,
      position: seconds(last?.updated_at),
      endOfStream: page.endOfStream,
      ids: () => live.map((u) => u.id),
    });
  }
};

const tickets: StreamRunner = async (ctx) => {
  const pages = cursorExportPages(
    ctx.transport,
    { spec: { method: 'GET', template: '/api/v2/incremental/tickets/cursor', signal: ctx.signal }, key: 'tickets', item: Ticket },
    cursorStart(ctx, 'tickets'),
  );
  for await (const page of lookahead(pages)) {
    stopIfCancelled(ctx, 'tickets');
    const { live, deleted } = splitTickets(page.items);
    await applyPage(ctx.db, {
      items: live,
      write: (slice, checkpoint) => applyTicketsPage(ctx.db, slice, { ...checkpoint, resource: 'tickets' }),
      deletions: { resource: 'tickets', records: deleted },
      checkpoint: { cursor: page.afterCursor, endOfStream: page.endOfStream },
      sliceRows: ctx.sliceRows,
    });
    const last = page.items[page.items.length - 1];
    const position = last ? (last.generated_timestamp ?? seconds(last.updated_at)) : null;
    ctx.onPage({ items: page.items.length, position, endOfStream: page.endOfStream, ids: () => live.map((t) => t.id) });
  }
};

const organizations: StreamRunner = async (ctx) => {
  const startTime = timeStart(ctx, 'organizations');
  const pages = timeExportPages(
    ctx.transport,
    {
      spec: { method: 'GET', template: '/api/v2/incremental/organizations', signal: ctx.signal },
      key: 'organizations',
      item: Organization,
    },
    { startTime, perPage: ctx.perPage },
  );
  let requested = startTime;
  for await (const page of lookahead(pages)) {
    stopIfCancelled(ctx, 'organizations');
    const { live, deleted } = splitOrganizations(page.items);
    await applyPage(ctx.db, {
      items: live,
      write: (slice, checkpoint) => applyOrganizationsPage(ctx.db, slice, { ...checkpoint, resource: 'organizations' }),
      deletions: { resource: 'organizations', records: deleted },
      checkpoint: { startTime: requested, endTime: page.endTime ?? requested, endOfStream: page.endOfStream },
      sliceRows: ctx.sliceRows,
    });
    requested = page.endTime ?? requested;
    ctx.onPage({ items: page.items.length, position: page.endTime, endOfStream: page.endOfStream, ids: () => live.map((o) => o.id) });
  }
};

const ticketEvents: StreamRunner = async (ctx) => {
  const startTime = timeStart(ctx, 'ticket_events');
  const pages = timeExportPages(
    ctx.transport,
    {
      spec: {
        method: 'GET',
        template: '/api/v2/incremental/ticket_events',
        query: { include: 'comment_events' },
        signal: ctx.signal,
      },
      key: 'ticket_events',
      item: TicketEvent,
    },
    { startTime, perPage: ctx.perPage },
  );
  let requested = startTime;
  for await (const page of lookahead(pages)) {
    stopIfCancelled(ctx, 'ticketEvents');
    const comments = commentsOf(page.items);
    await applyPage(ctx.db, {
      items: comments,
      write: (slice, checkpoint) => applyTicketEventsPage(ctx.db, slice, { ...checkpoint, resource: 'ticket_events' }),
      deletions: { resource: 'comments', records: [] },
      checkpoint: { startTime: requested, endTime: page.endTime ?? requested, endOfStream: page.endOfStream },
      sliceRows: ctx.sliceRows,
    });
    requested = page.endTime ?? requested;
    ctx.onPage({ items: comments.length, position: page.endTime, endOfStream: page.endOfStream, ids: () => comments.map((c) => c.id) });
  }
};

export const STREAM_RUNNERS: Record<SyncStream, StreamRunner> = {
  users,
  organizations,
  tickets,
  ticket_events: ticketEvents,
};

function groupBy<T>(items: readonly T[], key: (item: T) => number): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
