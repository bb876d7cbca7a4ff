import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { z } from 'zod';
import { HelpdeskBadResponseError } from './errors';
import { CursorPageMeta, IncrementalCursorPageMeta, IncrementalTimePageMeta, OffsetPageMeta } from './schemas';
import { operationOf, validate, type CallSpec, type HelpdeskTransport } from './transport';

/** Top-level keys of a page that are neither the items nor the wrapper: the sideloads (`users`, …). */
export type Sideloads = Record<string, unknown>;

export interface CursorPage<T> {
  items: T[];
  hasMore: boolean;
  afterCursor: string | null;
  sideloads: Sideloads;
}

export interface OffsetPage<T> {
  items: T[];
  nextPage: string | null;
  count: number | null;
  sideloads: Sideloads;
}

export interface IncrementalCursorPage<T> {
  items: T[];
  /** Persist this with the page: the next sync resumes from it (`cursor=`). */
  afterCursor: string | null;
  endOfStream: boolean;
  sideloads: Sideloads;
}

export interface IncrementalTimePage<T> {
  items: T[];
  /** Persist this with the page: the next sync resumes with `start_time=endTime`. */
  endTime: number | null;
  nextPage: string | null;
  endOfStream: boolean;
  sideloads: Sideloads;
}

const WRAPPER_KEYS = new Set([
  'meta',
  'links',
  'next_page',
  'previous_page',
  'count',
  'after_cursor',
  'after_url',
  'before_cursor',
  'before_url',
  'end_of_stream',
  'end_time',
  'facets',
]);

interface Listing<T> {
  spec: CallSpec;
  /** The array key: `tickets`, `users`, `results`… */
  key: string;
  item: z.ZodType<T>;
}

interface FetchedPage<W> {
  wrapper: W;
  record: Record<string, unknown>;
  operation: string;
}

/** Sends one page's call and validates its wrapper, which says where the next page is. */
async function fetchWrapped<T, W extends z.ZodType>(
  transport: HelpdeskTransport,
  listing: Listing<T>,
  spec: CallSpec,
  wrapper: W,
): Promise<FetchedPage<z.output<W>>> {
  const operation = operationOf(spec);
  const body = await transport.json(spec);
  const meta = validate(wrapper, body, operation, listing.key);
  return { wrapper: meta, record: body as Record<string, unknown>, operation };
}

/**
 * A fetched page's items and sideloads: the item array is validated apart from the wrapper, so a
 * bad row is named as `tickets.412.requester_id` (its index in the whole page, also when sliced).
 * The array is validated in one pass (no per-row calls), or with `slice` in slices of that many
 * items with a turn of the event loop between them: see `validateSlice`.
 */
async function itemsOfPage<T, W>(
  listing: Listing<T>,
  page: FetchedPage<W>,
  slice = Infinity,
): Promise<{ wrapper: W; items: T[]; sideloads: Sideloads }> {
  const { record, operation } = page;
  const raw = record[listing.key];
  if (!Array.isArray(raw)) throw new HelpdeskBadResponseError(operation, listing.key, [listing.key]);
  const schema = z.array(listing.item);
  const items: T[] = [];
  for (let start = 0; start < raw.length; start += slice) {
    if (start > 0) await yieldToLoop();
    const result = schema.safeParse(raw.slice(start, start + slice));
    if (!result.success) {
      const fields = result.error.issues.map((issue) => {
        const [index, ...rest] = issue.path.map(String);
        return [listing.key, String(Number(index) + start), ...rest].join('.');
      });
      throw new HelpdeskBadResponseError(operation, listing.key, [...new Set(fields)].slice(0, 8));
    }
    for (const item of result.data) items.push(item);
  }
  const sideloads: Sideloads = {};
  for (const key of Object.keys(record)) {
    if (key !== listing.key && !WRAPPER_KEYS.has(key)) sideloads[key] = record[key];
  }
  return { wrapper: page.wrapper, items, sideloads };
}

/** Reads one page: its wrapper, then its items (see itemsOfPage). */
async function fetchPage<T, W extends z.ZodType>(
  transport: HelpdeskTransport,
  listing: Listing<T>,
  spec: CallSpec,
  wrapper: W,
  slice = Infinity,
): Promise<{ wrapper: z.output<W>; items: T[]; sideloads: Sideloads }> {
  return itemsOfPage(listing, await fetchWrapped(transport, listing, spec, wrapper), slice);
}

/**
 * The pages of an export, each requested as soon as the wrapper of the one before it has been read.
 * An export's page N+1 is addressed by N's cursor or end time, so the helpdesk cannot start on it
 * before N has arrived; sending its call before N's items are validated and handed on lets the
 * helpdesk build N+1 while Lethe validates and writes N. bench/sync.ts (medium): the ticket events
 * stream waited 40 s of its 72 s for pages when the next call went out only after N was validated,
 * slice by slice between the writer's slices.
 *
 * At most one call runs ahead. If N's items fail validation, or the consumer stops early, the call
 * already sent for N+1 is aborted and its outcome dropped: it only ever reads.
 */
async function* chainedPages<T, W extends z.ZodType, P>(
  transport: HelpdeskTransport,
  listing: Listing<T>,
  first: CallSpec,
  wrapper: W,
  slice: number | undefined,
  /** The call for the page after this one, or null when this is the last. */
  following: (page: z.output<W>) => CallSpec | null,
  toPage: (page: { wrapper: z.output<W>; items: T[]; sideloads: Sideloads }) => P,
): AsyncGenerator<P> {
  const send = (spec: CallSpec): { controller: AbortController; page: Promise<FetchedPage<z.output<W>>> } => {
    const controller = new AbortController();
    const signal = spec.signal ? AbortSignal.any([spec.signal, controller.signal]) : controller.signal;
    const page = fetchWrapped(transport, listing, { ...spec, signal }, wrapper);
    // Its failure surfaces when awaited; an abandoned one must not go unhandled.
    page.catch(() => undefined);
    return { controller, page };
  };
  let inFlight: ReturnType<typeof send> | null = send(first);
  try {
    while (inFlight) {
      const fetched = await inFlight.page;
      const next = following(fetched.wrapper);
      inFlight = next ? send(next) : null;
      yield toPage(await itemsOfPage(listing, fetched, slice));
    }
  } finally {
    if (inFlight) {
      inFlight.controller.abort();
      await inFlight.page.catch(() => undefined);
    }
  }
}

/** CBP: `page[size]`, then `links.next` while `meta.has_more`. */
export async function* cursorPages<T>(transport: HelpdeskTransport, listing: Listing<T>, pageSize: number): AsyncGenerator<CursorPage<T>> {
  let spec: CallSpec = { ...listing.spec, query: { ...listing.spec.query, 'page[size]': pageSize } };
  for (;;) {
    const page = await fetchPage(transport, listing, spec, CursorPageMeta);
    const hasMore = page.wrapper.meta.has_more;
    yield { items: page.items, hasMore, afterCursor: page.wrapper.meta.after_cursor ?? null, sideloads: page.sideloads };
    const next = page.wrapper.links.next;
    if (!hasMore || !next) return;
    spec = { ...listing.spec, url: next };
  }
}

/** OBP: `per_page`, then `next_page` until null. */
export async function* offsetPages<T>(transport: HelpdeskTransport, listing: Listing<T>, perPage: number): AsyncGenerator<OffsetPage<T>> {
  let spec: CallSpec = { ...listing.spec, query: { ...listing.spec.query, per_page: perPage } };
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(transport, listing, spec, OffsetPageMeta);
    const next = page.wrapper.next_page ?? null;
    yield { items: page.items, nextPage: next, count: page.wrapper.count ?? null, sideloads: page.sideloads };
    if (!next || seen.has(next)) return;
    seen.add(next);
    spec = { ...listing.spec, url: next };
  }
}

export interface IncrementalCursorStart {
  /** Epoch seconds, first sync only. */
  startTime?: number;
  /** A persisted `after_cursor`, to resume. Wins over `startTime`. */
  cursor?: string;
  perPage?: number;
  /**
   * Validate a page's items in slices of this many, with a turn of the event loop between them.
   * The sync in the UI's process asks for it: measured on the simulator (child process, 1,000
   * ticket events with comment bodies per page), JSON.parse takes 25-35 ms, but validating the
   * whole array in one pass blocked the loop for 130-290 ms, over the 100 ms budget of the process
   * that serves the UI. Default: the whole page in one pass.
   */
  validateSlice?: number;
}

/**
 * Incremental cursor export: `start_time` or `cursor`, then `cursor=after_cursor` until
 * `end_of_stream`. Each page carries its `after_cursor` so the caller can store it in the same
 * transaction as the rows.
 */
export function incrementalCursorPages<T>(
  transport: HelpdeskTransport,
  listing: Listing<T>,
  start: IncrementalCursorStart,
): AsyncGenerator<IncrementalCursorPage<T>> {
  const base = { ...listing.spec.query, ...(start.perPage ? { per_page: start.perPage } : {}) };
  const query: CallSpec['query'] =
    start.cursor !== undefined ? { ...base, cursor: start.cursor } : { ...base, start_time: start.startTime ?? 0 };
  return chainedPages(
    transport,
    listing,
    { ...listing.spec, query, export: true },
    IncrementalCursorPageMeta,
    start.validateSlice,
    (wrapper) =>
      wrapper.end_of_stream || !wrapper.after_cursor
        ? null
        : { ...listing.spec, query: { ...base, cursor: wrapper.after_cursor }, export: true },
    (page) => ({
      items: page.items,
      afterCursor: page.wrapper.after_cursor ?? null,
      endOfStream: page.wrapper.end_of_stream,
      sideloads: page.sideloads,
    }),
  );
}

/** Incremental time export: `start_time`, then `next_page` until `end_of_stream`. */
export function incrementalTimePages<T>(
  transport: HelpdeskTransport,
  listing: Listing<T>,
  start: { startTime: number; perPage?: number; validateSlice?: number },
): AsyncGenerator<IncrementalTimePage<T>> {
  let previous = '';
  return chainedPages(
    transport,
    listing,
    {
      ...listing.spec,
      query: { ...listing.spec.query, start_time: start.startTime, ...(start.perPage ? { per_page: start.perPage } : {}) },
      export: true,
    },
    IncrementalTimePageMeta,
    start.validateSlice,
    (wrapper) => {
      const next = wrapper.next_page ?? null;
      // A next_page equal to the one just read would loop forever (same end_time, nothing new).
      if (wrapper.end_of_stream || !next || next === previous) return null;
      previous = next;
      return { ...listing.spec, url: next, export: true };
    },
    (page) => ({
      items: page.items,
      endTime: page.wrapper.end_time ?? null,
      nextPage: page.wrapper.next_page ?? null,
      endOfStream: page.wrapper.end_of_stream,
      sideloads: page.sideloads,
    }),
  );
}

/** Flattens any page iterator into its items. */
export async function* itemsOf<T>(pages: AsyncIterable<{ items: T[] }>): AsyncGenerator<T> {
  for await (const page of pages) yield* page.items;
}

/** Collects every item (for small listings: identities, memberships of one user). */
export async function collect<T>(pages: AsyncIterable<{ items: T[] }>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page.items);
  return all;
}
