import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dossier } from '../../src/shared/contract/groups/subjects';
import { DOSSIER_MAX_LIMIT } from '../../src/shared/contract/groups/subjects';
import type { SubjectLook } from '../../src/shared/schemas/subject-first';
import { startSimulator, type Simulator } from '../../src/sim';
import { readSyncState, type SqliteDb } from '../../src/main/core/db';
import { createSyncHarness, pastHoldBack, type SyncHarness } from '../../src/main/core/sync/testing/harness';
import { subjectRefFor } from '../../src/main/core/subjects/subject-ref';

/**
 * Subject-first on a cold cache (issue #14): the look's dossier equals the full sync's item for
 * item (mentions aside, which it says it cannot know yet); a look during a running sync leaves the
 * cache exactly as the sync alone would; a 429 storm ends complete or says what is missing.
 * Real simulator over HTTP, real encrypted caches, the real client and its retry policy.
 */

let sim: Simulator;
let synced: SyncHarness;
let subject: { userId: number; email: string };
const harnesses: SyncHarness[] = [];

const db = async (h: SyncHarness): Promise<SqliteDb> => (await h.ctx.core.services.caches.open(h.workspaceId)).db;

async function dossierOf(h: SyncHarness, userId: number): Promise<Dossier> {
  const r = await h.ctx.call('subjects.show', { workspaceId: h.workspaceId, ref: subjectRefFor(userId), limit: DOSSIER_MAX_LIMIT });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** The dossier without what differs by construction: when it was made, and the coverage note. */
function comparable(d: Dossier, withMentions: boolean) {
  const { workspaceId: _w, generatedAt: _g, dataAsOf: _d, coverage: _c, completeness: _k, mentions, summary, pages, ...rest } = d;
  const { mentions: mentionCount, ...counts } = summary;
  const { mentions: mentionPage, ...otherPages } = pages;
  return withMentions ? { ...rest, counts, otherPages, mentions, mentionCount, mentionPage } : { ...rest, counts, otherPages };
}

const TABLES = ['users', 'identities', 'organizations', 'organization_memberships', 'tickets', 'participants', 'comments', 'attachments'];
function tableDigest(cache: SqliteDb, lookedUp: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of TABLES) {
    const cols = (cache.prepare(`SELECT name FROM pragma_table_info('${t}')`).pluck().all() as string[]).filter((c) => c !== 'local_path');
    // The export has no memberships stream: the look's own (the subject's) are the only ones it adds, on purpose.
    const where = t === 'organization_memberships' ? `WHERE user_id <> ${lookedUp}` : '';
    const rows = cache
      .prepare(`SELECT ${cols.join(', ')} FROM ${t} ${where} ORDER BY 1, 2, 3`)
      .raw()
      .all();
    out[t] = { count: rows.length, digest: createHash('sha256').update(JSON.stringify(rows)).digest('hex') };
  }
  out.fts = cache.prepare('SELECT count(*) FROM comments_fts').pluck().get();
  out.streams = ['users', 'organizations', 'tickets', 'ticket_events'].map((r) => readSyncState(cache, r as 'users')?.items ?? 0);
  return out;
}

// The side-conversation index's fill after a sync is off here: on the small dataset it would take
// minutes of the simulator's 700/min budget, and it has its own test (side-conversation-fill.test.ts).
beforeAll(async () => {
  sim = await startSimulator({ size: 'small', seed: 14, noLimits: true });
  pastHoldBack(sim);
  synced = await createSyncHarness({ simulator: sim, sync: { perPage: 200, indexFill: false } });
  harnesses.push(synced);
  const status = await synced.syncNow();
  expect(status.outcome).toBe('done');
  // An end user on several surfaces: requested, copied or following, commented, with mentions elsewhere.
  const row = (await db(synced))
    .prepare(
      `SELECT u.id, u.email FROM users u JOIN participants p ON p.user_id = u.id
        WHERE u.role = 'end-user' AND u.email IS NOT NULL
        GROUP BY u.id HAVING count(DISTINCT p.role) >= 3 ORDER BY count(*) DESC LIMIT 1`,
    )
    .get() as { id: number; email: string };
  subject = { userId: row.id, email: row.email };
}, 240_000);

afterAll(async () => {
  for (const h of harnesses) await h.dispose();
  await sim.close();
});

describe('subject-first look', () => {
  it('on a cold cache gives the dossier a full sync gives, item for item, and says mentions are not known yet', async () => {
    const cold = await createSyncHarness({ simulator: sim, sync: { indexFill: false } });
    harnesses.push(cold);
    const look = await cold.call<SubjectLook>('sync.subjectFirst', { workspaceId: cold.workspaceId, email: subject.email.toUpperCase() });
    expect(look.outcome).toBe('complete');
    expect(look.missing).toEqual([]);
    expect(look.userIds[0]).toBe(subject.userId);
    expect(look.surfaces.every((s) => s.state === 'done')).toBe(true);
    const comments = look.surfaces.find((s) => s.id === 'comments')!;
    expect(comments.items).toBe(
      (await db(cold)).prepare('SELECT count(*) FROM comments c JOIN tickets t ON t.id = c.ticket_id').pluck().get(),
    );
    expect(cold.requests.some((r) => r.template.startsWith('/api/v2/incremental/'))).toBe(false);
    // Progress per surface went out as events while the look ran.
    const surfaces = new Set(cold.events.filter((e) => e.resource.startsWith('subject-first:')).map((e) => e.resource));
    expect(surfaces).toEqual(new Set(look.surfaces.map((s) => `subject-first:${s.id}`)));

    const expected = await dossierOf(synced, subject.userId);
    const got = await dossierOf(cold, subject.userId);
    expect(expected.tickets.length).toBeGreaterThan(3);
    expect(expected.comments.length).toBeGreaterThan(0);
    expect(comparable(got, false)).toEqual(comparable(expected, false));
    expect(got.completeness?.fullSync).toBe(false);
    expect(got.completeness?.subjectFirst).toMatchObject({ outcome: 'complete', completeAsOf: look.finishedAt, missing: [] });
    expect(got.completeness?.unknown.map((u) => u.part)).toEqual(['mentions']);
    expect(expected.completeness).toMatchObject({ fullSync: true, unknown: [] });

    // The sync catches up: mentions appear and the note goes away.
    pastHoldBack(sim);
    expect((await cold.syncNow()).outcome).toBe('done');
    const after = await dossierOf(cold, subject.userId);
    expect(comparable(after, true)).toEqual(comparable(await dossierOf(synced, subject.userId), true));
    expect(after.completeness).toMatchObject({ fullSync: true, unknown: [] });
  }, 240_000);

  it('during a running sync corrupts and doubles nothing the sync writes', async () => {
    const during = await createSyncHarness({ simulator: sim, sync: { perPage: 200, indexFill: false } });
    harnesses.push(during);
    await during.call('sync.start', { workspaceId: during.workspaceId });
    const look = await during.call<SubjectLook>('sync.subjectFirst', { workspaceId: during.workspaceId, email: subject.email });
    expect(look.outcome).toBe('complete');
    // The look finished before the sync did: it really ran beside it.
    expect(during.service.isRunning(during.workspaceId)).toBe(true);
    await during.service.wait(during.workspaceId);
    const status = await during.call<{ outcome: string }>('sync.status', { workspaceId: during.workspaceId });
    expect(status.outcome).toBe('done');
    expect(tableDigest(await db(during), subject.userId)).toEqual(tableDigest(await db(synced), subject.userId));
    expect(comparable(await dossierOf(during, subject.userId), true)).toEqual(comparable(await dossierOf(synced, subject.userId), true));
    expect((await db(during)).pragma('integrity_check', { simple: true })).toBe('ok');
  }, 240_000);

  it('in a 429 storm still ends complete, or says exactly what is missing', async () => {
    // Every request is refused once with 429 (Retry-After: 0); the comments of one ticket always are.
    const storm = await stormProxy(sim.url);
    try {
      const expected = await dossierOf(synced, subject.userId);
      const held = expected.tickets[0]!.id;
      storm.alwaysRefuse = `/api/v2/tickets/${held}/comments`;
      const h = await createSyncHarness({ simulator: sim, baseUrl: storm.url, sync: { transport: { maxAttempts: 3 }, indexFill: false } });
      harnesses.push(h);
      const look = await h.call<SubjectLook>('sync.subjectFirst', { workspaceId: h.workspaceId, email: subject.email });
      expect(storm.refused).toBeGreaterThan(10);
      expect(look.outcome).toBe('incomplete');
      expect(look.missing).toEqual([`comments of ticket ${held}: helpdesk_rate_limited`]);
      expect(look.surfaces.find((s) => s.id === 'comments')?.state).toBe('failed');
      const got = await dossierOf(h, subject.userId);
      expect(got.completeness?.subjectFirst).toMatchObject({ outcome: 'incomplete', completeAsOf: null });
      expect(got.completeness?.unknown.find((u) => u.part === 'missing')?.why).toContain(`comments of ticket ${held}`);

      // The storm passes: the next look completes, and everything else matched already.
      storm.alwaysRefuse = null;
      const again = await h.call<SubjectLook>('sync.subjectFirst', { workspaceId: h.workspaceId, email: subject.email });
      expect(again.outcome).toBe('complete');
      expect(comparable(await dossierOf(h, subject.userId), false)).toEqual(comparable(expected, false));
      expect((await dossierOf(h, subject.userId)).completeness?.subjectFirst?.completeAsOf).toBe(again.finishedAt);
    } finally {
      await storm.close();
    }
  }, 240_000);
});

/** A real HTTP hop in front of the simulator that answers 429 (Retry-After: 0) to the first try of every request. */
async function stormProxy(target: string) {
  const to = new URL(target);
  const seen = new Set<string>();
  const state = { refused: 0, alwaysRefuse: null as string | null };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const first = !seen.has(`${req.method} ${req.url}`);
    seen.add(`${req.method} ${req.url}`);
    if (first || (state.alwaysRefuse !== null && path.startsWith(state.alwaysRefuse))) {
      state.refused += 1;
      res.writeHead(429, { 'Retry-After': '0', 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'APIRateLimitExceeded' }));
      return;
    }
    const up = httpRequest(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
