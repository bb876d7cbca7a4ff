import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { z } from 'zod';
import type { SyncStream } from '../../../shared/contract/groups/sync';
import {
  applyOrganizationsPage,
  applyTicketEventsPage,
  applyTicketsPage,
  applyUsersPage,
  readSyncState,
  type CommentRecord,
  type DeletableResource,
  type IdentityRecord,
  type OrganizationRecord,
  type PageCheckpoint,
  type SqliteDb,
  type SyncResource,
  type TicketRecord,
  type UserRecord,
} from '../db';
import { HelpdeskCancelledError, Identity, Organization, Ticket, TicketEvent, User } from '../helpdesk';
import type { HelpdeskTransport } from '../helpdesk/transport';
import {
  incrementalCursorPages,
  incrementalTimePages,
  type IncrementalCursorStart,
  type IncrementalTimePage,
} from '../helpdesk/pagination';
import { validate } from '../helpdesk/transport';
import { PageTransaction, pageSlices } from './apply-page';
import { readAhead } from './read-ahead';
import { commentsOf, sideloadedIdentities, splitOrganizations, splitTickets, splitUsers } from './map-records';

/**
 * One export stream each: where it resumes (the position stored with the last applied page), how
 * its pages are fetched and become records, and how those are written. Users and tickets use the
 * cursor exports; organizations and ticket events only have time-based ones (resumed from end_time).
 * Fetching and writing are apart so that they can run on two threads (see page-fetcher.ts).
 */

export interface StreamContext {
  db: SqliteDb;
  /** Where the pages come from: this thread (localPages) or a fetching thread (page-fetcher.ts). */
  pages: PageSource;
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
/** Export pages fetched ahead of the one being written, when the writer's thread fetches them (see read-ahead.ts). */
const READ_AHEAD = 2;

/**
 * Pages of `source` fetched ahead of the writer. Only for a source on the writer's own thread: a
 * fetching thread keeps its own pages ahead (page-fetcher.ts FETCH_AHEAD), and read ahead again
 * here they would be held twice over (at 1M tickets, tens of megabytes of the writer's heap).
 */
export function fetchedAhead(source: PageSource): PageSource {
  return (stream, start, perPage) => readAhead(source(stream, start, perPage), READ_AHEAD);
}

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
async function drain<P>(ctx: StreamContext, resource: string, pages: AsyncGenerator<P>, prepare: (page: P) => PreparedPage): Promise<void> {
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
const IdentityList = z.array(Identity);

/** A page that arrived after cancel is not applied: the stored position is exactly where cancel found it. */
function stopIfCancelled(ctx: StreamContext, resource: string): void {
  if (ctx.signal.aborted) throw new HelpdeskCancelledError(`sync ${resource}`);
}

/**
 * An export page as the writer needs it, and nothing more: the records to keep, the ones that left,
 * the position to store with them and what progress reports. Plain data, because a fetching thread
 * (page-fetcher.ts) makes it and the writer's thread receives it: decoding, JSON, validation and
 * mapping stay on the fetching side, and what crosses is a quarter of the page's JSON.
 */
export interface FetchedPage<T> {
  live: T[];
  deleted: Array<{ id: number; at: string }>;
  checkpoint: Omit<PageCheckpoint, 'resource' | 'now'>;
  /** The users export's identities sideload (see sideloadedIdentities). */
  identities?: IdentityRecord[];
  /** What the page reports once committed: its item count and the time it reached. */
  items: number;
  position: number | null;
  endOfStream: boolean;
}

/** Where a stream resumes: read from the cache by the writer, handed to whoever fetches. */
export interface StreamStart {
  cursor?: string;
  startTime?: number;
}

export interface FetchOptions {
  perPage: number;
  signal: AbortSignal;
  /** Validate in slices with a turn of the event loop between them (see IncrementalCursorStart.validateSlice). */
  validateSlice?: number;
}

/** Fetches a stream's pages from `start`: in this thread (localPages) or in a fetching thread (page-fetcher.ts). */
export type PageSource = (stream: SyncStream, start: StreamStart, perPage: number) => AsyncGenerator<FetchedPage<unknown>>;

interface StreamPlan<T> {
  start: (ctx: StreamContext) => StreamStart;
  fetch: (transport: HelpdeskTransport, start: StreamStart, options: FetchOptions) => AsyncGenerator<FetchedPage<T>>;
  write: (db: SqliteDb, items: readonly T[], page: FetchedPage<T>, checkpoint: PageCheckpoint) => void;
  deletable: DeletableResource;
}

function cursorStart(ctx: StreamContext, resource: 'users' | 'tickets'): StreamStart {
  const cursor = readSyncState(ctx.db, resource)?.cursor ?? null;
  return cursor ? { cursor } : { startTime: 0 };
}

function timeStart(ctx: StreamContext, resource: 'organizations' | 'ticket_events'): StreamStart {
  const stored = readSyncState(ctx.db, resource)?.endTime ?? 0;
  return { startTime: Math.max(0, Math.min(stored, ctx.nowSeconds() - START_TIME_MARGIN_S)) };
}

const cursorFrom = (start: StreamStart, options: FetchOptions): IncrementalCursorStart => ({
  ...(start.cursor !== undefined ? { cursor: start.cursor } : { startTime: start.startTime ?? 0 }),
  perPage: options.perPage,
  ...(options.validateSlice !== undefined ? { validateSlice: options.validateSlice } : {}),
});

const timeFrom = (start: StreamStart, options: FetchOptions): { startTime: number; perPage: number; validateSlice?: number } => ({
  startTime: start.startTime ?? 0,
  perPage: options.perPage,
  ...(options.validateSlice !== undefined ? { validateSlice: options.validateSlice } : {}),
});

const users: StreamPlan<UserRecord> = {
  start: (ctx) => cursorStart(ctx, 'users'),
  async *fetch(transport, start, options) {
    const pages = incrementalCursorPages(
      transport,
      {
        spec: {
          method: 'GET',
          template: '/api/v2/incremental/users/cursor',
          query: { include: 'identities' },
          signal: options.signal,
        },
        key: 'users',
        item: User,
      },
      cursorFrom(start, options),
    );
    for await (const page of pages) {
      const identities = sideloadedIdentities(page.sideloads, (raw) =>
        validate(IdentityList, raw, 'GET /api/v2/incremental/users/cursor', 'identities'),
      );
      const { live, deleted } = splitUsers(page.items);
      const last = page.items[page.items.length - 1];
      yield {
        live,
        deleted,
        checkpoint: { cursor: page.afterCursor, endOfStream: page.endOfStream },
        ...(identities ? { identities } : {}),
        items: page.items.length,
        position: seconds(last?.updated_at),
        endOfStream: page.endOfStream,
      };
    }
  },
  write: (db, items, page, checkpoint) => applyUsersPage(db, items, page.identities, checkpoint),
  deletable: 'users',
};

const tickets: StreamPlan<TicketRecord> = {
  start: (ctx) => cursorStart(ctx, 'tickets'),
  async *fetch(transport, start, options) {
    const pages = incrementalCursorPages(
      transport,
      { spec: { method: 'GET', template: '/api/v2/incremental/tickets/cursor', signal: options.signal }, key: 'tickets', item: Ticket },
      cursorFrom(start, options),
    );
    for await (const page of pages) {
      const { live, deleted } = splitTickets(page.items);
      const last = page.items[page.items.length - 1];
      yield {
        live,
        deleted,
        checkpoint: { cursor: page.afterCursor, endOfStream: page.endOfStream },
        items: page.items.length,
        position: last ? (last.generated_timestamp ?? seconds(last.updated_at)) : null,
        endOfStream: page.endOfStream,
      };
    }
  },
  write: (db, items, _page, checkpoint) => applyTicketsPage(db, items, checkpoint),
  deletable: 'tickets',
};

/**
 * Each page of a time export with the position stored with it: the start_time it was requested
 * with and the end_time it returned (the next page's start).
 */
async function* withTimeCheckpoints<T>(
  pages: AsyncGenerator<IncrementalTimePage<T>>,
  start: StreamStart,
): AsyncGenerator<{ page: IncrementalTimePage<T>; checkpoint: FetchedPage<T>['checkpoint'] }> {
  let requested = start.startTime ?? 0;
  for await (const page of pages) {
    yield { page, checkpoint: { startTime: requested, endTime: page.endTime ?? requested, endOfStream: page.endOfStream } };
    requested = page.endTime ?? requested;
  }
}

const organizations: StreamPlan<OrganizationRecord> = {
  start: (ctx) => timeStart(ctx, 'organizations'),
  async *fetch(transport, start, options) {
    const pages = incrementalTimePages(
      transport,
      {
        spec: { method: 'GET', template: '/api/v2/incremental/organizations', signal: options.signal },
        key: 'organizations',
        item: Organization,
      },
      timeFrom(start, options),
    );
    for await (const { page, checkpoint } of withTimeCheckpoints(pages, start)) {
      const { live, deleted } = splitOrganizations(page.items);
      yield { live, deleted, checkpoint, items: page.items.length, position: page.endTime, endOfStream: page.endOfStream };
    }
  },
  write: (db, items, _page, checkpoint) => applyOrganizationsPage(db, items, checkpoint),
  deletable: 'organizations',
};

const ticketEvents: StreamPlan<CommentRecord> = {
  start: (ctx) => timeStart(ctx, 'ticket_events'),
  async *fetch(transport, start, options) {
    const pages = incrementalTimePages(
      transport,
      {
        spec: {
          method: 'GET',
          template: '/api/v2/incremental/ticket_events',
          query: { include: 'comment_events' },
          signal: options.signal,
        },
        key: 'ticket_events',
        item: TicketEvent,
      },
      timeFrom(start, options),
    );
    for await (const { page, checkpoint } of withTimeCheckpoints(pages, start)) {
      // In id order: FTS5 flushes its pending index to a new segment whenever a document's rowid is
      // lower than the one before it in the transaction, and the export delivers comments by creation
      // time across tickets, so in arrival order a page's comments made a segment per ticket or so.
      // bench/sync.ts (medium, calls sent ahead): the ticket events' writes 36.5 s, 32.0 s sorted.
      // A stable sort: a comment twice in a page keeps its last version.
      const comments = commentsOf(page.items).sort((a, b) => a.id - b.id);
      yield { live: comments, deleted: [], checkpoint, items: comments.length, position: page.endTime, endOfStream: page.endOfStream };
    }
  },
  write: (db, items, _page, checkpoint) => applyTicketEventsPage(db, items, checkpoint),
  deletable: 'comments',
};

// Each plan's record type is its own: runStream hands a plan's pages back to the same plan's write.
const PLANS = { users, organizations, tickets, ticket_events: ticketEvents } as unknown as Record<SyncStream, StreamPlan<unknown>>;

/**
 * Fetches in this thread: the sync run in-process (tests, the crash child) and, through
 * page-fetcher.ts, the fetching thread itself. Validation is sliced only when asked, for a thread
 * that also has other work to turn to.
 */
export function localPages(transport: HelpdeskTransport, signal: AbortSignal, validateSlice?: number): PageSource {
  return (stream, start, perPage) =>
    PLANS[stream].fetch(transport, start, {
      perPage,
      signal,
      ...(validateSlice !== undefined ? { validateSlice } : {}),
    });
}

/** Export pages are validated in slices of this many items when fetched on the writer's own thread. */
export const VALIDATE_SLICE = 100;

/** Runs one export stream: from its stored position, each fetched page written (see drain). */
export async function runStream(ctx: StreamContext, stream: SyncStream): Promise<void> {
  const plan = PLANS[stream];
  // Each stream stores its position under its own name.
  const resource: SyncResource = stream;
  const source = ctx.pages(stream, plan.start(ctx), ctx.perPage);
  await drain(ctx, stream === 'ticket_events' ? 'ticketEvents' : stream, source, (page) => ({
    writes: pageSlices(
      ctx.db,
      {
        items: page.live,
        write: (items, checkpoint) => plan.write(ctx.db, items, page, { ...checkpoint, resource }),
        deletions: { resource: plan.deletable, records: page.deleted },
        checkpoint: page.checkpoint,
      },
      WRITE_SLICE,
    ),
    ack: { items: page.items, position: page.position, endOfStream: page.endOfStream, ids: idsOf(page.live as Array<{ id: number }>) },
  }));
}
