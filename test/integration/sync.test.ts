import { afterEach, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../src/shared/contract/groups/sync';
import { api } from '../../src/sim/testing';
import { readSyncState } from '../../src/main/core/db';
import { createSyncHarness, pastHoldBack, type SyncHarness } from '../../src/main/core/sync/testing/harness';
import { cachedParticipants, contentDigest, expectedCache } from '../../src/main/core/sync/testing/truth';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

const exportRequests = (harness: SyncHarness, template: string) => harness.requests.filter((r) => r.template === template);
const db = async (harness: SyncHarness) => (await harness.ctx.core.services.caches.open(harness.workspaceId)).db;

describe('full sync', () => {
  it('makes the cache equal to the helpdesk: users, tickets, comments, participants', async () => {
    h = await createSyncHarness();
    pastHoldBack(h.sim);
    const status = await h.syncNow();
    const expected = expectedCache(h.sim);

    expect(status.outcome).toBe('done');
    expect(status.error).toBeNull();
    expect(status.running).toBe(false);
    expect(status.counts.users).toBe(expected.users);
    expect(status.counts.tickets).toBe(expected.tickets);
    expect(status.counts.comments).toBe(expected.comments);
    expect(status.counts.organizations).toBe(expected.organizations);
    expect(cachedParticipants(await db(h))).toEqual(expected.participants);
    expect(status.dataAsOf).not.toBeNull();
    expect(status.resources.map((r) => [r.resource, r.state])).toEqual([
      ['users', 'done'],
      ['organizations', 'done'],
      ['tickets', 'done'],
      ['ticket_events', 'done'],
    ]);
    expect(status.errors).toEqual([]);

    // Comments came from the ticket events export, never one call per ticket. (After it, the
    // side-conversation index's fill reads each ticket's side conversations: named so, and only those.)
    const fill = h.requests.filter((r) => r.scope === 'index:side_conversations');
    expect(fill.length).toBe(expected.tickets);
    expect(fill.every((r) => r.template === '/api/v2/tickets/{ticket_id}/side_conversations')).toBe(true);
    expect(h.requests.filter((r) => r.scope === undefined).every((r) => r.template.startsWith('/api/v2/incremental/'))).toBe(true);
    expect(h.requests.some((r) => r.url.searchParams.get('include') === 'comment_events')).toBe(true);
    expect(
      h.requests
        .filter((r) => r.scope === undefined)
        .every((r) => r.url.searchParams.get('per_page') === '1000' || r.url.searchParams.has('start_time')),
    ).toBe(true);
  });

  it('emits progress events with sane numbers and a final run event', async () => {
    h = await createSyncHarness();
    pastHoldBack(h.sim);
    await h.syncNow();
    const expected = expectedCache(h.sim);
    const byResource = new Map<string, typeof h.events>();
    for (const e of h.events) byResource.set(e.resource, [...(byResource.get(e.resource) ?? []), e]);
    for (const resource of ['users', 'organizations', 'tickets', 'ticket_events']) {
      const events = byResource.get(resource) ?? [];
      expect(events[0]?.phase).toBe('running');
      expect(events.at(-1)?.phase).toBe('done');
      let previous = 0;
      for (const e of events) {
        expect(e.workspaceId).toBe(h.workspaceId);
        expect(e.done).toBeGreaterThanOrEqual(previous);
        if (e.total !== null) expect(e.total).toBeGreaterThanOrEqual(e.done);
        expect(e.ratePerSecond).toBeGreaterThanOrEqual(0);
        previous = e.done;
      }
    }
    expect(byResource.get('tickets')?.at(-1)?.done).toBe(expected.tickets);
    expect(byResource.get('ticket_events')?.at(-1)?.done).toBe(expected.comments);
    const final = h.events.filter((e) => !e.resource.startsWith('index:')).at(-1);
    expect(final).toMatchObject({ resource: 'all', phase: 'done' });
    // Then the side-conversation index's background fill, which reports on its own line.
    expect(h.events.at(-1)).toMatchObject({ resource: 'index:side_conversations', phase: 'done', done: expected.tickets });
  });

  it('a second start while one runs returns the running sync', async () => {
    h = await createSyncHarness();
    pastHoldBack(h.sim);
    const first = await h.call<SyncStatus>('sync.start', { workspaceId: h.workspaceId });
    const second = await h.call<SyncStatus>('sync.start', {});
    expect(first.running).toBe(true);
    expect(second.running).toBe(true);
    expect(second.startedAt).toBe(first.startedAt);
    await h.service.wait(h.workspaceId);
    // One run: each users page was asked for once.
    const users = exportRequests(h, '/api/v2/incremental/users/cursor');
    expect(users.length).toBe(1);
  });
});

describe('incremental sync', () => {
  it('applies exactly the upstream changes: an update, a new comment, a deleted ticket and a deleted user', async () => {
    h = await createSyncHarness();
    pastHoldBack(h.sim);
    await h.syncNow();
    const cache = await db(h);
    const before = expectedCache(h.sim);
    const admin = api(h.sim, 'admin');

    const ticketIds = cache.prepare('SELECT id FROM tickets ORDER BY id').pluck().all() as number[];
    const [updated, deleted] = [ticketIds[0]!, ticketIds[1]!];
    expect(
      (
        await admin.put(`/api/v2/tickets/${updated}`, {
          ticket: { subject: 'Renamed by the test', comment: { body: 'A new comment from the test', public: false } },
        })
      ).status,
    ).toBe(200);
    expect((await admin.del(`/api/v2/tickets/${deleted}`)).status).toBe(204);
    // A user who requests no open ticket can be deleted.
    const candidates = cache
      .prepare(
        `SELECT id FROM users WHERE role = 'end-user' AND id NOT IN (SELECT requester_id FROM tickets WHERE status <> 'closed') ORDER BY id`,
      )
      .pluck()
      .all() as number[];
    const gone = candidates[0]!;
    expect((await admin.del(`/api/v2/users/${gone}`)).status).toBe(200);
    pastHoldBack(h.sim);

    const deletedComments = cache.prepare('SELECT count(*) FROM comments WHERE ticket_id = ?').pluck().get(deleted) as number;
    const digestBefore = contentDigest(cache);
    h.requests.length = 0;
    const status = await h.syncNow();
    const after = expectedCache(h.sim);

    expect(status.outcome).toBe('done');
    expect(status.counts.tickets).toBe(before.tickets - 1);
    expect(status.counts.users).toBe(before.users - 1);
    expect(status.counts.comments).toBe(before.comments + 1 - deletedComments);
    expect(status.counts.tickets).toBe(after.tickets);
    expect(status.counts.comments).toBe(after.comments);
    expect(cachedParticipants(cache)).toEqual(after.participants);
    expect(cache.prepare('SELECT subject FROM tickets WHERE id = ?').pluck().get(updated)).toBe('Renamed by the test');
    expect(
      cache.prepare('SELECT body FROM comments WHERE ticket_id = ? AND body = ?').pluck().get(updated, 'A new comment from the test'),
    ).toBeDefined();
    expect(cache.prepare('SELECT count(*) FROM tickets WHERE id = ?').pluck().get(deleted)).toBe(0);
    expect(cache.prepare('SELECT count(*) FROM participants WHERE ticket_id = ?').pluck().get(deleted)).toBe(0);
    expect(cache.prepare('SELECT count(*) FROM users WHERE id = ?').pluck().get(gone)).toBe(0);
    expect(contentDigest(cache)).not.toBe(digestBefore);

    // Resumed from the stored positions: cursors for users and tickets, a recent start_time for the others.
    for (const template of ['/api/v2/incremental/users/cursor', '/api/v2/incremental/tickets/cursor']) {
      const first = exportRequests(h, template)[0]!;
      expect(first.url.searchParams.has('cursor')).toBe(true);
      expect(first.url.searchParams.has('start_time')).toBe(false);
    }
    const events = exportRequests(h, '/api/v2/incremental/ticket_events')[0]!;
    expect(Number(events.url.searchParams.get('start_time'))).toBeGreaterThan(0);
  });

  it('replaying every page changes nothing', async () => {
    // Several pages per transaction: a replay must also be harmless across transaction boundaries.
    h = await createSyncHarness({ sync: { perPage: 7, pagesPerTransaction: 3 } });
    pastHoldBack(h.sim);
    await h.syncNow();
    const cache = await db(h);
    const digest = contentDigest(cache);
    // Forget every position: the next sync refetches and re-applies every page it already has.
    cache.prepare('UPDATE sync_state SET cursor = NULL, start_time = NULL, end_time = NULL').run();
    h.requests.length = 0;
    const status = await h.syncNow();
    expect(status.outcome).toBe('done');
    expect(exportRequests(h, '/api/v2/incremental/tickets/cursor')[0]!.url.searchParams.get('start_time')).toBe('0');
    expect(contentDigest(cache)).toBe(digest);
  });
});

describe('cancel and resume', () => {
  it('stops on cancel and the next sync continues from the stored cursor', async () => {
    // One page per transaction, so the cancel can land between the commits of pages 2 and 3.
    h = await createSyncHarness({ sync: { perPage: 5, pagesPerTransaction: 1 } });
    pastHoldBack(h.sim);
    const harness = h;
    let ticketPages = 0;
    const unsubscribe = h.ctx.core.events.subscribe((name, payload) => {
      const p = payload as { resource: string; phase: string; done: number };
      if (name === 'sync.progress' && p.resource === 'tickets' && p.phase === 'running' && p.done > 0 && ++ticketPages === 2) {
        // The service directly: the contract call first resolves the workspace (a file read), and
        // the test wants the abort to land exactly after the second page.
        void harness.service.cancel(harness.workspaceId);
      }
    });
    await h.call('sync.start', { workspaceId: h.workspaceId });
    await h.service.wait(h.workspaceId);
    unsubscribe();
    const cancelled = await h.call<SyncStatus>('sync.status', { workspaceId: h.workspaceId });
    expect(cancelled.outcome).toBe('cancelled');
    expect(cancelled.resources.find((r) => r.resource === 'tickets')?.state).toBe('cancelled');
    expect(cancelled.resources.find((r) => r.resource === 'ticket_events')?.state).toBe('cancelled');
    expect(cancelled.counts.tickets).toBe(10);
    expect(cancelled.dataAsOf).toBeNull();
    const cache = await db(h);
    const stored = readSyncState(cache, 'tickets')?.cursor;
    expect(stored).toBeTruthy();
    // Cancelling is not an error.
    expect(cancelled.errors).toEqual([]);

    const firstRunTicketRequests = h.sim.state.requestLog.filter((r) => r.path === '/api/v2/incremental/tickets/cursor').length;
    h.requests.length = 0;
    const logBefore = h.sim.state.requestLog.length;
    const done = await h.syncNow();
    const expected = expectedCache(h.sim);
    expect(done.outcome).toBe('done');
    expect(done.counts.tickets).toBe(expected.tickets);
    expect(done.counts.comments).toBe(expected.comments);
    const resumed = exportRequests(h, '/api/v2/incremental/tickets/cursor');
    expect(resumed[0]!.url.searchParams.get('cursor')).toBe(stored);
    // The simulator's own log: the second run asked only for the pages the first did not apply.
    const secondRun = h.sim.state.requestLog.slice(logBefore).filter((r) => r.path === '/api/v2/incremental/tickets/cursor').length;
    const fullRun = Math.ceil(expected.tickets / 5);
    expect(secondRun).toBe(fullRun - 2);
    expect(firstRunTicketRequests).toBeGreaterThanOrEqual(2);
  });
});

describe('subject refresh', () => {
  it("updates one person's profile, tickets and comments through the regular endpoints", async () => {
    h = await createSyncHarness();
    pastHoldBack(h.sim);
    await h.syncNow();
    const cache = await db(h);
    const admin = api(h.sim, 'admin');
    const row = cache
      .prepare(`SELECT requester_id AS userId, id AS ticketId FROM tickets WHERE status <> 'closed' ORDER BY id LIMIT 1`)
      .get() as { userId: number; ticketId: number };
    expect((await admin.put(`/api/v2/users/${row.userId}`, { user: { name: 'Refreshed Name' } })).status).toBe(200);
    expect(
      (await admin.put(`/api/v2/tickets/${row.ticketId}`, { ticket: { comment: { body: 'Fresh reply seen by refresh', public: true } } }))
        .status,
    ).toBe(200);
    // No clock advance: the exports would not show these yet, the regular endpoints do.
    h.requests.length = 0;
    const result = await h.call<{ found: boolean; tickets: number; comments: number; identities: number }>('sync.refreshSubject', {
      workspaceId: h.workspaceId,
      userId: row.userId,
    });
    expect(result.found).toBe(true);
    expect(result.tickets).toBeGreaterThan(0);
    expect(result.identities).toBeGreaterThan(0);
    expect(cache.prepare('SELECT name FROM users WHERE id = ?').pluck().get(row.userId)).toBe('Refreshed Name');
    expect(
      cache
        .prepare('SELECT count(*) FROM comments WHERE ticket_id = ? AND body = ?')
        .pluck()
        .get(row.ticketId, 'Fresh reply seen by refresh'),
    ).toBe(1);
    expect(cache.prepare('SELECT count(*) FROM identities WHERE user_id = ?').pluck().get(row.userId)).toBe(result.identities);
    expect(h.requests.length).toBeGreaterThan(0);
    expect(h.requests.some((r) => r.template.startsWith('/api/v2/incremental/'))).toBe(false);
    expect(h.requests.some((r) => r.template === '/api/v2/tickets/{ticket_id}/comments')).toBe(true);
  });

  it('a person deleted upstream leaves the cache', async () => {
    h = await createSyncHarness();
    pastHoldBack(h.sim);
    await h.syncNow();
    const cache = await db(h);
    const userId = cache
      .prepare(
        `SELECT id FROM users WHERE role = 'end-user' AND id NOT IN (SELECT requester_id FROM tickets WHERE status <> 'closed') ORDER BY id`,
      )
      .pluck()
      .get() as number;
    expect((await api(h.sim, 'admin').del(`/api/v2/users/${userId}`)).status).toBe(200);
    const result = await h.call<{ found: boolean }>('sync.refreshSubject', { workspaceId: h.workspaceId, userId });
    expect(result.found).toBe(false);
    expect(cache.prepare('SELECT count(*) FROM users WHERE id = ?').pluck().get(userId)).toBe(0);
  });
});
