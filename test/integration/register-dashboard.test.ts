import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isClosedStatus, REQUEST_STATUSES, type DashboardView, type Request } from '../../src/shared/contract/groups/requests';
import { addDays, daysBetween, localDateOf, REGULATIONS, REQUEST_TYPES } from '../../src/shared/deadlines';
import { openAuditContext } from '../../src/main/core/audit/audit-log';
import { RequestService } from '../../src/main/core/requests/request-service';
import { readRegisterSettings } from '../../src/main/core/requests/register-settings';
import { registerRouter, type RegisterRouter } from '../../src/main/core/requests/testing/register-router';
import { openCache } from '../../src/main/core/db/open-cache';
import { REGISTER_MIGRATIONS } from '../../src/main/core/requests/migrations';
import { dashboardItemOf } from '../../src/main/core/requests/dashboard';
import { dashboardItems } from '../../src/main/core/requests/dashboard-items';
import { secretAccounts } from '../../src/main/core/secrets/secret-store';
import { createTestCore, type TestCore } from '../support/core';

/**
 * The dashboard before #14, verbatim: every request presented (deadline, dueIn) and the figures
 * replayed over them. The register's dashboard now reads narrow rows and keeps derived dates
 * between calls; its figures must stay these, item for item.
 */
function referenceDashboard(requests: readonly Request[], asOf: string, timeZone: string, weeks = 12): DashboardView {
  const median = (values: number[]): number | null => {
    if (values.length === 0) return null;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const value = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
    return Math.round(value * 10) / 10;
  };
  const open = requests.filter((r) => !isClosedStatus(r.status));
  const today = localDateOf(asOf, timeZone);
  const byStatus = REQUEST_STATUSES.filter((s) => !isClosedStatus(s)).map((status) => ({
    status,
    count: open.filter((r) => r.status === status).length,
  }));
  const byType = REQUEST_TYPES.map((type) => ({ type, count: open.filter((r) => r.type === type).length })).filter((t) => t.count > 0);
  const dueThisWeek = open
    .filter((r) => r.dueIn !== null && r.deadlines !== null && r.dueIn.daysRemaining >= 0 && r.dueIn.daysRemaining <= 7)
    .map((r) => ({
      id: r.id,
      reference: r.reference,
      type: r.type,
      regulation: r.regulation,
      due: r.deadlines?.due ?? today,
      daysRemaining: r.dueIn?.daysRemaining ?? 0,
    }))
    .sort((a, b) => a.daysRemaining - b.daysRemaining);
  const overdueTrend: DashboardView['overdueTrend'] = [];
  // Each request's local receipt and close dates once, not once per week (10,000 requests x 12 weeks).
  const spans = requests.map((r) => ({
    r,
    received: localDateOf(r.receivedAt, r.timeZone),
    closed: r.closedAt === null ? null : localDateOf(r.closedAt, r.timeZone),
  }));
  for (let w = weeks - 1; w >= 0; w -= 1) {
    const weekEnding = addDays(today, -7 * w);
    const openThen = spans.filter((x) => x.received <= weekEnding && (x.closed === null || x.closed > weekEnding)).map((x) => x.r);
    overdueTrend.push({
      weekEnding,
      open: openThen.length,
      // This week's point is the count the dashboard shows (each request's own zone and end of
      // day), so the chart and the figure beside it can never disagree.
      overdue:
        w === 0
          ? openThen.filter((r) => r.dueIn?.urgency === 'overdue').length
          : openThen.filter((r) => r.deadlines !== null && r.deadlines.due < weekEnding).length,
    });
  }
  const medianDaysToClose = REGULATIONS.map((regulation) => {
    const days = requests
      .filter((r) => r.regulation === regulation && (r.status === 'completed' || r.status === 'denied') && r.closedAt !== null)
      .map((r) => daysBetween(localDateOf(r.receivedAt, r.timeZone), localDateOf(r.closedAt ?? r.receivedAt, r.timeZone)));
    return { regulation, closed: days.length, medianDays: median(days) };
  });
  return {
    asOf,
    timeZone,
    open: open.length,
    unverifiedOpen: open.filter((r) => r.verification === null).length,
    overdue: open.filter((r) => r.dueIn?.urgency === 'overdue').length,
    byStatus,
    byType,
    dueThisWeek,
    overdueTrend,
    medianDaysToClose,
  };
}

let ctx: TestCore;
let reg: RegisterRouter;
let workspaceId: string;

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
  workspaceId = created.value.id;
});
afterEach(async () => ctx.dispose());

/** A small deterministic generator, so a failure names the same register every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const ZONES = ['Europe/Berlin', 'America/Los_Angeles', 'Asia/Tokyo', 'America/Sao_Paulo'];
const DAY = 86_400_000;
const START = Date.parse('2024-09-01T00:00:00Z');

/** ~240 requests over four zones and a year: extended, verified, closed, denied, withdrawn, some received near midnight. */
async function generateRegister(seed: number): Promise<string[]> {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const ids: string[] = [];
  for (const zone of ZONES) {
    await ctx.call('settings.set', { timeZone: zone });
    for (let k = 0; k < 60; k++) {
      const receivedMs = START + Math.floor(random() * 200) * DAY + Math.floor(random() * 24) * 3_600_000 + (k % 2) * 59 * 60_000;
      const created = await reg.call('requests.create', {
        type: pick(REQUEST_TYPES),
        regulation: pick(REGULATIONS),
        channel: 'email',
        receivedAt: new Date(receivedMs).toISOString(),
        requester: { name: `Person ${k}`, email: `p${k}@example.test` },
      });
      if (!created.ok) continue; // a type the regulation does not know
      const id = created.value.id;
      ids.push(id);
      if (random() < 0.3) {
        const notice = new Date(receivedMs + Math.floor(random() * 20) * DAY).toISOString();
        await reg.call('requests.extend', { id, reason: 'Many tickets', ...(random() < 0.5 ? { noticeAt: notice } : {}) });
      }
      if (random() < 0.5) {
        await reg.must('requests.verify', { id, method: 'email_confirmation', dataPointsMatched: ['email'], verifiedBy: 'dana' });
      }
      const fate = random();
      const closedAt = new Date(receivedMs + Math.floor(random() * 120) * DAY + Math.floor(random() * 86_400) * 1000).toISOString();
      if (fate < 0.3) await reg.must('requests.setStatus', { id, status: 'completed', at: closedAt });
      else if (fate < 0.4)
        await reg.must('requests.setStatus', {
          id,
          status: 'denied',
          reason: 'Manifestly unfounded',
          article: 'GDPR Art. 12(5)(b)',
          at: closedAt,
        });
      else if (fate < 0.45) await reg.must('requests.setStatus', { id, status: 'withdrawn', at: closedAt });
      else if (fate < 0.7) await reg.must('requests.setStatus', { id, status: 'in_progress' });
    }
  }
  await ctx.call('settings.set', { timeZone: 'Europe/Berlin' });
  return ids;
}

async function expectSameAsReference(asOf: string, weeks: number): Promise<DashboardView> {
  const audit = await openAuditContext(ctx.core.services, undefined);
  const all = new RequestService(ctx.core.services).all(audit.db, asOf);
  const expected = referenceDashboard(all, asOf, 'Europe/Berlin', weeks);
  const actual = await reg.must('requests.dashboard', { asOf, weeks });
  expect(actual).toEqual(expected);
  // Item for item and in the register's order (which breaks ties in "due this week").
  expect(dashboardItems(audit.db, readRegisterSettings(audit.db).deadlines)).toEqual(all.map(dashboardItemOf));
  return actual;
}

const AS_OFS = ['2024-10-15T23:30:00Z', '2025-01-01T00:00:00Z', '2025-02-28T12:00:00Z', '2025-04-30T22:59:59Z'];

describe('the register dashboard over a generated register', () => {
  it('gives the figures of every request presented one by one, with extensions, closes and public holidays', async () => {
    const ids = await generateRegister(14);
    expect(ids.length).toBeGreaterThan(150);
    for (const asOf of AS_OFS) for (const weeks of [1, 12, 52]) await expectSameAsReference(asOf, weeks);
    // Later the same day everywhere (figures kept, asOf new), then past midnight in Tokyo only.
    await expectSameAsReference('2025-02-28T12:00:05Z', 12);
    await expectSameAsReference('2025-02-28T15:30:00Z', 12);
    // The generated register reaches every figure the comparison is about.
    const d = await expectSameAsReference('2025-01-01T00:00:00Z', 52);
    expect(d.overdue).toBeGreaterThan(0);
    expect(d.dueThisWeek.length).toBeGreaterThan(1);
    expect(d.medianDaysToClose.filter((m) => m.closed > 0).length).toBe(4);
    expect(d.overdueTrend.some((w) => w.overdue > 0 && w.overdue < w.open)).toBe(true);
  });

  it('follows every change between two dashboards: a new holiday rule, an extension, a close, a deletion', async () => {
    const ids = await generateRegister(15);
    const asOf = '2025-01-20T10:00:00Z';
    const before = await expectSameAsReference(asOf, 12);
    const audit = await openAuditContext(ctx.core.services, undefined);
    const settings = readRegisterSettings(audit.db);
    // Extra holidays and another calendar move deadlines of requests already in the register.
    const holidays = Array.from({ length: 40 }, (_, k) => addDays('2024-12-01', k));
    await reg.must('requests.setSettings', {
      deadlines: {
        ...settings.deadlines,
        GDPR: { ...settings.deadlines.GDPR, publicHolidays: 'FR', holidays },
        CCPA: { ...settings.deadlines.CCPA, holidays },
      },
    });
    const afterHolidays = await expectSameAsReference(asOf, 12);
    expect(afterHolidays.dueThisWeek).not.toEqual(before.dueThisWeek);
    const open = (await reg.must('requests.list', { includeUnverified: true, asOf })).requests;
    for (const r of open.filter((x) => x.extension === null).slice(0, 10))
      await reg.call('requests.extend', { id: r.id, reason: 'Late files' });
    await expectSameAsReference(asOf, 12);
    const target = open.find((r) => r.dueIn?.urgency === 'overdue');
    expect(target).toBeDefined();
    await reg.must('requests.setStatus', { id: target!.id, status: 'completed', at: '2025-01-19T10:00:00Z' });
    await expectSameAsReference(asOf, 12);
    audit.db.prepare('DELETE FROM requests WHERE id = ?').run(ids[0]);
    await expectSameAsReference(asOf, 12);
  });

  it('reads only what changed and still follows new requests, moved receipts, renumbering and other connections', async () => {
    const ids = await generateRegister(16);
    const asOf = '2025-01-20T10:00:00Z';
    await expectSameAsReference(asOf, 12);
    const audit = await openAuditContext(ctx.core.services, undefined);
    // The triggers name each changed request once, however often it changed.
    const seq = () => audit.db.prepare('SELECT max(seq) FROM request_changes').pluck().get() as number;
    const before = seq();
    await reg.must('requests.setStatus', { id: ids[1]!, status: 'in_progress' });
    await reg.must('requests.bulkUpdate', { ids: [ids[1]!], owner: 'dana' });
    expect(seq()).toBeGreaterThan(before);
    expect(audit.db.prepare('SELECT request_id FROM request_changes WHERE seq > ?').pluck().all(before)).toEqual([ids[1]]);
    await expectSameAsReference(asOf, 12);
    // A new request, received days before others already listed: the order moves.
    const created = await reg.must('requests.create', {
      type: 'access',
      regulation: 'GDPR',
      channel: 'email',
      receivedAt: '2025-01-10T08:00:00Z',
      requester: { name: 'New', email: 'new@example.test' },
    });
    const view = await expectSameAsReference(asOf, 12);
    expect(view.dueThisWeek.length + view.open).toBeGreaterThan(0);
    // Its receipt moved later, and another request renumbered, both by hand: places in the order change.
    audit.db.prepare('UPDATE requests SET received_at = ? WHERE id = ?').run('2025-01-03T23:30:00Z', created.id);
    audit.db.prepare('UPDATE requests SET number = 99999 WHERE id = ?').run(ids[2]);
    await expectSameAsReference(asOf, 12);
    // A write by another connection to the same file (the team import, a second window).
    const [closing, deleting] = new RequestService(ctx.core.services)
      .all(audit.db, asOf)
      .filter((r) => !isClosedStatus(r.status))
      .map((r) => r.id);
    const other = openCache({
      path: ctx.core.services.caches.storePathFor(workspaceId, 'register'),
      key: (await ctx.core.services.workspaces.secretStoreFor(workspaceId).get(secretAccounts.dbKey(workspaceId)))!,
      // The register's own schema: the cache's would be applied to the register file.
      migrations: REGISTER_MIGRATIONS,
    });
    try {
      other.db.prepare(`UPDATE requests SET status = 'completed', closed_at = ? WHERE id = ?`).run('2025-01-15T09:00:00Z', closing);
      other.db.prepare('DELETE FROM requests WHERE id = ?').run(deleting);
    } finally {
      other.close();
    }
    const after = await expectSameAsReference(asOf, 12);
    expect(after.open).toBe(view.open - 2);
  });
});
