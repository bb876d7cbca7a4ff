import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HelpdeskBadResponseError } from './errors';
import { incrementalCursorPages, incrementalTimePages } from './pagination';
import { RateLimitScheduler } from './scheduler';
import { HelpdeskTransport } from './transport';

/**
 * The export paginators against a real HTTP server: each page's call goes out as soon as the
 * previous page's wrapper is read (before its items are validated or consumed), and a call sent
 * ahead is given up (aborted, not awaited) when the consumer stops or a page fails validation.
 */

interface Call {
  start: string | null;
  cursor: string | null;
}

interface Fake {
  url: string;
  calls: Call[];
  /** Resolves when the server has received its nth call (1-based). */
  received(n: number): Promise<Call>;
  /** Holds answers to the calls from the nth on until release(). */
  holdFrom(n: number): void;
  release(): void;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Three pages of two items each; `bad` puts an item that fails validation on the page at that index. */
async function startExport(kind: 'time' | 'cursor', options: { bad?: number } = {}): Promise<Fake> {
  const calls: Call[] = [];
  const waiters: Array<{ n: number; resolve: (c: Call) => void }> = [];
  let holdFrom = Infinity;
  let released: () => void = () => undefined;
  let gate = Promise.resolve();
  const body = (index: number, base: string): unknown => {
    const items = [0, 1].map((k) => ({ id: index * 10 + k, name: options.bad === index && k === 1 ? 42 : `item ${index * 10 + k}` }));
    const last = index === 2;
    return kind === 'time'
      ? {
          ticket_events: items,
          count: 2,
          end_time: 1000 + index,
          next_page: last ? null : `${base}/api/v2/incremental/ticket_events.json?start_time=${1000 + index}`,
          end_of_stream: last,
        }
      : { tickets: items, after_cursor: last ? null : `c${index + 1}`, end_of_stream: last };
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const call: Call = { start: url.searchParams.get('start_time'), cursor: url.searchParams.get('cursor') };
    calls.push(call);
    for (const w of waiters.filter((w) => w.n === calls.length)) w.resolve(call);
    const index = kind === 'time' ? Number(call.start) - 999 : call.cursor ? Number(call.cursor.slice(1)) : 0;
    const send = (): void => {
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body(index, `http://${req.headers.host}`)));
    };
    if (calls.length >= holdFrom) void gate.then(send);
    else send();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    received: (n) => (calls[n - 1] ? Promise.resolve(calls[n - 1]!) : new Promise((resolve) => waiters.push({ n, resolve }))),
    holdFrom(n) {
      holdFrom = n;
      gate = new Promise((resolve) => (released = resolve));
    },
    release: () => released(),
  };
}

const Item = z.looseObject({ id: z.number(), name: z.string() });

function transportFor(fake: Fake): HelpdeskTransport {
  return new HelpdeskTransport(
    { baseUrl: fake.url, email: 'agent@example.test', token: 'pagination-test-token' },
    { scheduler: new RateLimitScheduler({ requestsPerMinute: 1e9, exportRequestsPerMinute: 1e9 }), maxAttempts: 1 },
  );
}

const timePages = (fake: Fake) =>
  incrementalTimePages(
    transportFor(fake),
    { spec: { method: 'GET', template: '/api/v2/incremental/ticket_events' }, key: 'ticket_events', item: Item },
    { startTime: 999 },
  );

const cursorPages = (fake: Fake) =>
  incrementalCursorPages(
    transportFor(fake),
    { spec: { method: 'GET', template: '/api/v2/incremental/tickets/cursor' }, key: 'tickets', item: Item },
    { startTime: 0 },
  );

/** Fails the test with `message` unless `promise` settles first (a bound, not a timing assertion). */
function within<T>(promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), 5_000)))]).finally(
    () => clearTimeout(timer),
  );
}

describe.each(['time', 'cursor'] as const)('%s export pages', (kind) => {
  const pagesOf = (fake: Fake): AsyncGenerator<{ items: Array<z.infer<typeof Item>>; endOfStream: boolean }> =>
    kind === 'time' ? timePages(fake) : cursorPages(fake);

  it('yields every page in order, and asks for nothing past the end', async () => {
    const fake = await startExport(kind);
    const ids: number[] = [];
    let ends = 0;
    for await (const page of pagesOf(fake)) {
      ids.push(...page.items.map((i) => i.id));
      if (page.endOfStream) ends++;
    }
    expect(ids).toEqual([0, 1, 10, 11, 20, 21]);
    expect(ends).toBe(1);
    expect(fake.calls.map((c) => (kind === 'time' ? c.start : c.cursor))).toEqual(
      kind === 'time' ? ['999', '1000', '1001'] : [null, 'c1', 'c2'],
    );
  });

  it("sends the next page's call before the consumer asks for it", async () => {
    const fake = await startExport(kind);
    fake.holdFrom(2);
    const pages = pagesOf(fake);
    const first = await pages.next();
    expect(first.done ? null : first.value.items.map((i) => i.id)).toEqual([0, 1]);
    // No second next(): the call for page 2 is already out.
    const second = await within(fake.received(2), 'the call for page 2 was not sent ahead');
    expect(kind === 'time' ? second.start : second.cursor).toBe(kind === 'time' ? '1000' : 'c1');
    fake.release();
    await pages.return(undefined);
  });

  it('gives up the call sent ahead when the consumer stops, without waiting for its answer', async () => {
    const fake = await startExport(kind);
    fake.holdFrom(2);
    const pages = pagesOf(fake);
    await pages.next();
    await within(fake.received(2), 'the call for page 2 was not sent ahead');
    // Page 2 is held by the server until the end of the test: return() must not wait for it.
    await within(pages.return(undefined), 'return() waited for the call sent ahead');
    expect(fake.calls).toHaveLength(2);
    fake.release();
  });

  it("names a bad item of a page, and gives up the next page's call", async () => {
    const fake = await startExport(kind, { bad: 0 });
    fake.holdFrom(2);
    const pages = pagesOf(fake);
    // Page 2, if its call got out at all, is held: the failure must not wait for it.
    const failure = await within(
      pages.next().then(
        () => null,
        (error: unknown) => error,
      ),
      'the bad page waited for the call sent ahead',
    );
    expect(failure).toBeInstanceOf(HelpdeskBadResponseError);
    expect((failure as HelpdeskBadResponseError).fields).toEqual([`${kind === 'time' ? 'ticket_events' : 'tickets'}.1.name`]);
    expect((await pages.next()).done).toBe(true);
    expect(fake.calls.length).toBeLessThanOrEqual(2);
    fake.release();
  });
});
