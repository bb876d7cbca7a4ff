import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LetheError } from '../../src/shared/errors';
import { openTeamPool, parseDatabaseUrl, type TeamPool } from '../../src/main/core/team/connection';
import { migrateTeamSchema } from '../../src/main/core/team/migrate';
import { verifyTeamAudit, listTeamAudit } from '../../src/main/core/team/team-audit';
import { TeamRegister } from '../../src/main/core/team/team-register';
import type { NewRequest } from '../../src/main/core/requests/request-service';
import { startPostgres, type PgCluster } from '../support/postgres';

// Two officers, each their own PostgreSQL role, writing one register and one audit chain at once.

let pg: PgCluster;
let database: string;
let owner: TeamPool;
let ada: TeamRegister;
let bob: TeamRegister;
let adaPool: TeamPool;
const pools: TeamPool[] = [];
const key = randomBytes(32);

function pool(url: string): TeamPool {
  const { target, password } = parseDatabaseUrl(url);
  const p = openTeamPool(target, password);
  pools.push(p);
  return p;
}

beforeAll(async () => {
  pg = await startPostgres();
  database = await pg.createDatabase('register');
  owner = pool(pg.adminUrl(database));
  await migrateTeamSchema(owner);
  await pg.createLogin('ada', 'ada-pw', ['lethe_officer']);
  await pg.createLogin('bob', 'bob-pw', ['lethe_officer']);
  adaPool = pool(pg.url('ada', 'ada-pw', database));
  ada = new TeamRegister(adaPool, key);
  bob = new TeamRegister(pool(pg.url('bob', 'bob-pw', database)), key);
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
  pg?.destroy();
});

const request = (n: number): NewRequest => ({
  type: 'access',
  regulation: 'GDPR',
  channel: 'email',
  receivedAt: '2025-03-01T09:00:00Z',
  timeZone: 'Europe/Berlin',
  requester: { name: `Person ${n}`, email: `person${n}@example.test` },
});

describe('team register and audit chain on PostgreSQL', () => {
  it('concurrent writers from two roles: every write kept, one linear chain naming each role', async () => {
    const before = (await verifyTeamAudit(owner)).total;
    const writes = Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? ada : bob).create(request(i)));
    const created = await Promise.all(writes);
    // Each then changes the requests the other created, at the version they read.
    await Promise.all(created.map((r, i) => (i % 2 === 0 ? bob : ada).update(r.id, r.version, { owner: i % 2 === 0 ? 'bob' : 'ada' })));

    const all = await ada.list();
    expect(all).toHaveLength(24);
    expect(all.map((r) => r.reference).sort()).toEqual(Array.from({ length: 24 }, (_, i) => `DSR-${String(i + 1).padStart(6, '0')}`));
    expect(all.every((r) => r.version === 2 && r.owner === r.updatedBy)).toBe(true);
    expect(new Set(all.map((r) => r.createdBy))).toEqual(new Set(['ada', 'bob']));

    const verification = await verifyTeamAudit(owner);
    expect(verification.result).toMatchObject({ ok: true, count: before + 48 });
    expect(verification.total).toBe(before + 48);
    const { entries } = await listTeamAudit(owner, { limit: 1000 });
    expect(new Set(entries.map((e) => e.actor))).toEqual(new Set(['ada', 'bob']));
    // The actor is the database role, whatever a client would have typed.
    const mine = await listTeamAudit(owner, { requestId: created[0]?.id ?? '' });
    expect(mine.entries.map((e) => [e.action, e.actor])).toEqual([
      ['request.updated', 'bob'],
      ['request.created', 'ada'],
    ]);
  });

  it('a stale edit is a conflict that says who changed what, never a silent overwrite', async () => {
    const read = await ada.create(request(100));
    const bobsCopy = await bob.get(read.id);
    const afterAda = await ada.update(read.id, read.version, { owner: 'ada', notes: 'called back' });
    expect(afterAda.version).toBe(read.version + 1);

    const stale = await bob.update(bobsCopy.id, bobsCopy.version, { notes: 'bob was here' }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(LetheError);
    expect(stale).toMatchObject({
      code: 'conflict',
      details: { currentVersion: 2, expectedVersion: 1, changedBy: 'ada', fields: 'owner,notes' },
    });
    expect((stale as LetheError).message).toMatch(/changed by ada since you read it .*: owner, notes\. Reload/);
    const now = await bob.get(read.id);
    expect(now).toMatchObject({ notes: 'called back', owner: 'ada', version: 2, updatedBy: 'ada' });

    // Against the version just read, the same edit goes through.
    expect(await bob.setStatus(now.id, now.version, { status: 'in_progress' })).toMatchObject({ status: 'in_progress', version: 3 });
  });

  it('of many simultaneous edits against one version, exactly one wins', async () => {
    const read = await ada.create(request(200));
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? ada : bob).update(read.id, read.version, { notes: `edit ${i}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.map((r) => (r.reason as LetheError).code)).toEqual(['conflict', 'conflict', 'conflict', 'conflict', 'conflict']);
    expect((await ada.get(read.id)).version).toBe(2);
    expect((await verifyTeamAudit(owner)).result.ok).toBe(true);
  });

  it('verify names the entry someone changed behind the triggers (a superuser disabling them)', async () => {
    const db = await pg.createDatabase('tamper');
    const o = pool(pg.adminUrl(db));
    await migrateTeamSchema(o);
    const reg = new TeamRegister(o, key);
    for (let i = 0; i < 3; i += 1) await reg.create(request(i));
    expect((await verifyTeamAudit(o)).result).toMatchObject({ ok: true, count: 3 });
    await pg.admin(
      `ALTER TABLE lethe.audit_log DISABLE TRIGGER USER; UPDATE lethe.audit_log SET action = 'request.deleted' WHERE seq = 2;`,
      db,
    );
    expect((await verifyTeamAudit(o)).result).toMatchObject({ ok: false, brokenAt: 2, reason: 'hash_mismatch' });
  });

  it('the database going away mid-session is team_unreachable, and the same pool works once it is back', async () => {
    const read = await ada.create(request(300));
    pg.stop();
    try {
      const down = await ada.update(read.id, read.version, { owner: 'ada' }).catch((e: unknown) => e);
      expect(down).toMatchObject({ code: 'team_unreachable' });
      expect(await ada.get(read.id).catch((e: unknown) => (e as LetheError).code)).toBe('team_unreachable');
    } finally {
      pg.start();
    }
    // Nothing was half-written: the version is the one read, and the edit applies now.
    expect((await ada.get(read.id)).version).toBe(read.version);
    expect(await ada.update(read.id, read.version, { owner: 'ada' })).toMatchObject({ owner: 'ada', version: read.version + 1 });
    expect((await verifyTeamAudit(owner)).result.ok).toBe(true);
  });
});
