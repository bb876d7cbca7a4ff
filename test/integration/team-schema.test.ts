import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LetheError } from '../../src/shared/errors';
import { openTeamPool, parseDatabaseUrl, type TeamPool } from '../../src/main/core/team/connection';
import { assertSchemaCurrent, migrateTeamSchema, readSchemaVersion } from '../../src/main/core/team/migrate';
import { TEAM_MIGRATIONS, TEAM_SCHEMA_VERSION } from '../../src/main/core/team/migrations';
import { startPostgres, type PgCluster } from '../support/postgres';

// A real PostgreSQL (test/support/postgres.ts): the schema, its versioned migrations, the roles and
// what the database itself refuses.

let pg: PgCluster;
const pools: TeamPool[] = [];
beforeAll(async () => {
  pg = await startPostgres();
  await pg.createLogin('ada', 'ada-pw', []);
  await pg.createLogin('bob', 'bob-pw', []);
  await pg.createLogin('cyd', 'cyd-pw', []);
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
  pg?.destroy();
});

function pool(url: string): TeamPool {
  const { target, password } = parseDatabaseUrl(url);
  const p = openTeamPool(target, password);
  pools.push(p);
  return p;
}

async function freshDb(): Promise<{ name: string; owner: TeamPool }> {
  const name = await pg.createDatabase('schema');
  return { name, owner: pool(pg.adminUrl(name)) };
}

const upTo = (version: number) => TEAM_MIGRATIONS.filter((m) => m.version <= version);
const q = (p: TeamPool, sql: string, params: unknown[] = []) => p.withClient((c) => c.query(sql, params));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof LetheError ? error.code : `raw:${String(error)}`;
  }
  return 'no error';
}

const REQ = `INSERT INTO lethe.requests (id, number, type, regulation, channel, received_at, time_zone, status, created_at, updated_at)
  VALUES ($1, $2, 'access', 'GDPR', 'email', '2025-01-01T00:00:00Z', 'UTC', 'received', 'x', 'x')`;

describe('team schema migrations (one test each)', () => {
  it('0010 creates the register with a version per request, bumped by the database on every update', async () => {
    const { owner } = await freshDb();
    expect(await migrateTeamSchema(owner, upTo(10))).toEqual({ from: 0, to: 10, applied: ['10-register'] });
    await q(owner, REQ, ['req_a', 1]);
    await q(owner, `UPDATE lethe.requests SET notes = 'n', version = 99 WHERE id = 'req_a'`);
    await q(owner, `UPDATE lethe.requests SET owner = 'o' WHERE id = 'req_a'`);
    const row = (await q(owner, `SELECT version, updated_by FROM lethe.requests`)).rows[0];
    // The client's "version = 99" is ignored: the trigger counts.
    expect(row).toEqual({ version: 3, updated_by: 'lethe_admin' });
    expect(await codeOf(q(owner, REQ, ['req_b', 1]))).toBe('conflict');
  });

  it('0020 adds the audit log to a version-10 schema, keeps the requests, and accepts entries only at the head', async () => {
    const { owner } = await freshDb();
    await migrateTeamSchema(owner, upTo(10));
    await q(owner, REQ, ['req_keep', 7]);
    expect(await migrateTeamSchema(owner, upTo(20))).toEqual({ from: 10, to: 20, applied: ['20-audit'] });
    expect((await q(owner, 'SELECT id, number FROM lethe.requests')).rows).toEqual([{ id: 'req_keep', number: 7 }]);
    const insert = `INSERT INTO lethe.audit_log (seq, at, actor, action, data, prev_hash, hash) VALUES ($1, 'x', 'lethe_admin', 'a.b', '{}', $2, $3)`;
    await q(owner, insert, [1, '0'.repeat(64), 'a'.repeat(64)]);
    // Not at the head: a gap, or a fork from an older entry.
    expect(await codeOf(q(owner, insert, [3, 'a'.repeat(64), 'b'.repeat(64)]))).toBe('conflict');
    expect(await codeOf(q(owner, insert, [2, '0'.repeat(64), 'b'.repeat(64)]))).toBe('conflict');
    // Even the owner cannot change or remove history through the table.
    expect(await codeOf(q(owner, `UPDATE lethe.audit_log SET actor = 'mallory'`))).toBe('forbidden');
    expect(await codeOf(q(owner, 'DELETE FROM lethe.audit_log'))).toBe('forbidden');
    expect(await codeOf(q(owner, 'TRUNCATE lethe.audit_log'))).toBe('forbidden');
    expect((await q(owner, 'SELECT actor FROM lethe.audit_log')).rows).toEqual([{ actor: 'lethe_admin' }]);
  });

  it('0030 adds the journal and plans; an approval by the preparer is refused by the database', async () => {
    const { owner } = await freshDb();
    await migrateTeamSchema(owner, upTo(20));
    expect(await migrateTeamSchema(owner, upTo(30))).toEqual({ from: 20, to: 30, applied: ['30-journal-and-plans'] });
    await q(
      owner,
      `INSERT INTO lethe.runs (id, kind, state, document, created_at, updated_at) VALUES ('run_1', 'erasure', 'draft', '{}', 'x', 'x')`,
    );
    expect((await q(owner, `SELECT prepared_by FROM lethe.runs`)).rows[0]).toEqual({ prepared_by: 'lethe_admin' });
    const approve = `INSERT INTO lethe.plan_approvals (run_id, approved_at, fingerprint) VALUES ('run_1', 'x', 'f')`;
    const e = await owner.withClient((c) => c.query(approve)).catch((error: unknown) => error);
    expect(e).toBeInstanceOf(LetheError);
    expect((e as LetheError).code).toBe('forbidden');
    expect((e as LetheError).message).toMatch(/second-person approval/);
    expect((await q(owner, 'SELECT count(*)::int AS n FROM lethe.plan_approvals')).rows[0]).toEqual({ n: 0 });
  });

  it('0040 creates the officer, approver and auditor roles with privileges, not conventions', async () => {
    const { name, owner } = await freshDb();
    await migrateTeamSchema(owner, upTo(30));
    await q(owner, REQ, ['req_x', 1]);
    expect(await migrateTeamSchema(owner, upTo(40))).toEqual({ from: 30, to: 40, applied: ['40-roles'] });
    await pg.admin('GRANT lethe_officer TO ada; GRANT lethe_approver TO bob; GRANT lethe_auditor TO cyd');
    const ada = pool(pg.url('ada', 'ada-pw', name));
    const bob = pool(pg.url('bob', 'bob-pw', name));
    const cyd = pool(pg.url('cyd', 'cyd-pw', name));

    // The officer writes the register and appends to the chain, in their own name only.
    await q(ada, `UPDATE lethe.requests SET owner = 'ada' WHERE id = 'req_x'`);
    expect((await q(ada, 'SELECT updated_by, version FROM lethe.requests')).rows[0]).toEqual({ updated_by: 'ada', version: 2 });
    const entry = `INSERT INTO lethe.audit_log (seq, at, actor, action, data, prev_hash, hash) VALUES (1, 'x', $1, 'a.b', '{}', $2, $3)`;
    expect(await codeOf(q(ada, entry, ['bob', '0'.repeat(64), 'a'.repeat(64)]))).toBe('forbidden');
    await q(ada, entry, ['ada', '0'.repeat(64), 'a'.repeat(64)]);
    // ... but can never change or remove it: no privilege, whatever the triggers.
    for (const sql of [`UPDATE lethe.audit_log SET actor = 'x'`, 'DELETE FROM lethe.audit_log', 'TRUNCATE lethe.audit_log']) {
      expect(await codeOf(q(ada, sql))).toBe('forbidden');
      expect(await codeOf(q(bob, sql))).toBe('forbidden');
    }
    expect(await codeOf(q(ada, `DELETE FROM lethe.requests`))).toBe('forbidden');
    // The auditor reads everything and writes nothing.
    expect((await q(cyd, 'SELECT count(*)::int AS n FROM lethe.audit_log')).rows[0]).toEqual({ n: 1 });
    expect(await codeOf(q(cyd, `UPDATE lethe.requests SET owner = 'cyd'`))).toBe('forbidden');

    // Ada prepares a plan; she cannot approve it (not an approver), Bob can; an approver who prepared cannot.
    await q(
      ada,
      `INSERT INTO lethe.runs (id, kind, state, document, created_at, updated_at) VALUES ('run_a', 'erasure', 'draft', '{}', 'x', 'x')`,
    );
    const approve = (run: string) =>
      `INSERT INTO lethe.plan_approvals (run_id, approved_at, fingerprint, approved_by) VALUES ('${run}', 'x', 'f', 'someone')`;
    expect(await codeOf(q(ada, approve('run_a')))).toBe('forbidden');
    await q(bob, approve('run_a'));
    expect((await q(cyd, 'SELECT approved_by FROM lethe.plan_approvals')).rows).toEqual([{ approved_by: 'bob' }]);
    await pg.admin('GRANT lethe_officer TO bob');
    await q(
      bob,
      `INSERT INTO lethe.runs (id, kind, state, document, created_at, updated_at) VALUES ('run_b', 'erasure', 'draft', '{}', 'x', 'x')`,
    );
    const own = await bob.withClient((c) => c.query(approve('run_b'))).catch((error: unknown) => error as LetheError);
    expect(own).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/bob prepared this plan/) });
  });

  it('0050 announces request changes and audit entries on their channels', async () => {
    const { owner } = await freshDb();
    await migrateTeamSchema(owner, upTo(40));
    expect(await migrateTeamSchema(owner, upTo(50))).toEqual({ from: 40, to: 50, applied: ['50-live-updates'] });
    const listener = await owner.pool.connect();
    try {
      const heard: Array<{ channel: string; payload: unknown }> = [];
      listener.on('notification', (n) => heard.push({ channel: n.channel, payload: JSON.parse(n.payload ?? 'null') }));
      await listener.query('LISTEN lethe_requests');
      await q(owner, REQ, ['req_live', 1]);
      await q(owner, `UPDATE lethe.requests SET owner = 'x'`);
      // Notifications arrive after commit, in order; a round trip on the listener delivers them.
      await listener.query('SELECT 1');
      expect(heard).toEqual([
        { channel: 'lethe_requests', payload: { id: 'req_live', version: 1, by: 'lethe_admin' } },
        { channel: 'lethe_requests', payload: { id: 'req_live', version: 2, by: 'lethe_admin' } },
      ]);
    } finally {
      listener.release();
    }
  });

  it('0060 keeps the team subject key: readable by the three roles, written by none of them', async () => {
    const { name, owner } = await freshDb();
    await migrateTeamSchema(owner, upTo(50));
    expect(await migrateTeamSchema(owner, upTo(60))).toEqual({ from: 50, to: 60, applied: ['60-team-key'] });
    await pg.createLogin('kay', 'kay-pw', ['lethe_officer']);
    await pg.createLogin('lee', 'lee-pw', ['lethe_approver']);
    await pg.createLogin('max', 'max-pw', ['lethe_auditor']);
    const key = 'ab'.repeat(32);
    // Only a 64-hex-digit key is accepted, even from the owner.
    expect(await codeOf(q(owner, `INSERT INTO lethe.team_keys (name, value) VALUES ('subject', 'not-a-key')`))).not.toBe('no error');
    await q(owner, `INSERT INTO lethe.team_keys (name, value) VALUES ('subject', $1)`, [key]);
    for (const role of ['kay', 'lee', 'max']) {
      const p = pool(pg.url(role, `${role}-pw`, name));
      expect((await q(p, 'SELECT name, value, created_by FROM lethe.team_keys')).rows).toEqual([
        { name: 'subject', value: key, created_by: 'lethe_admin' },
      ]);
      for (const sql of [
        `INSERT INTO lethe.team_keys (name, value) VALUES ('other', '${'cd'.repeat(32)}')`,
        `UPDATE lethe.team_keys SET value = '${'ef'.repeat(32)}'`,
        'DELETE FROM lethe.team_keys',
      ]) {
        expect(await codeOf(q(p, sql))).toBe('forbidden');
      }
    }
    expect((await q(owner, 'SELECT value FROM lethe.team_keys')).rows).toEqual([{ value: key }]);
  });

  it('0070 keeps approvals as a history: a changed plan is approved again, the preparer still refused', async () => {
    const { name, owner } = await freshDb();
    await migrateTeamSchema(owner, upTo(60));
    await pg.createLogin('dee', 'dee-pw', ['lethe_officer', 'lethe_approver']);
    await pg.createLogin('eve', 'eve-pw', ['lethe_approver']);
    const dee = pool(pg.url('dee', 'dee-pw', name));
    const eve = pool(pg.url('eve', 'eve-pw', name));
    await q(
      dee,
      `INSERT INTO lethe.runs (id, kind, state, document, created_at, updated_at) VALUES ('run_h', 'erasure', 'draft', '{}', 'x', 'x')`,
    );
    const approve = (fingerprint: string) =>
      `INSERT INTO lethe.plan_approvals (run_id, approved_at, fingerprint) VALUES ('run_h', 'x', '${fingerprint}')`;
    await q(eve, approve('f1'));
    // Before 0070 one approval per plan: the plan changed, its new version cannot be approved.
    expect(await codeOf(q(eve, approve('f2')))).toBe('conflict');
    expect(await migrateTeamSchema(owner, upTo(70))).toEqual({ from: 60, to: 70, applied: ['70-approval-history'] });
    await q(eve, approve('f2'));
    expect(await codeOf(q(dee, approve('f2')))).toBe('forbidden');
    expect(await codeOf(q(eve, `DELETE FROM lethe.plan_approvals`))).toBe('forbidden');
    expect((await q(owner, 'SELECT approved_by, fingerprint FROM lethe.plan_approvals ORDER BY id')).rows).toEqual([
      { approved_by: 'eve', fingerprint: 'f1' },
      { approved_by: 'eve', fingerprint: 'f2' },
    ]);
  });

  it('0080 shares identity-link decisions: stamped with the deciding role, one row per pair, undone by officers only', async () => {
    const { name, owner } = await freshDb();
    await migrateTeamSchema(owner, upTo(70));
    expect(await migrateTeamSchema(owner, upTo(80))).toEqual({ from: 70, to: 80, applied: ['80-identity-links'] });
    await pg.createLogin('fay', 'fay-pw', ['lethe_officer']);
    await pg.createLogin('gil', 'gil-pw', ['lethe_auditor']);
    const fay = pool(pg.url('fay', 'fay-pw', name));
    const gil = pool(pg.url('gil', 'gil-pw', name));
    const insert = `INSERT INTO lethe.identity_links (user_id, linked_user_id, decision, reason, decided_by, decided_at) VALUES ($1, $2, 'confirmed', 'r', 'someone', 'x')`;
    await q(fay, insert, [1, 2]);
    expect((await q(gil, 'SELECT decided_by FROM lethe.identity_links')).rows).toEqual([{ decided_by: 'fay' }]);
    // The same pair twice, or the higher id first, is refused: a decision holds from either side.
    expect(await codeOf(q(fay, insert, [1, 2]))).toBe('conflict');
    expect(await codeOf(q(fay, insert, [3, 2]))).not.toBe('no error');
    expect(await codeOf(q(gil, insert, [4, 5]))).toBe('forbidden');
    expect(await codeOf(q(gil, 'DELETE FROM lethe.identity_links'))).toBe('forbidden');
    await q(fay, 'DELETE FROM lethe.identity_links WHERE user_id = 1');
    expect((await q(owner, 'SELECT count(*)::int AS n FROM lethe.identity_links')).rows[0]).toEqual({ n: 0 });
  });

  it('0090 shares former addresses: stamped with the officer who replaced them, never changed or deleted', async () => {
    const { name, owner } = await freshDb();
    await migrateTeamSchema(owner, upTo(80));
    expect(await migrateTeamSchema(owner, upTo(90))).toEqual({ from: 80, to: 90, applied: ['90-former-identities'] });
    await pg.createLogin('hal', 'hal-pw', ['lethe_officer']);
    await pg.createLogin('ivy', 'ivy-pw', ['lethe_auditor']);
    const hal = pool(pg.url('hal', 'hal-pw', name));
    const ivy = pool(pg.url('ivy', 'ivy-pw', name));
    const insert = `INSERT INTO lethe.former_identities (user_id, type, value, replaced_at, replaced_by) VALUES ($1, 'email', $2, 'x', 'someone')`;
    await q(hal, insert, [1, 'old@example.com']);
    expect((await q(ivy, 'SELECT user_id::int AS id, value, replaced_by FROM lethe.former_identities')).rows).toEqual([
      { id: 1, value: 'old@example.com', replaced_by: 'hal' },
    ]);
    expect(await codeOf(q(hal, insert, [1, 'old@example.com']))).toBe('conflict');
    expect(await codeOf(q(ivy, insert, [2, 'b@example.com']))).toBe('forbidden');
    expect(await codeOf(q(hal, `UPDATE lethe.former_identities SET value = 'x'`))).toBe('forbidden');
    expect(await codeOf(q(hal, 'DELETE FROM lethe.former_identities'))).toBe('forbidden');
  });

  it('0110 deletes a request record only through lethe.delete_by_retention, callable by officers alone', async () => {
    const { name, owner } = await freshDb();
    await migrateTeamSchema(owner, upTo(90));
    expect(await migrateTeamSchema(owner, upTo(110))).toEqual({ from: 90, to: 110, applied: ['110-retention'] });
    await pg.createLogin('jon', 'jon-pw', ['lethe_officer']);
    await pg.createLogin('kim', 'kim-pw', ['lethe_approver']);
    const jon = pool(pg.url('jon', 'jon-pw', name));
    const kim = pool(pg.url('kim', 'kim-pw', name));
    await q(owner, REQ, ['req_r', 1]);
    // Open, so not past any retention period: refused by the function itself.
    expect(await codeOf(q(jon, `SELECT lethe.delete_by_retention('req_r')`))).toBe('forbidden');
    expect(await codeOf(q(kim, `SELECT lethe.delete_by_retention('req_r')`))).toBe('forbidden');
    expect(await codeOf(q(jon, `DELETE FROM lethe.requests WHERE id = 'req_r'`))).toBe('forbidden');
    expect((await q(owner, 'SELECT count(*)::int AS n FROM lethe.requests')).rows[0]).toEqual({ n: 1 });
  });

  it('the migrations only grow, are applied in order, and the schema version is the last one, as the docs say', async () => {
    const versions = TEAM_MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 110]);
    expect(versions.every((v, i) => i === 0 || v > (versions[i - 1] ?? 0))).toBe(true);
    expect(TEAM_SCHEMA_VERSION).toBe(110);
    const docs = readFileSync(new URL('../../docs/team-mode.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    expect(docs).toContain(`the schema version is the last one's (${TEAM_SCHEMA_VERSION})`);
    const { owner } = await freshDb();
    await migrateTeamSchema(owner);
    const recorded = await q(owner, 'SELECT version, name FROM lethe.schema_migrations ORDER BY applied_at, version');
    expect(recorded.rows).toEqual(TEAM_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it('migrating is idempotent and a database newer than this version is refused, not written', async () => {
    const { owner } = await freshDb();
    await migrateTeamSchema(owner);
    expect(await migrateTeamSchema(owner)).toEqual({ from: TEAM_SCHEMA_VERSION, to: TEAM_SCHEMA_VERSION, applied: [] });
    expect(await owner.withClient((c) => assertSchemaCurrent(c))).toBe(TEAM_SCHEMA_VERSION);
    await q(owner, `INSERT INTO lethe.schema_migrations (version, name) VALUES (9999, 'from-the-future')`);
    expect(await codeOf(migrateTeamSchema(owner))).toBe('team_schema_newer');
    expect(await codeOf(owner.withClient((c) => assertSchemaCurrent(c)))).toBe('team_schema_newer');
    expect(await owner.withClient((c) => readSchemaVersion(c))).toBe(9999);
  });
});

describe('the README set-up', () => {
  it('an owner that is not a superuser, with the roles made by the DBA beforehand, runs init; officers work', async () => {
    await pg.admin(`CREATE ROLE readme_owner LOGIN PASSWORD 'owner-pw' CREATEROLE`);
    const db = await pg.createDatabase('readme');
    await pg.admin(`ALTER DATABASE ${db} OWNER TO readme_owner`);
    // The group roles exist already (earlier tests made them): init must not need to create them.
    const owner = pool(pg.url('readme_owner', 'owner-pw', db));
    expect((await migrateTeamSchema(owner)).to).toBe(TEAM_SCHEMA_VERSION);
    await pg.createLogin('readme_dana', 'dana-pw', ['lethe_officer']);
    const dana = pool(pg.url('readme_dana', 'dana-pw', db));
    await q(dana, REQ, ['req_readme', 1]);
    expect((await q(dana, 'SELECT created_by FROM lethe.requests')).rows).toEqual([{ created_by: 'readme_dana' }]);
    expect(await codeOf(q(dana, 'DELETE FROM lethe.audit_log'))).toBe('forbidden');
  });
});

describe('connection errors have stable codes', () => {
  it('missing schema, missing database, wrong password, unreachable server, TLS required', async () => {
    const { name, owner } = await freshDb();
    expect(await codeOf(owner.withClient((c) => assertSchemaCurrent(c)))).toBe('team_schema_missing');
    expect(await codeOf(q(pool(pg.adminUrl('no_such_db')), 'SELECT 1'))).toBe('team_schema_missing');
    expect(await codeOf(q(pool(pg.url('ada', 'wrong-password', name)), 'SELECT 1'))).toBe('team_auth_failed');
    const wrong: unknown = await q(pool(pg.url('ada', 'not-her-password', name)), 'SELECT 1').catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(LetheError);
    expect((wrong as LetheError).message).not.toContain('not-her-password');
    // A port nothing listens on.
    const closed = pg.url('ada', 'ada-pw', name).replace(`:${pg.port}/`, ':1/');
    expect(await codeOf(q(pool(closed), 'SELECT 1'))).toBe('team_unreachable');
    // The server accepts this database only over TLS.
    const tlsDb = await pg.createDatabase('tlsonly');
    pg.addHbaFirst(`hostssl ${tlsDb} all 127.0.0.1/32 scram-sha-256\nhost ${tlsDb} all 127.0.0.1/32 reject`);
    expect(await codeOf(q(pool(pg.adminUrl(tlsDb)), 'SELECT 1'))).toBe('team_tls_required');
    // Asking for TLS from a server that offers none is the same family of problem, said plainly.
    expect(await codeOf(q(pool(`${pg.adminUrl(name)}?sslmode=require`), 'SELECT 1'))).toBe('team_tls_required');
  });

  it('refuses a URL that is not a PostgreSQL URL, without echoing a password', () => {
    expect(() => parseDatabaseUrl('mysql://a:b@h/d')).toThrow(/postgres:\/\//);
    expect(() => parseDatabaseUrl('not a url')).toThrow(LetheError);
    expect(() => parseDatabaseUrl('postgres://u:pw@host:5432/')).toThrow(/database/);
    expect(parseDatabaseUrl('postgres://u%40x:p%3Aw@db.example:6543/lethe?sslmode=require')).toEqual({
      target: { host: 'db.example', port: 6543, database: 'lethe', user: 'u@x', sslmode: 'require' },
      password: 'p:w',
    });
    // Off the loopback, the default is TLS with a checked certificate.
    expect(parseDatabaseUrl('postgres://u@db.example/lethe').target.sslmode).toBe('verify-full');
  });
});
