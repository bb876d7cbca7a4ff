import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/main/core/audit';
import { openJournal } from '../../src/main/core/journal/open-journal';
import { registerRouter, type RegisterRouter } from '../../src/main/core/requests/testing/register-router';
import { startPostgres, type PgCluster } from '../support/postgres';
import { createTestCore, type TestCore } from '../support/core';
import { createCore, type Core } from '../../src/main/core/create-core';
import { TEAM_SCHEMA_VERSION } from '../../src/main/core/team/migrations';
import { createMemoryLogger } from '../../src/main/core/log/logger';
import { teamSessionFor } from '../../src/main/core/team/team-session';

// Two machines (two cores, two data directories, two keychains) sharing one team database: the
// first moves its local register into it, the second joins as another officer.

let cluster: PgCluster;
let database: string;
const machines: TestCore[] = [];
const restartedCores: Core[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
  database = await cluster.createDatabase('team');
  // The group roles come with the first `team init`; the login is granted them after it.
  await cluster.createLogin('ada', 'ada-pw');
});
afterAll(async () => {
  for (const c of restartedCores) await c.close().catch(() => undefined);
  for (const m of machines) await m.dispose().catch(() => undefined);
  cluster?.destroy();
});

async function machine(): Promise<{ ctx: TestCore; reg: RegisterRouter; ws: string }> {
  const ctx = await createTestCore();
  machines.push(ctx);
  const created = await ctx.call('workspaces.create', {
    name: 'Acme',
    address: { subdomain: 'acme' },
    email: 'dpo@acme.example',
    apiToken: 'abcdefgh12345678',
  });
  if (!created.ok) throw new Error(created.error.message);
  await ctx.call('settings.set', { timeZone: 'Europe/Berlin', organizationName: 'Acme Ltd' });
  return { ctx, reg: registerRouter(ctx.core.services), ws: created.value.id };
}

const person = (n: number) => ({ name: `Person ${n}`, email: `person${n}@example.test` });

async function must<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('team mode end to end', () => {
  let a: Awaited<ReturnType<typeof machine>>;
  let b: Awaited<ReturnType<typeof machine>>;
  let localHashes: string[];

  it('team init moves the local register, audit chain and journal; the chain still verifies with the move in it', async () => {
    a = await machine();
    for (let i = 0; i < 3; i += 1) {
      await a.reg.must('requests.create', {
        type: 'erasure',
        regulation: 'GDPR',
        channel: 'email',
        receivedAt: '2025-03-01T09:30:00+01:00',
        requester: person(i),
        actor: 'dana',
      });
    }
    const first = (await a.reg.must('requests.list', { includeUnverified: true })).requests.at(-1);
    await a.reg.must('requests.update', { id: first?.id ?? '', owner: 'dana', actor: 'dana' });
    await appendAudit(a.ctx.core.services, a.ws, { actor: 'dana', action: 'archive.exported', subject: 'person0@example.test' });
    const journal = await openJournal(a.ctx.core.services, a.ws);
    const run = journal.createRun({ kind: 'erasure', document: { note: 'plan' } });
    journal.addOperations(run.id, [{ ref: 'o1', stage: 1, kind: 'delete_ticket', targets: [42] }]);
    const localVerify = await a.reg.must('audit.verify', {});
    expect(localVerify).toMatchObject({ ok: true, count: 5 });
    localHashes = (await a.reg.must('audit.list', { limit: 1000 })).entries.map((e) => e.hash).reverse();
    expect(await a.ctx.call('team.status', {})).toMatchObject({ ok: true, value: { mode: 'local', where: null } });

    const init = await must(a.ctx.call('team.init', { databaseUrl: cluster.adminUrl(database) }));
    expect(init.migration).toMatchObject({ from: 0, to: TEAM_SCHEMA_VERSION });
    expect(init.moved).toMatchObject({ imported: true, requests: 3, links: 0, entries: 5, runs: 1, operations: 1, head: { seq: 6 } });
    expect(init.status).toMatchObject({
      mode: 'team',
      role: 'lethe_admin',
      reachable: true,
      schemaVersion: TEAM_SCHEMA_VERSION,
      via: 'init',
    });

    // The same router now reads the team database: the chain verifies, the local entries unchanged, the move last.
    expect(await a.reg.must('audit.verify', {})).toMatchObject({ ok: true, count: 6, total: 6, head: init.moved.head });
    const team = (await a.reg.must('audit.list', { limit: 1000 })).entries.reverse();
    expect(team.slice(0, 5).map((e) => e.hash)).toEqual(localHashes);
    expect(team.at(-1)).toMatchObject({
      action: 'team.migrated',
      actor: 'lethe_admin',
      data: { requests: 3, entries: 5, runs: 1, localHead: { seq: 5, hash: localHashes.at(-1) } },
    });
    expect((await a.reg.must('requests.list', { includeUnverified: true })).requests.map((r) => r.reference)).toEqual([
      'DSR-000003',
      'DSR-000002',
      'DSR-000001',
    ]);
    const c = new pg.Client({ connectionString: cluster.adminUrl(database) });
    await c.connect();
    try {
      expect((await c.query('SELECT kind, document FROM lethe.runs')).rows).toEqual([{ kind: 'erasure', document: '{"note":"plan"}' }]);
      expect((await c.query('SELECT count(*)::int AS n FROM lethe.operations')).rows[0]).toEqual({ n: 1 });
    } finally {
      await c.end();
    }

    // A second init is a no-op: nothing copied twice.
    const again = await must(a.ctx.call('team.init', { databaseUrl: cluster.adminUrl(database) }));
    expect(again.moved.imported).toBe(false);
    expect(await a.reg.must('audit.verify', {})).toMatchObject({ ok: true, count: 6 });
  });

  it('no password in lethe.json or team.json; it is in the keychain', async () => {
    const config = await readFile(join(a.ctx.dataDir, 'lethe.json'), 'utf8');
    const teamFile = await readFile(join(a.ctx.dataDir, 'team.json'), 'utf8');
    expect(config).not.toContain('admin-secret-for-tests');
    expect(config).not.toContain('postgres');
    expect(teamFile).not.toContain('admin-secret-for-tests');
    expect(JSON.parse(teamFile)).toMatchObject({ workspaces: { [a.ws]: { target: { user: 'lethe_admin', database }, via: 'init' } } });
    expect(await a.ctx.secrets.get(`${a.ws}/team-password`)).toBe('admin-secret-for-tests');
  });

  it('another machine joins as its own role; a wrong password is refused and saves nothing', async () => {
    b = await machine();
    await cluster.admin('GRANT lethe_officer TO ada');
    const wrong = await b.ctx.call('team.join', { databaseUrl: cluster.url('ada', 'not-the-password', database) });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'team_auth_failed' } });
    expect(await b.ctx.call('team.status', {})).toMatchObject({ ok: true, value: { mode: 'local' } });

    const joined = await must(
      b.ctx.call('team.join', { databaseUrl: `postgres://ada@127.0.0.1:${cluster.port}/${database}`, password: 'ada-pw' }),
    );
    expect(joined).toMatchObject({ mode: 'team', role: 'ada', reachable: true, via: 'join' });
    const seen = await b.reg.must('requests.list', { includeUnverified: true });
    expect(seen.requests).toHaveLength(3);
    expect(seen.team).toMatchObject({ offline: false, role: 'ada' });
  });

  it('an edit by one officer is seen by the other, and a stale edit is a conflict naming who changed what', async () => {
    const onA = (await a.reg.must('requests.list', { includeUnverified: true })).requests[0];
    const onB = (await b.reg.must('requests.list', { includeUnverified: true })).requests[0];
    expect(onA?.version).toBe(1);
    const changed = await b.reg.must('requests.update', { id: onB?.id ?? '', owner: 'ada', expectedVersion: onB?.version ?? 0 });
    expect(changed).toMatchObject({ owner: 'ada', version: 2, updatedBy: 'ada' });

    const stale = await a.reg.call('requests.update', { id: onA?.id ?? '', notes: 'old copy', expectedVersion: onA?.version ?? 0 });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict', details: { changedBy: 'ada', fields: 'owner' } } });
    // Without a version, a team edit is refused rather than made blind.
    expect(await a.reg.call('requests.update', { id: onA?.id ?? '', notes: 'blind' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    const fresh = await a.reg.must('requests.get', { id: onA?.id ?? '' });
    expect(fresh.request).toMatchObject({ owner: 'ada', version: 2 });
    expect(fresh.timeline.at(-1)).toMatchObject({ action: 'request.updated', actor: 'ada' });

    // Other domains' entries land in the one team chain too, in the role's name.
    await appendAudit(b.ctx.core.services, b.ws, { actor: 'typed name', action: 'archive.exported', requestId: onB?.id ?? '' });
    const verify = await a.reg.must('audit.verify', {});
    expect(verify).toMatchObject({ ok: true, count: 8 });
    expect((await a.reg.must('audit.list', { limit: 1 })).entries[0]).toMatchObject({ actor: 'ada', action: 'archive.exported' });
  });

  it('live: a change on one machine reaches the other as an event, without asking (LISTEN/NOTIFY)', async () => {
    const heard: unknown[] = [];
    const unsubscribe = a.ctx.core.events.subscribe((name, payload) => {
      if (name === 'team.changed') heard.push(payload);
    });
    try {
      const r = (await b.reg.must('requests.list', { includeUnverified: true })).requests[2];
      const changed = await b.reg.must('requests.setStatus', { id: r?.id ?? '', status: 'in_progress', expectedVersion: r?.version ?? 0 });
      const expected = { workspaceId: a.ws, requestId: r?.id, version: changed.version, by: 'ada' };
      await expect.poll(() => heard, { timeout: 10_000 }).toContainEqual(expected);
    } finally {
      unsubscribe();
    }
  });

  it('retention runs on the team register (a dry run here changes nothing); settings are the team’s', async () => {
    const r = (await b.reg.must('requests.list', { includeUnverified: true })).requests[0];
    expect(await b.reg.must('requests.applyRetention', { dryRun: true })).toEqual({ dryRun: true, deletedRequests: 0, purgedContacts: 0 });
    expect((await b.reg.must('requests.list', { includeUnverified: true })).requests[0]).toEqual(r);
    // The shared settings are read from the team database (the defaults until someone sets them).
    expect(await b.reg.must('requests.getSettings', {})).toEqual(await a.reg.must('requests.getSettings', {}));
  });

  it('a register already in the database is not overwritten by another machine’s init', async () => {
    const c = await machine();
    await c.reg.must('requests.create', {
      type: 'access',
      regulation: 'GDPR',
      channel: 'email',
      receivedAt: '2025-03-01T09:30:00+01:00',
      requester: person(9),
    });
    const refused = await c.ctx.call('team.init', { databaseUrl: cluster.adminUrl(database) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/team join/) } });
    expect(await c.ctx.call('team.status', {})).toMatchObject({ ok: true, value: { mode: 'local' } });
    expect((await a.reg.must('requests.list', { includeUnverified: true })).requests).toHaveLength(3);
  });

  it('offline: the last copy read, marked read-only with its time; writes refused, nothing queued; back when the server is', async () => {
    const before = await b.reg.must('requests.list', { includeUnverified: true });
    const target = before.requests[1];
    const id = target?.id ?? '';
    // The detail of one request opened, the dashboard and the audit list read while live.
    const detail = await b.reg.must('requests.get', { id });
    expect(detail.team).toMatchObject({ offline: false, role: 'ada' });
    expect(detail.timeline.length).toBeGreaterThan(0);
    const dashboard = await b.reg.must('requests.dashboard', {});
    const auditPage = await b.reg.must('audit.list', { limit: 50 });
    expect(auditPage.team).toMatchObject({ offline: false });
    const asCopy = (readAt: string | undefined) => ({ offline: true, readAt, reason: expect.stringMatching(/Cannot reach/), role: 'ada' });
    const servedFromCopy = async () => {
      const list = await b.reg.must('requests.list', { includeUnverified: true });
      // The dashboard read every request after the list did: that is the copy's time.
      expect(list.team).toMatchObject(asCopy(dashboard.team?.readAt));
      expect(list.requests.map((r) => r.id)).toEqual(before.requests.map((r) => r.id));
      const got = await b.reg.must('requests.get', { id });
      expect(got).toEqual({ request: detail.request, timeline: detail.timeline, team: asCopy(detail.team?.readAt) });
      // A request never opened here: its row in the list copy, its entries from the audit copy.
      const other = await b.reg.must('requests.get', { id: before.requests[0]?.id ?? '' });
      expect(other.request).toEqual(before.requests[0]);
      expect(other.team).toMatchObject({ offline: true });
      expect(other.timeline.every((e) => e.requestId === other.request.id)).toBe(true);
      const board = await b.reg.must('requests.dashboard', { asOf: dashboard.asOf });
      expect(board).toEqual({ ...dashboard, team: asCopy(dashboard.team?.readAt) });
      const audit = await b.reg.must('audit.list', { limit: 50 });
      expect(audit).toEqual({ entries: auditPage.entries, total: auditPage.total, team: asCopy(auditPage.team?.readAt) });
      const ofRequest = await b.reg.must('audit.list', { requestId: id });
      expect(ofRequest.entries.map((e) => e.seq)).toEqual(auditPage.entries.filter((e) => e.requestId === id).map((e) => e.seq));
      // Every write is refused with one code, saying nothing is queued.
      const v = target?.version ?? 0;
      const refusals = [
        await b.reg.call('requests.update', { id, owner: 'ada', expectedVersion: v }),
        await b.reg.call('requests.setStatus', { id, status: 'in_progress', expectedVersion: v }),
        await b.reg.call('requests.verify', {
          id,
          method: 'email_confirmation',
          dataPointsMatched: ['email'],
          verifiedBy: 'ada',
          expectedVersion: v,
        }),
        await b.reg.call('requests.extend', { id, reason: 'complex', expectedVersion: v }),
        await b.reg.call('requests.link', { id, kind: 'action', ref: 'note-1' }),
        await b.reg.call('requests.letter', { id, template: 'acknowledgement' }),
        await b.reg.call('requests.create', {
          type: 'access',
          regulation: 'GDPR',
          channel: 'email',
          receivedAt: '2025-03-05T09:00:00Z',
          requester: person(7),
        }),
        await b.reg.call('requests.applyRetention', { dryRun: false }),
        await b.reg.call('requests.setSettings', { retention: { keepClosedMonths: 36 } }),
        await b.reg.call('audit.export', { format: 'csv' }),
      ];
      for (const refused of refusals) {
        expect(refused).toMatchObject({
          ok: false,
          error: { code: 'team_unreachable', message: expect.stringMatching(/nothing is queued/) },
        });
      }
    };
    cluster.stop();
    try {
      await servedFromCopy();
      expect(await b.ctx.call('team.status', {})).toMatchObject({ ok: true, value: { mode: 'team', reachable: false } });
      expect(await b.reg.call('audit.verify', {})).toMatchObject({ ok: false, error: { code: 'team_unreachable' } });

      // The process restarts while the server is still down: the copy comes from the encrypted
      // journal store, with the time it was read, still read-only; never from a plaintext file.
      await b.ctx.core.close();
      const restarted = await createCore({ dataDir: b.ctx.dataDir, face: 'cli', secrets: b.ctx.secrets, log: createMemoryLogger() });
      restartedCores.push(restarted);
      b = { ...b, ctx: { ...b.ctx, core: restarted, call: (name, input) => restarted.router.call(name, input) as never } };
      b.reg = registerRouter(restarted.services);
      await servedFromCopy();
      const email = before.requests[0]?.requester.email ?? '';
      expect(email).not.toBe('');
      for (const file of await readdir(b.ctx.dataDir, { recursive: true })) {
        const path = join(b.ctx.dataDir, file);
        if (!(await stat(path)).isFile()) continue;
        expect((await readFile(path)).includes(Buffer.from(email)), file).toBe(false);
      }
    } finally {
      cluster.start();
    }
    const back = await b.reg.must('requests.list', { includeUnverified: true });
    expect(back.team).toMatchObject({ offline: false });
    expect(back.requests.find((r) => r.id === target?.id)?.version).toBe(target?.version);
    expect((await b.reg.must('requests.get', { id })).team).toMatchObject({ offline: false });
    expect((await b.reg.must('requests.dashboard', {})).team).toMatchObject({ offline: false });
    expect((await b.reg.must('audit.list', {})).team).toMatchObject({ offline: false });
    // 8 before, and the status change of the live test.
    expect(await b.reg.must('audit.verify', {})).toMatchObject({ ok: true, count: 9 });
  });

  it('closing while a team query hangs does not hang the app: it closes after the deadline, saying so', async () => {
    const lines = (a.ctx.core.services.log as ReturnType<typeof createMemoryLogger>).lines;
    const session = await teamSessionFor(a.ctx.core.services, a.ws);
    if (!session) throw new Error('machine a is in team mode');
    expect(lines.some((l) => l.includes('listening for changes on the team database'))).toBe(true);
    // A query the server does not answer for a minute holds its connection checked out, so the
    // pool's own end() would wait for it.
    const hung = session.pool.withClient((client) => client.query('SELECT pg_sleep(60) AS hung')).catch((e: unknown) => e);
    await expect.poll(() => activeSleeps(), { timeout: 10_000 }).toBe(1);
    await a.ctx.core.close();
    expect(lines.some((l) => l.includes('team database connections did not close within 3000 ms'))).toBe(true);
    await cluster.admin(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60) AS hung%' AND pid <> pg_backend_pid()",
    );
    expect(await hung).toBeInstanceOf(Error);
  });
});

async function activeSleeps(): Promise<number> {
  const client = new pg.Client({ connectionString: cluster.adminUrl(database) });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60) AS hung%' AND state = 'active' AND pid <> pg_backend_pid()",
    );
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}
