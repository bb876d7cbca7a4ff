import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../src/shared/contract/groups/sync';
import { startSimulator, type Simulator } from '../../src/sim';
import { readSyncState } from '../../src/main/core/db';
import { createSyncHarness, pastHoldBack, type SyncHarness } from '../../src/main/core/sync/testing/harness';
import { expectedCache } from '../../src/main/core/sync/testing/truth';

let h: SyncHarness | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await h?.dispose();
  h = undefined;
  for (const c of cleanups.splice(0)) await c();
});

/**
 * Forwards to the simulator and, while `corrupt` is set, damages the second page of the tickets
 * export: the first ticket loses its status, a field Lethe needs. Records each tickets request.
 */
async function corruptingProxy(sim: Simulator): Promise<{ url: string; ticketRequests: URL[]; corrupt: { on: boolean }; server: Server }> {
  const ticketRequests: URL[] = [];
  const corrupt = { on: true };
  const server = createServer((req, res) => {
    void (async () => {
      const target = new URL(req.url ?? '/', sim.url);
      const isTickets = target.pathname === '/api/v2/incremental/tickets/cursor';
      if (isTickets) ticketRequests.push(target);
      const upstream = await fetch(target, { headers: { authorization: req.headers.authorization ?? '', accept: 'application/json' } });
      let text = await upstream.text();
      if (isTickets && corrupt.on && ticketRequests.length === 2 && upstream.ok) {
        const body = JSON.parse(text) as { tickets: Array<Record<string, unknown>> };
        delete body.tickets[0]!.status;
        text = JSON.stringify(body);
      }
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(text);
    })().catch(() => {
      res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ticketRequests, corrupt, server };
}

describe('bad API input', () => {
  it('a malformed page stops that stream with helpdesk_bad_response; the cache and cursor keep the last good page', async () => {
    const sim = await startSimulator({ size: 'tiny', seed: 7, noLimits: true });
    cleanups.push(() => sim.close());
    const proxy = await corruptingProxy(sim);
    h = await createSyncHarness({ simulator: sim, baseUrl: proxy.url, sync: { perPage: 5 } });
    pastHoldBack(sim);
    const status = await h.syncNow();
    const cache = (await h.ctx.core.services.caches.open(h.workspaceId)).db;

    const tickets = status.resources.find((r) => r.resource === 'tickets')!;
    expect(tickets.state).toBe('failed');
    expect(tickets.lastError?.code).toBe('helpdesk_bad_response');
    expect(tickets.lastError?.message).toContain('tickets.0.status');
    expect(status.outcome).toBe('failed');
    expect(status.error?.code).toBe('helpdesk_bad_response');
    expect(status.errors[0]).toMatchObject({ resource: 'tickets', code: 'helpdesk_bad_response' });
    // Only the first page is in; the stored cursor is the one the bad page was asked with.
    expect(status.counts.tickets).toBe(5);
    expect(readSyncState(cache, 'tickets')?.cursor).toBe(proxy.ticketRequests[1]!.searchParams.get('cursor'));
    // Not fatal for the other streams: comments still came in.
    expect(status.resources.find((r) => r.resource === 'ticket_events')?.state).toBe('done');
    expect(status.dataAsOf).toBeNull();

    // Once the helpdesk answers properly, the next sync continues from that cursor to the end.
    proxy.corrupt.on = false;
    const again = await h.syncNow();
    expect(again.outcome).toBe('done');
    expect(again.counts.tickets).toBe(expectedCache(sim).tickets);
    expect(proxy.ticketRequests[2]!.searchParams.get('cursor')).toBe(proxy.ticketRequests[1]!.searchParams.get('cursor'));
    expect(again.resources.find((r) => r.resource === 'tickets')?.lastError).toBeNull();
    // The history keeps the earlier failure.
    expect(again.errors.some((e) => e.code === 'helpdesk_bad_response')).toBe(true);
  });
});

describe('clear errors, recorded in the history', () => {
  const fails = async (harness: SyncHarness, code: string): Promise<SyncStatus> => {
    const status = await harness.syncNow();
    expect(status.outcome).toBe('failed');
    expect(status.error?.code).toBe(code);
    expect(status.errors[0]?.code).toBe(code);
    // Fatal for the run: the later streams were not tried.
    expect(status.resources.filter((r) => r.state === 'failed').map((r) => r.resource)).toEqual(['users']);
    expect(status.counts.users).toBe(0);
    return status;
  };

  it('wrong token: helpdesk_auth_failed', async () => {
    const sim = await startSimulator({ size: 'tiny', seed: 7, noLimits: true });
    cleanups.push(() => sim.close());
    h = await createSyncHarness({ simulator: sim });
    await h.ctx.call('workspaces.update', { id: h.workspaceId, apiToken: 'not-the-right-token-at-all' });
    await fails(h, 'helpdesk_auth_failed');
    // Retry after fixing the token works, with the same service.
    await h.ctx.call('workspaces.update', { id: h.workspaceId, apiToken: sim.admin.token });
    pastHoldBack(sim);
    expect((await h.syncNow()).outcome).toBe('done');
  });

  it('an agent (non-admin) token: helpdesk_forbidden', async () => {
    h = await createSyncHarness({ who: 'agent' });
    const status = await fails(h, 'helpdesk_forbidden');
    expect(status.errors[0]?.message).toContain('/api/v2/incremental/users/cursor');
  });

  it('nothing listening: helpdesk_unreachable, and the console still opens on the cache', async () => {
    const sim = await startSimulator({ size: 'tiny', seed: 7, noLimits: true });
    cleanups.push(() => sim.close());
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    h = await createSyncHarness({ simulator: sim, baseUrl: `http://127.0.0.1:${port}` });
    await fails(h, 'helpdesk_unreachable');
    const offline = await h.call<SyncStatus>('sync.status', {});
    expect(offline.dataAsOf).toBeNull();
    expect(offline.running).toBe(false);
  });

  it('rate limited: helpdesk_rate_limited with the wait time', async () => {
    h = await createSyncHarness({
      sim: { noLimits: false, exportLimitPerMinute: 1 },
      sync: { perPage: 5, transport: { maxAttempts: 1 } },
    });
    pastHoldBack(h.sim);
    const status = await h.syncNow();
    expect(status.error?.code).toBe('helpdesk_rate_limited');
    expect(status.error?.message).toMatch(/retry in \d+ s/);
    expect(status.errors[0]?.code).toBe('helpdesk_rate_limited');
    // The first page was applied before the limit hit.
    expect(status.counts.users).toBe(5);
  });
});

describe('operations', () => {
  it('cache.reset removes the cache; the next sync rebuilds it', async () => {
    h = await createSyncHarness();
    pastHoldBack(h.sim);
    const first = await h.syncNow();
    expect(first.counts.tickets).toBeGreaterThan(0);
    const refused = await h.callResult('cache.reset', { workspaceId: h.workspaceId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const reset = await h.call<{ removedFiles: number }>('cache.reset', { workspaceId: h.workspaceId, confirm: true });
    expect(reset.removedFiles).toBeGreaterThan(0);
    const empty = await h.call<SyncStatus>('sync.status', { workspaceId: h.workspaceId });
    expect(empty.counts.tickets).toBe(0);
    expect(empty.dataAsOf).toBeNull();
    const rebuilt = await h.syncNow();
    expect(rebuilt.counts.tickets).toBe(first.counts.tickets);
  });

  it('cancel with nothing running returns the status; unknown workspaces are not_found', async () => {
    h = await createSyncHarness();
    const status = await h.call<SyncStatus>('sync.cancel', { workspaceId: h.workspaceId });
    expect(status.running).toBe(false);
    expect(await h.callResult('sync.start', { workspaceId: 'ws_doesnotexist1' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
