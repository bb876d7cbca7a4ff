import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { RegisterRouter } from '../../src/main/core/requests/testing/register-router';
import { useTeamOfficers } from '../support/team-officers';

// The register operations beyond list/edit/status in team mode, between two officers (two real
// roles, two cores) on a real PostgreSQL: each change names the role in the audit chain, carries
// the version it produced, and a stale one is a conflict.

const team = useTeamOfficers('ops', ['ada', 'bob']);
const machine = team.machine;

async function audit(action: string): Promise<Array<{ actor: string; data: Record<string, unknown> }>> {
  const c = new pg.Client({ connectionString: team.adminUrl() });
  await c.connect();
  try {
    const r = await c.query<{ actor: string; data: string }>('SELECT actor, data FROM lethe.audit_log WHERE action = $1 ORDER BY seq', [
      action,
    ]);
    return r.rows.map((row) => ({ actor: row.actor, data: JSON.parse(row.data) as Record<string, unknown> }));
  } finally {
    await c.end();
  }
}

const HEADER = 'type,regulation,channel,receivedAt,requesterName,requesterEmail,owner,notes,status,statusReason,denialArticle,closedAt';
const ROWS = [
  'access,GDPR,email,2025-03-01T09:30:00+01:00,Ada Example,ada.example@example.test,Dana,,,,,',
  'erasure,GDPR,web_form,2025-02-01,Sam Sample,sam@example.test,,,,,,',
];

describe('register operations in team mode', () => {
  let ada: RegisterRouter;
  let bob: RegisterRouter;
  let ids: string[];

  it('imports a CSV into the team register (dry run first, nothing written); the other officer sees it; the chain names the role', async () => {
    await machine(team.adminUrl(), true);
    await team.cluster.admin('GRANT lethe_officer TO ada, bob');
    ada = await machine(team.url('ada'));
    bob = await machine(team.url('bob'));
    const csv = `${HEADER}\n${ROWS.join('\n')}\n`;
    const dry = await ada.must('requests.importCsv', { csv, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, rows: 2, errors: [], imported: 0 });
    expect((await bob.must('requests.list', { includeUnverified: true })).requests).toHaveLength(0);
    const done = await ada.must('requests.importCsv', { csv, dryRun: false });
    expect(done).toMatchObject({ imported: 2 });
    ids = done.ids;
    const seen = await bob.must('requests.list', { includeUnverified: true });
    expect(seen.requests.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(await audit('register.imported')).toEqual([{ actor: 'ada', data: { rows: 2 } }]);
    expect((await audit('request.created')).map((e) => [e.actor, e.data.source])).toEqual([
      ['ada', 'csv_import'],
      ['ada', 'csv_import'],
    ]);
  });

  it('identity verification: made against a version; a stale one is a conflict naming who changed what', async () => {
    const r = (await ada.must('requests.get', { id: ids[0] ?? '' })).request;
    const verified = await ada.must('requests.verify', {
      id: r.id,
      method: 'account_login',
      dataPointsMatched: ['account number'],
      verifiedBy: 'Ada',
      expectedVersion: r.version ?? 0,
    });
    expect(verified.verification).toMatchObject({ method: 'account_login', verifiedBy: 'Ada' });
    expect(verified.version).toBe((r.version ?? 0) + 1);
    const stale = await bob.call('requests.verify', {
      id: r.id,
      method: 'account_login',
      dataPointsMatched: ['order number'],
      verifiedBy: 'Bob',
      expectedVersion: r.version ?? 0,
    });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/ada.*verification/) } });
    expect((await bob.must('requests.get', { id: r.id })).request.verification).toMatchObject({ verifiedBy: 'Ada' });
    expect(await audit('request.verified')).toEqual([
      { actor: 'ada', data: expect.objectContaining({ method: 'account_login', reverified: false, version: (r.version ?? 0) + 1 }) },
    ]);
  });

  it('extension: once, by the role; a second one is refused', async () => {
    const r = (await bob.must('requests.get', { id: ids[1] ?? '' })).request;
    const extended = await bob.must('requests.extend', { id: r.id, reason: 'Complex request', expectedVersion: r.version ?? 0 });
    expect(extended.extension).toMatchObject({ reason: 'Complex request' });
    expect(extended.deadlines?.extendedDue).toBeTruthy();
    const again = await ada.call('requests.extend', { id: r.id, reason: 'Again' });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/already extended/) } });
    expect((await audit('request.extended')).map((e) => e.actor)).toEqual(['bob']);
  });

  it('bulk update: owner and status on several requests in one transaction; all or nothing', async () => {
    const before = (await ada.must('requests.list', { includeUnverified: true })).requests;
    const missing = await ada.call('requests.bulkUpdate', { ids: [...ids, 'req_doesnotexist00'], owner: 'Team B' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await ada.must('requests.list', { includeUnverified: true })).requests.map((r) => r.owner)).toEqual(before.map((r) => r.owner));
    expect(await ada.must('requests.bulkUpdate', { ids, owner: 'Team B', status: 'in_progress' })).toEqual({ updated: 2 });
    const after = (await bob.must('requests.list', { includeUnverified: true })).requests;
    for (const r of after) {
      expect(r).toMatchObject({ owner: 'Team B', status: 'in_progress' });
      expect(r.version).toBeGreaterThan(before.find((b) => b.id === r.id)?.version ?? 99);
    }
    const bulk = (await audit('request.updated')).filter((e) => e.data.bulk === true);
    expect(bulk.map((e) => e.actor)).toEqual(['ada', 'ada']);

    // A selection made against versions one of which is stale: a conflict naming who, and no change.
    const stale = Object.fromEntries(before.map((r) => [r.id, r.version ?? 0]));
    const refused = await bob.call('requests.bulkUpdate', { ids, owner: 'Team C', expectedVersions: stale });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/changed by ada/) } });
    const current = Object.fromEntries(after.map((r) => [r.id, r.version ?? 0]));
    expect((await bob.must('requests.list', { includeUnverified: true })).requests.map((r) => r.owner)).toEqual(after.map(() => 'Team B'));
    expect(await bob.must('requests.bulkUpdate', { ids, owner: 'Team C', expectedVersions: current })).toEqual({ updated: 2 });
  });

  it('letters and the CSV export read the team register; each is recorded under the role', async () => {
    const r = (await bob.must('requests.get', { id: ids[1] ?? '' })).request;
    const letter = await bob.must('requests.letter', { id: r.id, template: 'extension' });
    expect(letter.text).toContain(r.reference);
    expect(letter.text).toContain('Complex request');
    expect(await audit('letter.generated')).toEqual([{ actor: 'bob', data: { template: 'extension' } }]);
    const exported = await bob.must('requests.export', { format: 'csv' });
    expect(exported.count).toBe(2);
    expect(exported.content).toContain('sam@example.test');
    expect(await audit('register.exported')).toEqual([{ actor: 'bob', data: { format: 'csv', count: 2, selection: 'all' } }]);
  });

  it('register settings are the team’s: changed by one officer, seen by the other, recorded', async () => {
    const settings = await ada.must('requests.getSettings', {});
    const changed = await ada.must('requests.setSettings', { retention: { ...settings.retention, keepClosedMonths: 36 } });
    expect(changed.retention.keepClosedMonths).toBe(36);
    expect((await bob.must('requests.getSettings', {})).retention.keepClosedMonths).toBe(36);
    expect(await audit('settings.changed')).toEqual([
      { actor: 'ada', data: expect.objectContaining({ section: 'register', changed: ['retention.keepClosedMonths'] }) },
    ]);
    expect(await bob.must('audit.verify', {})).toMatchObject({ ok: true });
  });
});
