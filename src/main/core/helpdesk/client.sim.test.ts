import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../sim/index';
import { ZendeskClient } from './client';
import { HelpdeskError } from './errors';
import { collect, offsetPages } from './pagination';
import { RateLimitScheduler } from './scheduler';
import { commentEventsOf, Organization } from './schemas';
import { testConnection } from './test-connection';

/** The client over real HTTP against the simulator: every pagination style to the end, jobs, files. */

let sim: Simulator;
let client: ZendeskClient;

const unlimited = () => new RateLimitScheduler({ requestsPerMinute: 1e6, exportRequestsPerMinute: 1e6 });

beforeAll(async () => {
  sim = await startSimulator({ port: 0, size: 'tiny', seed: 5, noLimits: true, jobDelayMs: 20 });
  client = new ZendeskClient({ baseUrl: sim.url, ...sim.admin }, { scheduler: unlimited() });
});

afterAll(async () => {
  await sim?.close();
});

const ids = (items: { id: number }[]) => items.map((i) => i.id);

describe('pagination against the simulator', () => {
  it('incremental cursor export: every page has a cursor, the stream ends, page size does not change the result', async () => {
    const pages = [];
    for await (const page of client.exportTickets({ startTime: 0, perPage: 7 })) pages.push(page);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.at(-1)!.endOfStream).toBe(true);
    for (const page of pages.slice(0, -1)) {
      expect(page.endOfStream).toBe(false);
      expect(page.afterCursor).toEqual(expect.any(String));
    }
    const small = pages.flatMap((p) => ids(p.items));
    const large = ids(await collect(client.exportTickets({ startTime: 0, perPage: 1000 })));
    expect(new Set(small)).toEqual(new Set(large));

    // Resuming from a persisted cursor yields exactly the rest.
    const resumed = ids(await collect(client.exportTickets({ cursor: pages[1]!.afterCursor!, perPage: 7 })));
    expect(resumed).toEqual(pages.slice(2).flatMap((p) => ids(p.items)));
  });

  it('incremental cursor export of users', async () => {
    const users = await collect(client.exportUsers({ startTime: 0, perPage: 9 }));
    expect(users.length).toBeGreaterThan(9);
    expect(new Set(ids(users)).size).toBe(users.length);
  });

  it('incremental time export of organizations, with end_time on every page', async () => {
    const pages = [];
    for await (const page of client.exportOrganizations({ startTime: 0, perPage: 1 })) pages.push(page);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.at(-1)!.endOfStream).toBe(true);
    for (const page of pages) expect(page.endTime).toEqual(expect.any(Number));
    const all = pages.flatMap((p) => ids(p.items));
    expect(new Set(all)).toEqual(new Set(ids(await collect(client.exportOrganizations({ startTime: 0, perPage: 1000 })))));
  });

  it('ticket events export carries comment bodies as comment child events', async () => {
    const events = await collect(client.exportTicketEvents({ startTime: 0 }));
    const comments = events.flatMap(commentEventsOf);
    expect(comments.length).toBeGreaterThan(0);
    for (const comment of comments) expect(typeof comment.body).toBe('string');
  });

  it('cursor (CBP) listing to the end, same set at any page size', async () => {
    const small = await collect(client.listOrganizationMemberships({ pageSize: 3 }));
    const large = await collect(client.listOrganizationMemberships({ pageSize: 100 }));
    expect(small.length).toBeGreaterThan(3);
    expect(ids(small)).toEqual(ids(large));
  });

  it('offset (OBP) listing to the end via next_page', async () => {
    const pages = [];
    for await (const page of offsetPages(
      client.transport,
      { spec: { method: 'GET', template: '/api/v2/organizations' }, key: 'organizations', item: Organization },
      1,
    ))
      pages.push(page);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.at(-1)!.nextPage).toBeNull();
    const all = pages.flatMap((p) => ids(p.items));
    expect(new Set(all).size).toBe(all.length);
  });

  it('search export to the end, and offset user search', async () => {
    const [someone] = (await collect(client.exportUsers({ startTime: 0, perPage: 100 }))).filter((u) => u.role === 'end-user' && u.email);
    const found = await collect(client.searchUsers(`email:"${someone!.email}"`));
    expect(ids(found)).toContain(someone!.id);
    const results = await collect(client.searchExport('status<closed', { type: 'ticket', pageSize: 5 }));
    expect(results.length).toBeGreaterThan(5);
    expect(new Set(ids(results)).size).toBe(results.length);
  });
});

describe('jobs, files and errors against the simulator', () => {
  it('a bulk permanent delete completes with a per-item failure for a ticket that was not soft-deleted', async () => {
    const tickets = (await collect(client.exportTickets({ startTime: 0, perPage: 1000 }))).filter((t) => t.status !== 'deleted');
    const [a, b] = tickets.slice(-2).map((t) => t.id);
    await client.deleteTicket(a!);
    const outcome = await client.waitForJob(await client.destroyManyDeletedTickets([a!, b!]), { intervalMs: 20 });
    expect(outcome.status).toBe('completed');
    expect(outcome.ok).toBe(false);
    expect(outcome.succeeded.map((r) => r.id)).toEqual([a]);
    expect(outcome.failed.map((r) => r.id)).toEqual([b]);
  });

  it('downloads an attachment as a stream', async () => {
    const tickets = await collect(client.exportTickets({ startTime: 0, perPage: 1000 }));
    for (const t of tickets.filter((x) => x.status !== 'deleted')) {
      const comments = await collect(client.listComments(t.id));
      const attachment = comments.flatMap((c) => c.attachments)[0];
      if (!attachment) continue;
      const download = await client.downloadAttachment(attachment.content_url);
      let bytes = 0;
      for await (const chunk of download.stream) bytes += (chunk as Buffer).length;
      expect(bytes).toBeGreaterThan(0);
      if (attachment.size) expect(bytes).toBe(attachment.size);
      return;
    }
    throw new Error('no attachment in the tiny dataset');
  });

  it('maps wrong credentials, agent-only access and unknown records to their codes', async () => {
    const wrong = new ZendeskClient({ baseUrl: sim.url, email: sim.admin.email, token: 'not-the-token' }, { maxAttempts: 1 });
    await expect(wrong.me()).rejects.toMatchObject({ code: 'helpdesk_auth_failed' });
    const agent = new ZendeskClient({ baseUrl: sim.url, ...sim.agent }, { maxAttempts: 1 });
    await expect(collect(agent.exportTickets({ startTime: 0 }))).rejects.toMatchObject({ code: 'helpdesk_forbidden' });
    const missing = await client.getTicket(987654321).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(HelpdeskError);
    expect(missing).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('testConnection keeps its result shape', async () => {
    expect(await testConnection({ baseUrl: sim.url, ...sim.admin })).toMatchObject({ ok: true, role: 'admin', isAdmin: true });
    expect(await testConnection({ baseUrl: sim.url, ...sim.agent })).toMatchObject({ ok: true, isAdmin: false });
    expect(await testConnection({ baseUrl: sim.url, email: sim.admin.email, token: 'nope' })).toMatchObject({
      ok: false,
      code: 'helpdesk_auth_failed',
    });
    expect(await testConnection({ baseUrl: 'http://127.0.0.1:1', email: 'a@b.c', token: 'nope' })).toMatchObject({
      ok: false,
      code: 'helpdesk_unreachable',
    });
  });
});

describe('faults injected by the simulator', () => {
  it('an export completes through 5xx errors and dropped connections, by retrying', async () => {
    const flaky = await startSimulator({ port: 0, size: 'tiny', seed: 5, noLimits: true, faults: { errorRate: 0.25, dropRate: 0.1 } });
    try {
      const scheduler = unlimited();
      const c = new ZendeskClient(
        { baseUrl: flaky.url, ...flaky.admin },
        { scheduler, maxAttempts: 12, backoff: { baseMs: 5, capMs: 20 } },
      );
      // One ticket per page: ~30 requests, so some certainly meet a fault (0.65^30 ≈ 2e-6 that none does).
      const got = ids(await collect(c.exportTickets({ startTime: 0, perPage: 1 })));
      const clean = await startSimulator({ port: 0, size: 'tiny', seed: 5, noLimits: true });
      const reference = new ZendeskClient({ baseUrl: clean.url, ...clean.admin }, { scheduler: unlimited() });
      const expected = ids(await collect(reference.exportTickets({ startTime: 0, perPage: 1000 })));
      await clean.close();
      expect(new Set(got)).toEqual(new Set(expected));
      expect(scheduler.stats().retries).toBeGreaterThan(0);
    } finally {
      await flaky.close();
    }
  });

  it("the simulator's own 429s are honoured with their Retry-After", async () => {
    const limited = await startSimulator({ port: 0, size: 'tiny', seed: 5, rateLimitPerMinute: 1000, exportLimitPerMinute: 2 });
    try {
      // A client that believes it may send 100 exports a minute meets the server's limit of 2.
      const scheduler = new RateLimitScheduler({ exportRequestsPerMinute: 100 });
      const c = new ZendeskClient({ baseUrl: limited.url, ...limited.admin }, { scheduler, maxAttempts: 1 });
      const pages = c.exportTickets({ startTime: 0, perPage: 5 });
      await pages.next();
      await pages.next();
      const error = await pages.next().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'helpdesk_rate_limited' });
      expect((error as { waitMs: number }).waitMs).toBeGreaterThan(0);
      expect(scheduler.pausedUntil).toBeGreaterThan(Date.now());
    } finally {
      await limited.close();
    }
  });
});
