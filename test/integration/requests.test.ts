import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, subjectRefFor } from '../../src/main/core/audit';
import { linkToRequest } from '../../src/main/core/requests';
import { registerRouter, type RegisterRouter } from '../../src/main/core/requests/testing/register-router';
import { createTestCore, type TestCore } from '../support/core';

const AS_OF = '2025-03-10T12:00:00Z';
let ctx: TestCore;
let reg: RegisterRouter;
let ws: string;

beforeEach(async () => {
  ctx = await createTestCore();
  reg = registerRouter(ctx.core.services);
  const created = await ctx.call('workspaces.create', {
    name: 'Acme',
    address: { subdomain: 'acme' },
    email: 'dpo@acme.example',
    apiToken: 'abcdefgh12345678',
  });
  if (!created.ok) throw new Error(created.error.message);
  ws = created.value.id;
  await ctx.call('settings.set', { timeZone: 'Europe/Berlin', organizationName: 'Acme Ltd' });
});
afterEach(async () => ctx.dispose());

const ada = { name: 'Ada Example', email: 'ada@example.test', phone: '+49 30 1234567' };

async function createAccess(overrides: Record<string, unknown> = {}) {
  return reg.must('requests.create', {
    type: 'access',
    regulation: 'GDPR',
    channel: 'email',
    receivedAt: '2025-03-01T09:30:00+01:00',
    requester: ada,
    actor: 'dana',
    ...overrides,
  });
}

describe('the request register', () => {
  it('records a request with its statutory deadline in the organization’s time zone', async () => {
    const r = await createAccess();
    expect(r.reference).toBe('DSR-000001');
    expect(r.timeZone).toBe('Europe/Berlin');
    expect(r.status).toBe('received');
    expect(r.requester).toEqual({ ...ada, purgedAt: null });
    // Received Saturday 1 March 2025; one month later is Tuesday 1 April (GDPR Art. 12(3)).
    expect(r.deadlines).toMatchObject({ receivedOn: '2025-03-01', due: '2025-04-01', extended: false, extendedDue: '2025-06-02' });
    const second = await createAccess({ type: 'erasure' });
    expect(second.reference).toBe('DSR-000002');
  });

  it('refuses a type the regulation does not know, and a bad e-mail, and changes nothing', async () => {
    const objection = await reg.call('requests.create', {
      type: 'objection',
      regulation: 'CCPA',
      channel: 'web_form',
      receivedAt: AS_OF,
      requester: { name: 'Sam Sample' },
    });
    expect(objection).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('opt-out') } });
    const email = await reg.call('requests.create', {
      type: 'access',
      regulation: 'GDPR',
      channel: 'email',
      receivedAt: AS_OF,
      requester: { email: 'not-an-email' },
    });
    expect(email).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect((await reg.must('requests.list', { includeUnverified: true, includeClosed: true })).requests).toEqual([]);
    expect((await reg.must('audit.list', {})).total).toBe(0);
  });

  it('hides unverified open requests from the default queue but never loses them', async () => {
    const r = await createAccess();
    const queue = await reg.must('requests.list', { asOf: AS_OF });
    expect(queue.requests).toEqual([]);
    expect(queue.hiddenUnverified).toBe(1);
    const all = await reg.must('requests.list', { asOf: AS_OF, includeUnverified: true });
    expect(all.requests.map((x) => x.id)).toEqual([r.id]);
    expect(all.requests[0]?.dueIn).toEqual({ daysRemaining: 22, urgency: 'ok' });

    await reg.must('requests.verify', {
      id: r.id,
      method: 'data_points',
      dataPointsMatched: ['e-mail address', 'last ticket number'],
      verifiedBy: 'Dana',
      actor: 'dana',
    });
    const after = await reg.must('requests.list', { asOf: AS_OF });
    expect(after.hiddenUnverified).toBe(0);
    expect(after.requests[0]?.verification).toMatchObject({
      method: 'data_points',
      dataPointsMatched: ['e-mail address', 'last ticket number'],
      verifiedBy: 'Dana',
    });
  });

  it('refuses a verification whose data points are values (an e-mail), recording nothing', async () => {
    const r = await createAccess();
    const refused = await reg.call('requests.verify', {
      id: r.id,
      method: 'data_points',
      dataPointsMatched: ['ada@example.test'],
      verifiedBy: 'Dana',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const { request, timeline } = await reg.must('requests.get', { id: r.id });
    expect(request.verification).toBeNull();
    expect(timeline.map((e) => e.action)).toEqual(['request.created']);
  });

  it('extends once where the law allows, with the notice date, and marks a late notice', async () => {
    const r = await createAccess();
    const extended = await reg.must('requests.extend', {
      id: r.id,
      reason: 'Three brands, many tickets',
      noticeAt: '2025-03-20T10:00:00Z',
      actor: 'dana',
    });
    expect(extended.deadlines).toMatchObject({ due: '2025-06-02', extended: true, initialDue: '2025-04-01' });
    expect(extended.extension).toMatchObject({ reason: 'Three brands, many tickets', noticeAt: '2025-03-20T10:00:00Z' });
    expect(await reg.call('requests.extend', { id: r.id, reason: 'again' })).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const lgpd = await createAccess({ regulation: 'LGPD' });
    expect(await reg.call('requests.extend', { id: lgpd.id, reason: 'busy' })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringContaining('no extension') },
    });

    const late = await createAccess({ regulation: 'CCPA', receivedAt: '2025-01-02T10:00:00-08:00' });
    const lateExt = await reg.must('requests.extend', { id: late.id, reason: 'volume', noticeAt: '2025-03-01T10:00:00Z' });
    expect(lateExt.deadlines?.warnings).toContain('extension_notice_late');
  });

  it('needs a reason and an article to deny, closes the request and keeps it out of the open queue', async () => {
    const r = await createAccess();
    expect(await reg.call('requests.setStatus', { id: r.id, status: 'denied', reason: 'Manifestly unfounded' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    const denied = await reg.must('requests.setStatus', {
      id: r.id,
      status: 'denied',
      reason: 'Manifestly unfounded',
      article: 'GDPR Art. 12(5)(b)',
      at: '2025-03-05T10:00:00Z',
    });
    expect(denied).toMatchObject({
      status: 'denied',
      statusReason: 'Manifestly unfounded',
      denialArticle: 'GDPR Art. 12(5)(b)',
      closedAt: '2025-03-05T10:00:00Z',
      dueIn: null,
    });
    expect((await reg.must('requests.list', { includeUnverified: true })).requests).toEqual([]);
    expect((await reg.must('requests.list', { includeClosed: true })).requests.map((x) => x.id)).toEqual([r.id]);
    const reopened = await reg.must('requests.setStatus', { id: r.id, status: 'in_progress' });
    expect(reopened.closedAt).toBeNull();
    const { timeline } = await reg.must('requests.get', { id: r.id });
    expect(timeline.map((e) => e.action)).toEqual(['request.created', 'request.denied', 'request.reopened']);
    expect(timeline[1]?.data).toMatchObject({ from: 'received', to: 'denied', article: 'GDPR Art. 12(5)(b)' });
    // The free-text reason stays in the register, out of the log.
    expect(JSON.stringify(timeline)).not.toContain('Manifestly unfounded');
  });

  it('filters by regulation, type, status and owner, and updates in bulk', async () => {
    const a = await createAccess();
    const b = await createAccess({ type: 'erasure', regulation: 'CCPA', owner: 'Sam' });
    const c = await createAccess({ type: 'opt-out', regulation: 'LGPD' });
    const list = (input: Record<string, unknown>) =>
      reg.must('requests.list', { includeUnverified: true, ...input }).then((l) => l.requests.map((r) => r.id).sort());
    expect(await list({ regulation: ['CCPA'] })).toEqual([b.id]);
    expect(await list({ type: ['access', 'opt-out'] })).toEqual([a.id, c.id].sort());
    expect(await list({ owner: 'Sam' })).toEqual([b.id]);
    expect(await list({ owner: '' })).toEqual([a.id, c.id].sort());
    expect((await reg.must('requests.list', {})).owners).toEqual(['Sam']);

    expect(await reg.must('requests.bulkUpdate', { ids: [a.id, c.id], owner: 'Dana', status: 'in_progress' })).toEqual({ updated: 2 });
    expect(await list({ owner: 'Dana', status: ['in_progress'] })).toEqual([a.id, c.id].sort());
    expect(await reg.call('requests.bulkUpdate', { ids: [a.id, 'req_doesnotexist1'], owner: 'X' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    // All or nothing: the existing one was not reassigned either.
    expect(await list({ owner: 'X' })).toEqual([]);
  });

  it('keeps personal data out of the audit log and names the subject by one keyed hash', async () => {
    const r = await createAccess({ notes: 'Called from +49 30 7654321' });
    await reg.must('requests.update', { id: r.id, owner: 'Dana', requester: { name: 'Ada Q. Example' }, notes: 'more' });
    await reg.must('requests.verify', {
      id: r.id,
      method: 'email_confirmation',
      dataPointsMatched: ['e-mail address'],
      verifiedBy: 'Dana',
    });
    await appendAudit(ctx.core.services, ws, {
      actor: 'system',
      action: 'erasure.executed',
      subject: ' ADA@Example.test',
      requestId: r.id,
      data: { receiptSha256: 'b'.repeat(64) },
    });
    await linkToRequest(ctx.core.services, ws, r.id, { kind: 'receipt', ref: 'receipt-0001.json', sha256: 'b'.repeat(64) }, 'system');
    await expect(
      appendAudit(ctx.core.services, ws, { actor: 'system', action: 'erasure.executed', data: { to: 'ada@example.test' } }),
    ).rejects.toMatchObject({ code: 'invalid_input' });

    const exported = await reg.must('audit.export', { format: 'json' });
    for (const secret of ['ada@example.test', 'Ada', '1234567', '7654321', 'Example']) expect(exported.content).not.toContain(secret);
    const { timeline } = await reg.must('requests.get', { id: r.id });
    const expected = await subjectRefFor(ctx.core.services, ws, 'ada@example.test');
    expect(new Set(timeline.map((e) => e.subjectRef))).toEqual(new Set([expected]));
    expect(timeline.map((e) => e.action)).toEqual([
      'request.created',
      'request.updated',
      'request.verified',
      'erasure.executed',
      'request.linked',
    ]);
    expect(timeline[1]?.data).toMatchObject({ fields: expect.arrayContaining(['owner', 'notes', 'requester.name']), owner: 'Dana' });
    expect((await reg.must('requests.get', { id: r.id })).request.links).toEqual([
      { kind: 'receipt', ref: 'receipt-0001.json', sha256: 'b'.repeat(64), at: expect.any(String) },
    ]);
    expect((await reg.must('audit.verify', {})).ok).toBe(true);
    // The subject key lives in the workspace's secret store, never in the register file.
    expect(await ctx.secrets.get(`${ws}/audit-key`)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('moves the due date over a configured holiday and logs the settings change', async () => {
    // Received Friday 28 Feb 2025: one month later is Friday 28 March; make that a holiday.
    const r = await createAccess({ receivedAt: '2025-02-28T10:00:00+01:00' });
    expect((await reg.must('requests.get', { id: r.id })).request.deadlines?.due).toBe('2025-03-28');
    const settings = await reg.must('requests.getSettings', {});
    expect(settings.retention).toEqual({ keepClosedMonths: 24, purgeContactAfterDays: null });
    await reg.must('requests.setSettings', {
      deadlines: { ...settings.deadlines, GDPR: { ...settings.deadlines.GDPR, holidays: ['2025-03-28'] } },
      actor: 'dana',
    });
    expect((await reg.must('requests.get', { id: r.id })).request.deadlines?.due).toBe('2025-03-31');
    expect((await reg.must('requests.getSettings', {})).deadlines.GDPR.holidays).toEqual(['2025-03-28']);
    expect(await reg.call('requests.setSettings', { retention: { keepClosedMonths: 12, purgeContactAfterDays: null } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    const log = await reg.must('audit.list', { action: 'settings.changed' });
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]?.data).toMatchObject({ changed: ['deadlines.GDPR.holidays'] });
  });

  it('exports CSV with formulas neutralised and JSON with every field', async () => {
    await createAccess({
      requester: { name: '=HYPERLINK("http://evil.example","x")', email: 'ada@example.test' },
      notes: 'line one\nline, two',
    });
    const csv = await reg.must('requests.export', { format: 'csv' });
    expect(csv.fileName).toMatch(/^request-register-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.content.startsWith('\uFEFFreference,id,type,regulation,channel,receivedAt')).toBe(true);
    expect(csv.content).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csv.content).toContain('"line one\nline, two"');
    const json = await reg.must('requests.export', { format: 'json' });
    const doc = JSON.parse(json.content) as { count: number; requests: Array<{ requester: { email: string } }> };
    expect(doc.count).toBe(1);
    expect(doc.requests[0]?.requester.email).toBe('ada@example.test');
    expect((await reg.must('audit.list', { action: 'register.exported' })).total).toBe(2);
  });

  it('summarises the register for the dashboard as of a given day', async () => {
    const a = await createAccess({ receivedAt: '2025-01-02T10:00:00+01:00' }); // due 2025-02-03: overdue
    await createAccess({ type: 'erasure', receivedAt: '2025-02-12T10:00:00+01:00' }); // due 2025-03-12: this week
    const closed = await createAccess({ regulation: 'CCPA', receivedAt: '2025-01-10T10:00:00-08:00' });
    await reg.must('requests.setStatus', { id: closed.id, status: 'completed', at: '2025-01-20T10:00:00Z' });
    const d = await reg.must('requests.dashboard', { asOf: AS_OF, weeks: 4 });
    expect(d.open).toBe(2);
    expect(d.overdue).toBe(1);
    expect(d.byStatus.find((s) => s.status === 'received')?.count).toBe(2);
    expect(d.byType).toEqual([
      { type: 'access', count: 1 },
      { type: 'erasure', count: 1 },
    ]);
    expect(d.dueThisWeek.map((x) => x.due)).toEqual(['2025-03-12']);
    expect(d.overdueTrend.map((w) => w.weekEnding)).toEqual(['2025-02-17', '2025-02-24', '2025-03-03', '2025-03-10']);
    expect(d.overdueTrend.every((w) => w.overdue === 1)).toBe(true);
    expect(d.medianDaysToClose.find((m) => m.regulation === 'CCPA')).toEqual({ regulation: 'CCPA', closed: 1, medianDays: 10 });
    expect(d.medianDaysToClose.find((m) => m.regulation === 'GDPR')).toEqual({ regulation: 'GDPR', closed: 0, medianDays: null });
    expect(a.id).toMatch(/^req_/);
  });

  it('writes letters with merge fields, escaping them in HTML', async () => {
    const r = await createAccess({ requester: { name: '<b>Ada</b> & co', email: 'ada@example.test' } });
    const ack = await reg.must('requests.letter', { id: r.id, template: 'acknowledgement', asOf: AS_OF });
    expect(ack.text).toContain('Dear <b>Ada</b> & co,');
    expect(ack.text).toContain('We will respond by 2025-04-01');
    expect(ack.text).toContain('Acme Ltd');
    expect(ack.html).toContain('Dear &lt;b&gt;Ada&lt;/b&gt; &amp; co,');
    expect(ack.html).not.toContain('<b>Ada');
    expect(ack.fileBase).toBe('DSR-000001-acknowledgement');
    await reg.must('requests.setStatus', { id: r.id, status: 'denied', reason: 'We hold no data about you', article: 'GDPR Art. 11(2)' });
    const denial = await reg.must('requests.letter', { id: r.id, template: 'denial' });
    expect(denial.text).toContain('We rely on GDPR Art. 11(2).');
    expect(denial.text).toContain('The reason is: We hold no data about you');
  });

  it('purges contact details after completion and deletes records past retention, keeping the audit chain intact', async () => {
    const old = await createAccess({ receivedAt: '2022-01-03T10:00:00+01:00' });
    await reg.must('requests.setStatus', { id: old.id, status: 'completed', at: '2022-01-20T10:00:00Z' });
    const recent = await createAccess({ receivedAt: '2025-01-03T10:00:00+01:00' });
    await reg.must('requests.setStatus', { id: recent.id, status: 'completed', at: '2025-01-20T10:00:00Z' });
    const open = await createAccess();
    await reg.must('requests.setSettings', { retention: { keepClosedMonths: 24, purgeContactAfterDays: 30 } });

    const dry = await reg.must('requests.applyRetention', { dryRun: true, asOf: AS_OF });
    expect(dry).toEqual({ dryRun: true, deletedRequests: 1, purgedContacts: 1 });
    expect((await reg.must('requests.list', { includeClosed: true, includeUnverified: true })).requests).toHaveLength(3);

    expect(await reg.must('requests.applyRetention', { dryRun: false, asOf: AS_OF })).toEqual({
      dryRun: false,
      deletedRequests: 1,
      purgedContacts: 1,
    });
    const left = (await reg.must('requests.list', { includeClosed: true, includeUnverified: true })).requests;
    expect(left.map((r) => r.id).sort()).toEqual([recent.id, open.id].sort());
    expect(left.find((r) => r.id === recent.id)?.requester).toEqual({ name: null, email: null, phone: null, purgedAt: AS_OF });
    expect(left.find((r) => r.id === open.id)?.requester.email).toBe('ada@example.test');
    expect(await reg.call('requests.get', { id: old.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // History stays: the deleted request's entries are still in the log, and the chain verifies.
    const oldEntries = await reg.must('audit.list', { requestId: old.id });
    expect(oldEntries.entries.map((e) => e.action)).toEqual(['request.deleted_by_retention', 'request.completed', 'request.created']);
    expect(await reg.must('audit.verify', {})).toMatchObject({ ok: true });
  });
});
