import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { RegisterRouter } from '../../src/main/core/requests/testing/register-router';
import { useTeamOfficers } from '../support/team-officers';

// The register's retention on a real PostgreSQL, between officers with their own roles: the
// contact details of requests closed long enough ago are purged and records past the retention
// period deleted, each recorded under the role that ran it, each purge a new version (so a stale
// edit is a conflict), and the database itself refuses a deletion the rules do not allow.

const team = useTeamOfficers('retention', ['ada', 'bob', 'cyd']);
const machine = team.machine;

async function sql<T extends pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

const DAY = 86_400_000;
const ago = (days: number): string => new Date(Date.now() - days * DAY).toISOString();

describe('retention in team mode', () => {
  let ada: RegisterRouter;
  let bob: RegisterRouter;
  let cyd: RegisterRouter;
  const ids: Record<'old' | 'recent' | 'open' | 'fresh' | 'unlogged', string> = { old: '', recent: '', open: '', fresh: '', unlogged: '' };

  async function closed(who: RegisterRouter, n: number, receivedDaysAgo: number, closedDaysAgo: number | null): Promise<string> {
    const r = await who.must('requests.create', {
      type: 'access',
      regulation: 'GDPR',
      channel: 'email',
      receivedAt: ago(receivedDaysAgo),
      requester: { name: `Person ${n}`, email: `person${n}@example.test` },
    });
    if (closedDaysAgo !== null) {
      await who.must('requests.setStatus', { id: r.id, status: 'completed', at: ago(closedDaysAgo), expectedVersion: r.version });
    }
    return r.id;
  }

  it('sets up a register with requests closed long ago, recently, and open ones', async () => {
    await machine(team.adminUrl(), true);
    await team.cluster.admin('GRANT lethe_officer TO ada, bob');
    await team.cluster.admin('GRANT lethe_auditor TO cyd');
    ada = await machine(team.url('ada'));
    bob = await machine(team.url('bob'));
    cyd = await machine(team.url('cyd'));
    ids.old = await closed(bob, 1, 1200, 1000); // closed ~33 months ago: past the 24 months kept
    ids.recent = await closed(bob, 2, 60, 10); // closed 10 days ago: contact details go after 5 days
    ids.open = await closed(bob, 3, 20, null);
    ids.fresh = await closed(bob, 4, 5, 1); // closed yesterday: kept whole
    await bob.must('requests.setSettings', { retention: { keepClosedMonths: 24, purgeContactAfterDays: 5 } });
  });

  it('an auditor cannot apply it, and a dry run changes nothing', async () => {
    const before = (await ada.must('requests.list', { includeClosed: true, includeUnverified: true })).requests;
    expect(await cyd.call('requests.applyRetention', { dryRun: false })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await ada.must('requests.applyRetention', { dryRun: true })).toEqual({ dryRun: true, deletedRequests: 1, purgedContacts: 1 });
    // A later date only in a dry run: the database's clock decides a real one.
    expect(await ada.must('requests.applyRetention', { dryRun: true, asOf: new Date(Date.now() + 400 * DAY).toISOString() })).toEqual({
      dryRun: true,
      deletedRequests: 1,
      purgedContacts: 2,
    });
    const later = await ada.call('requests.applyRetention', { dryRun: false, asOf: new Date(Date.now() + 400 * DAY).toISOString() });
    expect(later).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect((await ada.must('requests.list', { includeClosed: true, includeUnverified: true })).requests).toEqual(before);
  });

  it('purges and deletes under the team’s settings, recorded under the role; a stale edit of a purged request is a conflict', async () => {
    const seenByBob = (await bob.must('requests.get', { id: ids.recent })).request;
    expect(seenByBob.requester.email).toBe('person2@example.test');
    const outcome = await ada.must('requests.applyRetention', { dryRun: false, actor: 'Somebody Typed' });
    expect(outcome).toEqual({ dryRun: false, deletedRequests: 1, purgedContacts: 1 });

    const after = (await bob.must('requests.list', { includeClosed: true, includeUnverified: true })).requests;
    expect(after.map((r) => r.id).sort()).toEqual([ids.recent, ids.open, ids.fresh].sort());
    const purged = after.find((r) => r.id === ids.recent);
    expect(purged?.requester).toMatchObject({ name: null, email: null, phone: null });
    expect(purged).toMatchObject({ version: (seenByBob.version ?? 0) + 1, updatedBy: 'ada' });
    expect(after.find((r) => r.id === ids.fresh)?.requester.email).toBe('person4@example.test');

    const entries = await sql<{ actor: string; action: string; request_id: string; subject_ref: string | null }>(
      team.adminUrl(),
      `SELECT actor, action, request_id, subject_ref FROM lethe.audit_log
        WHERE action IN ('request.contact_purged', 'request.deleted_by_retention') ORDER BY seq`,
    );
    expect(entries.map((e) => [e.actor, e.action, e.request_id])).toEqual([
      ['ada', 'request.contact_purged', ids.recent],
      ['ada', 'request.deleted_by_retention', ids.old],
    ]);
    // The deletion's entry still names the subject (by keyed reference), though the row is gone.
    expect(entries[1]?.subject_ref).toMatch(/^[0-9a-f]{16,}$/);

    const stale = await bob.call('requests.update', { id: ids.recent, notes: 'called back', expectedVersion: seenByBob.version ?? 0 });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/ada/) } });
    expect(await bob.call('requests.get', { id: ids.old })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await ada.must('requests.applyRetention', { dryRun: false })).toEqual({ dryRun: false, deletedRequests: 0, purgedContacts: 0 });
    expect(await bob.must('audit.verify', {})).toMatchObject({ ok: true });
  });

  it('the database refuses a deletion the rules do not allow: too recent, unrecorded, or a plain DELETE', async () => {
    ids.unlogged = await closed(bob, 5, 1300, 1100);
    const asAda = team.url('ada');
    const refused = async (text: string, params: unknown[]) => {
      try {
        await sql(asAda, text, params);
        return 'no error';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    expect(await refused('SELECT lethe.delete_by_retention($1)', [ids.fresh])).toBe('LT005');
    expect(await refused('SELECT lethe.delete_by_retention($1)', [ids.unlogged])).toBe('LT005');
    expect(await refused('DELETE FROM lethe.requests WHERE id = $1', [ids.unlogged])).toBe('42501');
    expect(await refused('SELECT lethe.delete_by_retention($1)', [ids.unlogged])).toBe('LT005');
    const asCyd = team.url('cyd');
    await expect(sql(asCyd, 'SELECT lethe.delete_by_retention($1)', [ids.unlogged])).rejects.toMatchObject({ code: '42501' });
    const still = await sql<{ n: number }>(team.adminUrl(), 'SELECT count(*)::int AS n FROM lethe.requests WHERE id = ANY($1)', [
      [ids.fresh, ids.unlogged],
    ]);
    expect(still).toEqual([{ n: 2 }]);
  });
});
