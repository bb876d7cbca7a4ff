import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../log/logger';
import { ZendeskClient } from './client';
import { VirtualClock, systemClock } from './clock';
import { HelpdeskError } from './errors';
import { collect } from './pagination';
import { RateLimitScheduler } from './scheduler';
import { json, startScriptedServer, ticket, type Script } from './testing/scripted-server';

const EMAIL = 'admin@lethe.test';
const TOKEN = 'tok_SuperSecret_9f8e7d6c5b4a';
const ENCODED = Buffer.from(`${EMAIL}/token:${TOKEN}`).toString('base64');

type Server = Awaited<ReturnType<typeof startScriptedServer>>;
let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function setup(
  script: Script,
  clock: VirtualClock | typeof systemClock = new VirtualClock(),
  options: { maxAttempts?: number } = {},
) {
  const server = await startScriptedServer(script, () => clock.now());
  servers.push(server);
  const logger = createMemoryLogger();
  const client = new ZendeskClient(
    { baseUrl: server.url, email: EMAIL, token: TOKEN },
    { clock, random: () => 0.5, logger, maxAttempts: options.maxAttempts ?? 5, backoff: { baseMs: 200, capMs: 5_000 } },
  );
  return { server, client, clock, logger };
}

const user = (id: number) => ({
  id,
  name: `U${id}`,
  email: null,
  role: 'end-user',
  active: true,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
});

async function failure(promise: Promise<unknown>): Promise<HelpdeskError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HelpdeskError);
    return error as HelpdeskError;
  }
  throw new Error('expected a failure');
}

/** For each 429 answered at t with Retry-After r, no request may arrive in (t, t + r). */
function assertNoRequestDuringPauses(requests: { at: number }[], pauses: { at: number; waitMs: number }[]): void {
  for (const pause of pauses) {
    const early = requests.filter((r) => r.at > pause.at && r.at < pause.at + pause.waitMs);
    expect(early, `requests inside the pause after ${pause.at}`).toEqual([]);
  }
}

describe('429 storms', () => {
  it('all concurrent callers honour Retry-After in seconds, and a newcomer waits too', async () => {
    const pauses: { at: number; waitMs: number }[] = [];
    const { server, client, clock } = await setup(
      (req, res, index) => {
        if (index < 20) {
          pauses.push({ at: req.at, waitMs: 3_000 });
          json(res, 429, { errors: [{ code: 'TooManyRequests', title: 'Too many' }] }, { 'Retry-After': '3' });
        } else json(res, 200, { user: user(Number(req.url.pathname.split('/').at(-1))) });
      },
      new VirtualClock(),
      { maxAttempts: 8 },
    );
    const start = clock.now();
    const calls = Array.from({ length: 20 }, (_, i) => client.getUser(i + 1));
    const users = await Promise.all(calls);
    expect(users.map((u) => u.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(pauses.length).toBeGreaterThanOrEqual(20);
    assertNoRequestDuringPauses(server.requests, pauses);
    const successes = server.requests.slice(20);
    for (const r of successes) expect(r.at).toBeGreaterThanOrEqual(start + 3_000);
    expect(client.scheduler.stats()).toMatchObject({ rateLimited: pauses.length });
    expect(client.scheduler.stats().retries).toBeGreaterThanOrEqual(20);
  });

  it('honours Retry-After as an HTTP date, for callers that started after the 429', async () => {
    const clock = new VirtualClock();
    let pauseEnd = 0;
    const { server, client } = await setup((req, res, index) => {
      if (index === 0) {
        pauseEnd = req.at + 5_000;
        json(res, 429, { error: 'TooManyRequests' }, { 'Retry-After': new Date(pauseEnd).toUTCString() });
      } else json(res, 200, { user: user(7) });
    }, clock);
    await expect(client.getUser(7)).resolves.toMatchObject({ id: 7 });
    const late = await Promise.all([client.getUser(7), client.getUser(7)]);
    expect(late).toHaveLength(2);
    expect(server.requests).toHaveLength(4);
    for (const r of server.requests.slice(1)) expect(r.at).toBeGreaterThanOrEqual(pauseEnd);
  });

  it('gives up after max attempts with helpdesk_rate_limited and the wait', async () => {
    const { server, client } = await setup((_req, res) => json(res, 429, {}, { 'Retry-After': '42' }), new VirtualClock(), {
      maxAttempts: 3,
    });
    const error = await failure(client.getUser(1));
    expect(error.code).toBe('helpdesk_rate_limited');
    expect(error.toInfo().details).toMatchObject({ waitMs: 42_000, retryAfterSeconds: 42, attempts: 3 });
    expect(server.requests).toHaveLength(3);
  });

  it('a scheduler shared by two clients of one account pauses both', async () => {
    const clock = new VirtualClock();
    const scheduler = new RateLimitScheduler({ clock });
    let pausedAt = 0;
    const server = await startScriptedServer(
      (req, res, index) => {
        if (index === 0) {
          pausedAt = req.at;
          json(res, 429, {}, { 'Retry-After': '9' });
        } else json(res, 200, { user: user(1) });
      },
      () => clock.now(),
    );
    servers.push(server);
    const a = new ZendeskClient({ baseUrl: server.url, email: EMAIL, token: TOKEN }, { scheduler });
    const b = new ZendeskClient({ baseUrl: server.url, bearer: 'oauth-secret-abcdef' }, { scheduler });
    await a.getUser(1);
    await b.getUser(1);
    expect(server.requests[2]!.at).toBeGreaterThanOrEqual(pausedAt + 9_000);
  });
});

describe('retries', () => {
  it('recovers from a 500 in the middle of cursor pagination', async () => {
    let failedOnce = false;
    const { server, client } = await setup((req, res) => {
      const after = req.url.searchParams.get('page[after]');
      const base = `http://elsewhere.example${req.url.pathname}?page[size]=2`;
      if (!after)
        return json(res, 200, {
          tickets: [ticket(1), ticket(2)],
          meta: { has_more: true, after_cursor: 'c1' },
          links: { next: `${base}&page[after]=c1` },
        });
      if (after === 'c1' && !failedOnce) {
        failedOnce = true;
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        return res.end('Internal Server Error');
      }
      if (after === 'c1')
        return json(res, 200, {
          tickets: [ticket(3), ticket(4)],
          meta: { has_more: true, after_cursor: 'c2' },
          links: { next: `${base}&page[after]=c2` },
        });
      return json(res, 200, { tickets: [ticket(5)], meta: { has_more: false, after_cursor: null }, links: { next: null } });
    });
    const tickets = await collect(client.requestedTickets(99, { pageSize: 2 }));
    expect(tickets.map((t) => t.id)).toEqual([1, 2, 3, 4, 5]);
    expect(server.requests.map((r) => r.url.searchParams.get('page[after]'))).toEqual([null, 'c1', 'c1', 'c2']);
    expect(new Set(server.requests.map((r) => r.url.pathname))).toEqual(new Set(['/api/v2/users/99/tickets/requested']));
    // The next link named another host; it was followed on our own host, credentials and all.
    for (const r of server.requests) expect(r.headers.authorization).toBe(`Basic ${ENCODED}`);
    expect(client.scheduler.stats().retries).toBe(1);
  });

  it('retries 408 and 503, and a socket dropped before or during the body, on GET and PUT', async () => {
    const { server, client } = await setup((req, res, index) => {
      if (index === 0) return json(res, 408, {});
      if (index === 1) return json(res, 503, { error: 'unavailable' }, { 'Retry-After': '1' });
      if (index === 2) return req.headers.host && res.socket?.destroy();
      if (index === 3) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' });
        res.write('{"user":{"id":1,');
        setTimeout(() => res.socket?.destroy(), 5);
        return;
      }
      json(res, 200, { user: user(1) });
    });
    await expect(client.getUser(1)).resolves.toMatchObject({ id: 1 });
    expect(server.requests).toHaveLength(5);
    const put = await setup((_req, res, index) => (index === 0 ? void res.socket?.destroy() : json(res, 200, { user: user(2) })));
    await expect(put.client.suspendUser(2)).resolves.toMatchObject({ id: 2 });
    expect(put.server.requests.map((r) => r.method)).toEqual(['PUT', 'PUT']);
    expect(JSON.parse(put.server.requests[0]!.body)).toEqual({ user: { suspended: true } });
  });

  it.each([
    [400, 'helpdesk_error'],
    [401, 'helpdesk_auth_failed'],
    [403, 'helpdesk_forbidden'],
    [404, 'not_found'],
    [409, 'helpdesk_error'],
    [422, 'helpdesk_error'],
  ] as const)('never retries HTTP %i (→ %s)', async (status, code) => {
    const { server, client } = await setup((_req, res) =>
      json(res, status, { error: 'RecordInvalid', description: 'Record validation errors', details: { email: [{ description: 'x' }] } }),
    );
    const error = await failure(client.getTicket(5));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.message).toContain('GET /api/v2/tickets/{ticket_id}');
    expect(server.requests).toHaveLength(1);
  });

  it('never retries a POST: not on 500, not on a dropped socket, not on 429', async () => {
    for (const script of [
      ((_req, res) => json(res, 500, {})) as Script,
      ((_req, res) => void res.socket?.destroy()) as Script,
      ((_req, res) => json(res, 429, {}, { 'Retry-After': '1' })) as Script,
    ]) {
      const { server, client } = await setup(script);
      const error = await failure(client.createIdentity(3, { type: 'email', value: 'new@example.com' }));
      expect(['helpdesk_error', 'helpdesk_unreachable', 'helpdesk_rate_limited']).toContain(error.code);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.method).toBe('POST');
    }
  });

  it('stops retrying 5xx at the attempt bound', async () => {
    const { server, client } = await setup((_req, res) => json(res, 502, {}), new VirtualClock(), { maxAttempts: 4 });
    const error = await failure(client.getTicket(1));
    expect(error).toMatchObject({ code: 'helpdesk_error', status: 502 });
    expect(server.requests).toHaveLength(4);
  });
});

describe('bad responses', () => {
  it('names the resource and field of a row missing a required field, without values', async () => {
    const { client } = await setup((_req, res) => {
      const broken = ticket(2, { subject: 'Private matter of Jane Roe' });
      delete broken.requester_id;
      json(res, 200, { tickets: [ticket(1), broken] });
    });
    const error = await failure(client.showManyTickets([1, 2]));
    expect(error.code).toBe('helpdesk_bad_response');
    expect(error.message).toContain('tickets');
    expect(error.message).toContain('tickets.1.requester_id');
    expect(JSON.stringify(error.toInfo())).not.toContain('Jane');
  });

  it('validated in slices, a bad row of an export page is named by its index in the whole page', async () => {
    const { client } = await setup((_req, res) => {
      const rows = Array.from({ length: 250 }, (_, i) => ticket(i + 1));
      delete rows[212]!.requester_id;
      json(res, 200, { tickets: rows, after_cursor: null, end_of_stream: true });
    });
    const error = await failure(collect(client.exportTickets({ startTime: 0, validateSlice: 100 })));
    expect(error.code).toBe('helpdesk_bad_response');
    expect(error.toInfo().details).toMatchObject({ resource: 'tickets', fields: 'tickets.212.requester_id' });
    const whole = await collect(
      (
        await setup((_req, res) => json(res, 200, { tickets: [ticket(1), ticket(2), ticket(3)], after_cursor: null, end_of_stream: true }))
      ).client.exportTickets({ startTime: 0, validateSlice: 2 }),
    );
    expect(whole.map((t) => t.id)).toEqual([1, 2, 3]);
  });

  it('names the page wrapper field that is missing', async () => {
    const { client } = await setup((_req, res) => json(res, 200, { tickets: [], after_cursor: null }));
    const error = await failure(collect(client.exportTickets({ startTime: 0 })));
    expect(error.code).toBe('helpdesk_bad_response');
    expect(error.toInfo().details).toMatchObject({ resource: 'tickets', fields: 'end_of_stream' });
  });

  it('reports a body that is not JSON', async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>login</html>');
    });
    expect((await failure(client.me())).code).toBe('helpdesk_bad_response');
  });
});

describe('cancellation', () => {
  it('an abort during a Retry-After wait rejects with cancelled and sends nothing more', async () => {
    const { server, client } = await setup((_req, res) => json(res, 429, {}, { 'Retry-After': '3600' }), systemClock);
    const controller = new AbortController();
    const call = client.getUser(1, { signal: controller.signal });
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    expect((await failure(call)).code).toBe('cancelled');
    expect(server.requests).toHaveLength(1);
  });

  it('an abort during a request that hangs rejects with cancelled', async () => {
    const { server, client } = await setup(() => undefined, systemClock);
    const controller = new AbortController();
    const call = client.getTicket(1, { signal: controller.signal });
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect((await failure(call)).code).toBe('cancelled');
  });

  it('an abort between pages stops the iterator', async () => {
    const controller = new AbortController();
    const { server, client } = await setup((_req, res) =>
      json(res, 200, { tickets: [ticket(1)], after_cursor: 'next', end_of_stream: false }),
    );
    const seen: number[] = [];
    const error = await failure(
      (async () => {
        for await (const page of client.exportTickets({ startTime: 0, signal: controller.signal })) {
          seen.push(page.items.length);
          if (seen.length === 2) controller.abort();
        }
      })(),
    );
    expect(error.code).toBe('cancelled');
    expect(server.requests).toHaveLength(2);
  });
});

describe('the token never leaks', () => {
  it('is absent from every error, serialised error and log line', async () => {
    const echo: Script = (req, res) =>
      json(res, Number(req.url.searchParams.get('status') ?? 500), {
        error: `Echo ${req.headers.authorization}`,
        description: `You sent ${req.headers.authorization} (${TOKEN})`,
      });
    const clock = new VirtualClock();
    const { client, server, logger } = await setup(
      (req, res, i) => {
        const path = req.url.pathname;
        if (path.endsWith('/1')) return echo(req, res, i);
        if (path.endsWith('/2')) return json(res, 403, { error: 'Forbidden', description: `token ${TOKEN}` });
        if (path.endsWith('/3')) return json(res, 200, { ticket: { id: 3, token: TOKEN } });
        if (path.endsWith('/4')) return json(res, 429, { description: TOKEN }, { 'Retry-After': '1' });
        return res.socket?.destroy();
      },
      clock,
      { maxAttempts: 2 },
    );
    const errors = await Promise.all([
      failure(client.getTicket(1)),
      failure(client.getTicket(2)),
      failure(client.getTicket(3)),
      failure(client.getTicket(4)),
      failure(client.getTicket(5)),
      failure(new ZendeskClient({ baseUrl: 'http://127.0.0.1:1', email: EMAIL, token: TOKEN }, { maxAttempts: 1, logger }).me()),
    ]);
    expect(errors.map((e) => e.code)).toEqual([
      'helpdesk_error',
      'helpdesk_forbidden',
      'helpdesk_bad_response',
      'helpdesk_rate_limited',
      'helpdesk_unreachable',
      'helpdesk_unreachable',
    ]);
    expect(server.requests.some((r) => r.headers.authorization === `Basic ${ENCODED}`)).toBe(true);
    for (const error of errors) {
      const texts = [
        error.message,
        String(error),
        error.stack ?? '',
        JSON.stringify(error),
        JSON.stringify(error.toInfo()),
        inspect(error, { depth: 10, showHidden: true }),
      ];
      for (const text of texts) {
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain(ENCODED);
      }
    }
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const line of logger.lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(ENCODED);
    }
  });
});
