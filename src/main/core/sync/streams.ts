import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { z } from 'zod';
import type { SyncStream } from '../../../shared/contract/groups/sync';
import { applyOrganizationsPage, applyTicketEventsPage, applyTicketsPage, applyUsersPage, readSyncState, type SqliteDb } from '../db';
import { HelpdeskCancelledError, Identity, Organization, Ticket, TicketEvent, User } from '../helpdesk';
import type { HelpdeskTransport } from '../helpdesk/transport';
import { incrementalCursorPages, incrementalTimePages } from '../helpdesk/pagination';
import { validate } from '../helpdesk/transport';
import { PageTransaction, pageSlices } from './apply-page';
import { readAhead } from './read-ahead';
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
  /** At most this many export pages per transaction (see apply-page.ts). */
  pagesPerTransaction: number;
  /**
   * How long a transaction stays open for more pages after its first. Against Zendesk's 10
   * exports a minute the next page is seconds away, so each page commits (and shows as progress)
   * after this short wait; when pages come fast they fill the transaction. It also bounds how long
   * another connection (the main thread's) may wait for the write lock.
   */
  holdMs: number;
  /**
   * Awaited before a transaction opens, never while one is open: the worker waits there until the
   * main thread has seen its last events, so a cancel sent in answer to one is seen before
   * anything new is written.
   */
  beforeTransaction?: () => Promise<void> | void;
  /** The helpdesk's clock is not ours: time exports must start at least a minute in the past. */
  nowSeconds: () => number;
  /** Called after each page is committed, with its item count and the time it reached. */
  onPage: (page: PageAck) => void;
}

export interface PageAck {
  items: number;
  position: number | null;
  endOfStream: boolean;
  ids: () => number[];
}

export type StreamRunner = (ctx: StreamContext) => Promise<void>;

/** Zendesk refuses a start_time within the last minute; a little margin for clock skew. */
const START_TIME_MARGIN_S = 65;

const seconds = (iso: string | undefined): number | null => {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
};

interface PreparedPage {
  /** The page's writes in order (pageSlices); the sync's thread turns its event loop between them. */
  writes: Array<() => void>;
  ack: PageAck;
}

/**
 * A page's ids, taken now: the acknowledgement waits for its transaction's commit (up to ten pages
 * later), and a closure over the records kept every page's parsed records alive until then.
 */
function idsOf(records: ReadonlyArray<{ id: number }>): () => number[] {
  const ids = records.map((r) => r.id);
  return () => ids;
}

/** Items per write slice: about 10-25 ms of writing, so a page that arrives meanwhile is taken in promptly. */
const WRITE_SLICE = 250;
/** Export pages fetched ahead of the one being written (see read-ahead.ts). */
const READ_AHEAD = 2;

/** Resolves true when `pending` settles within `ms`, false otherwise. */
async function settlesWithin(pending: Promise<unknown>, ms: number): Promise<boolean> {
  if (ms <= 0) return false;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)));
  try {
    return await Promise.race([
      pending.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Fetches the next page while the current one is written: the helpdesk (or the network) works on
 * page N+1 during our write. The position for N+1 comes from N's response, which the generator
 * already holds, so nothing is fetched out of order. Each page is written into the open
 * transaction as it arrives; the transaction commits after `pagesPerTransaction` pages, or once it
 * has been open `holdMs` (see apply-page.ts), and progress is reported per page after its commit.
 * A stream that fails commits the whole pages it already wrote; a cancelled one does not, so the
 * stored position is exactly that of the last page reported.
 */
async function drain<P>(
  ctx: StreamContext,
  resource: string,
  source: AsyncGenerator<P>,
  prepare: (page: P) => PreparedPage,
): Promise<void> {
  const transaction = new PageTransaction(ctx.db);
  let written: PageAck[] = [];
  const commit = (): void => {
    if (!transaction.open) return;
    if (ctx.signal.aborted) transaction.rollback();
    stopIfCancelled(ctx, resource);
    transaction.commit();
    const committed = written;
    written = [];
    for (const ack of committed) ctx.onPage(ack);
  };
  const pages = readAhead(source, READ_AHEAD);
  let next = pages.next();
  // Its failure surfaces when awaited; until then it must not go unhandled.
  next.catch(() => undefined);
  try {
    for (;;) {
      const current = await next;
      if (current.done) break;
      next = pages.next();
      next.catch(() => undefined);
      const page = prepare(current.value);
      // Not while holding the write lock: the main thread may be waiting for it.
      if (!transaction.open) await ctx.beforeTransaction?.();
      if (ctx.signal.aborted) transaction.rollback();
      stopIfCancelled(ctx, resource);
      for (const [index, write] of page.writes.entries()) {
        if (index > 0) await yieldToLoop();
        transaction.write(write);
      }
      written.push(page.ack);
      if (written.length < ctx.pagesPerTransaction && (await settlesWithin(next, ctx.holdMs - transaction.ageMs))) continue;
      commit();
    }
    commit();
  } catch (error) {
    // The pages written are whole and valid (a failed write rolled back already): keep them, the
    // stream stops after them.
    if (!ctx.signal.aborted && transaction.open) {
      try {
        commit();
      } catch {
        // The original failure is the one to report.
      }
    }
    throw error;
  } finally {
    transaction.rollback();
    await next.catch(() => undefined);
    await pages.return(undefined);
  }
}

/** Export pages are validated in slices of this many items (why: IncrementalCursorStart.validateSlice). */
const VALIDATE_SLICE = 100;

function cursorStart(
  ctx: StreamContext,
  resource: 'users' | 'tickets',
): { cursor?: string; startTime?: number; perPage: number; validateSlice: number } {
  const cursor = readSyncState(ctx.db, resource)?.cursor ?? null;
  return cursor
    ? { cursor, perPage: ctx.perPage, validateSlice: VALIDATE_SLICE }
    : { startTime: 0, perPage: ctx.perPage, validateSlice: VALIDATE_SLICE };
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
  const pages = incrementalCursorPages(
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
  await drain(ctx, 'users', pages, (page) => {
    const identities = sideloadedIdentities(page.sideloads, (raw) =>
      validate(IdentityList, raw, 'GET /api/v2/incremental/users/cursor', 'identities'),
    );
    const { live, deleted } = splitUsers(page.items);
    const last = page.items[page.items.length - 1];
    return {
      writes: pageSlices(
        ctx.db,
        {
          items: live,
          write: (items, checkpoint) => applyUsersPage(ctx.db, items, identities, { ...checkpoint, resource: 'users' }),
          deletions: { resource: 'users', records: deleted },
          checkpoint: { cursor: page.afterCursor, endOfStream: page.endOfStream },
        },
        WRITE_SLICE,
      ),
      ack: {
        items: page.items.length,
        position: seconds(last?.updated_at),
        endOfStream: page.endOfStream,
        ids: idsOf(live),
      },
    };
  });
};

const tickets: StreamRunner = async (ctx) => {
  const pages = incrementalCursorPages(
    ctx.transport,
    { spec: { method: 'GET', template: '/api/v2/incremental/tickets/cursor', signal: ctx.signal }, key: 'tickets', item: Ticket },
    cursorStart(ctx, 'tickets'),
  );
  await drain(ctx, 'tickets', pages, (page) => {
    const { live, deleted } = splitTickets(page.items);
    const last = page.items[page.items.length - 1];
    return {
      writes: pageSlices(
        ctx.db,
        {
          items: live,
          write: (items, checkpoint) => applyTicketsPage(ctx.db, items, { ...checkpoint, resource: 'tickets' }),
          deletions: { resource: 'tickets', records: deleted },
          checkpoint: { cursor: page.afterCursor, endOfStream: page.endOfStream },
        },
        WRITE_SLICE,
      ),
      ack: {
        items: page.items.length,
        position: last ? (last.generated_timestamp ?? seconds(last.updated_at)) : null,
        endOfStream: page.endOfStream,
        ids: idsOf(live),
      },
    };
  });
};

const organizations: StreamRunner = async (ctx) => {
  const startTime = timeStart(ctx, 'organizations');
  const pages = incrementalTimePages(
    ctx.transport,
    {
      spec: { method: 'GET', template: '/api/v2/incremental/organizations', signal: ctx.signal },
      key: 'organizations',
      item: Organization,
    },
    { startTime, perPage: ctx.perPage, validateSlice: VALIDATE_SLICE },
  );
  let requested = startTime;
  await drain(ctx, 'organizations', pages, (page) => {
    const { live, deleted } = splitOrganizations(page.items);
    const checkpoint = { startTime: requested, endTime: page.endTime ?? requested, endOfStream: page.endOfStream };
    requested = page.endTime ?? requested;
    return {
      writes: pageSlices(
        ctx.db,
        {
          items: live,
          write: (items, cp) => applyOrganizationsPage(ctx.db, items, { ...cp, resource: 'organizations' }),
          deletions: { resource: 'organizations', records: deleted },
          checkpoint,
        },
        WRITE_SLICE,
      ),
      ack: { items: page.items.length, position: page.endTime, endOfStream: page.endOfStream, ids: idsOf(live) },
    };
  });
};

const ticketEvents: StreamRunner = async (ctx) => {
  const startTime = timeStart(ctx, 'ticket_events');
  const pages = incrementalTimePages(
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
    { startTime, perPage: ctx.perPage, validateSlice: VALIDATE_SLICE },
  );
  let requested = startTime;
  await drain(ctx, 'ticketEvents', pages, (page) => {
    // In id order: FTS5 flushes its pending index to a new segment whenever a document's rowid is
    // lower than the one before it in the transaction, and the export delivers comments by creation
    // time across tickets, so in arrival order a page's comments made a segment per ticket or so.
    // bench/sync.ts (medium, calls sent ahead): the ticket events' writes 36.5 s, 32.0 s sorted.
    // A stable sort: a comment twice in a page keeps its last version.
    const comments = commentsOf(page.items).sort((a, b) => a.id - b.id);
    const checkpoint = { startTime: requested, endTime: page.endTime ?? requested, endOfStream: page.endOfStream };
    requested = page.endTime ?? requested;
    return {
      writes: pageSlices(
        ctx.db,
        {
          items: comments,
          write: (items, cp) => applyTicketEventsPage(ctx.db, items, { ...cp, resource: 'ticket_events' }),
          deletions: { resource: 'comments', records: [] },
          checkpoint,
        },
        WRITE_SLICE,
      ),
      ack: { items: comments.length, position: page.endTime, endOfStream: page.endOfStream, ids: idsOf(comments) },
    };
  });
};

export const STREAM_RUNNERS: Record<SyncStream, StreamRunner> = {
  users,
  organizations,
  tickets,
  ticket_events: ticketEvents,
};
