import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErasurePlan } from '../../src/shared/contract/groups/erasure';
import { officerName } from '../../src/main/core/audit/officer';
import { createErasureHarness, type ErasureHarness } from '../../src/main/core/erasure/testing/harness';

let h: ErasureHarness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

const SUBJECT = 'giorgos.papadopoulos5@post.example.de';

describe('erasure plan (offline, from the cache)', () => {
  it('decides per ticket with a reason: sole tickets deleted, shared redacted, legal hold kept with its basis, mentions for review', async () => {
    h = await createErasureHarness();
    const before = h.requests.length;
    const plan = await h.call<ErasurePlan>('erasure.plan', { workspaceId: h.workspaceId, subject: SUBJECT.toUpperCase() });
    expect(h.requests.length).toBe(before); // offline
    const truth = h.sync.sim.groundTruth(SUBJECT);
    const byId = new Map(plan.tickets.map((t) => [t.ticketId, t]));
    for (const t of truth.tickets) expect(byId.has(t.ticketId), `ticket ${t.ticketId} in plan`).toBe(true);
    for (const t of plan.tickets) {
      expect(t.reason.length).toBeGreaterThan(10);
      expect(t.reason).not.toContain('@');
    }
    const hold = truth.tickets.filter((t) => t.legalHold);
    expect(hold.length).toBeGreaterThan(0);
    for (const t of hold) {
      expect(byId.get(t.ticketId)?.decision).toBe('keep');
      expect(byId.get(t.ticketId)?.exemption?.citation).toBe('GDPR Art. 17(3)(e)');
    }
    // A CC-only ticket of someone else is never deleted.
    for (const t of truth.tickets.filter((x) => !x.roles.includes('requester') && !x.legalHold)) {
      expect(byId.get(t.ticketId)?.decision).toBe('redact');
    }
    for (const m of truth.mentions) {
      if (!truth.tickets.some((t) => t.ticketId === m.ticketId)) expect(byId.get(m.ticketId)?.decision).toBe('review');
    }
    expect(plan.counts.tickets.delete).toBeGreaterThan(0);
    expect(plan.accounts.map((a) => a.userId)).toEqual([truth.userId]);
    expect(plan.dataAsOf).not.toBeNull();
  });

  it('blocks deleting the requester of a kept non-closed ticket and offers closing it', async () => {
    h = await createErasureHarness();
    const plan = await h.call<ErasurePlan>('erasure.plan', { workspaceId: h.workspaceId, subject: 'wojciech.kowalczyk6@example.net' });
    const account = plan.accounts[0]!;
    expect(account.decision).toBe('blocked');
    expect(account.reasonCode).toBe('requester_of_open_tickets');
    expect(account.fix?.action).toBe('close_tickets');
    expect(account.fix?.ticketIds).toContain(3);
  });

  it('refuses an unknown subject and bad input without changing anything', async () => {
    h = await createErasureHarness();
    const r = await h.callResult('erasure.plan', { workspaceId: h.workspaceId, subject: 'nobody@nowhere.example' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('not_found');
    const bad = await h.callResult('erasure.plan', { workspaceId: h.workspaceId, subject: 'x', extra: 1 });
    expect(bad.ok).toBe(false);
  });
});

describe('erasure run against the simulator', () => {
  it('deletes sole tickets permanently, redacts only the subject on shared ones, keeps legal holds, leaves others alone, deletes the account', async () => {
    h = await createErasureHarness();
    const sim = h.sync.sim;
    const truth = sim.groundTruth(SUBJECT);
    const { plan, status } = await h.planAndRun(SUBJECT);
    expect(status.state, JSON.stringify(status.failures)).toBe('completed');
    expect(status.verification?.ok).toBe(true);
    expect(plan.revalidation?.differences).toEqual([]);

    const state = sim.state;
    const del = plan.tickets.filter((t) => t.decision === 'delete').map((t) => t.ticketId);
    for (const id of del) expect(state.ticketView(id)?.state, `ticket ${id}`).toBe('purged');
    for (const t of plan.tickets.filter((x) => x.decision === 'redact' || x.decision === 'keep' || x.decision === 'review')) {
      expect(state.ticketView(t.ticketId)?.state).toBe('live');
    }
    // Shared tickets: the subject's comments read redacted, other people's comments are untouched.
    for (const t of plan.tickets.filter((x) => x.decision === 'redact')) {
      for (const c of state.ticketComments(t.ticketId)) {
        if (c.author_id === truth.userId) expect(c.body.replace(/[\s▇]/g, '')).toBe('');
        else expect(c.body).not.toMatch(new RegExp(SUBJECT.replace(/[.]/g, '\\.'), 'i'));
      }
    }
    // Tickets not in the plan were not touched.
    const planned = new Set(plan.tickets.map((t) => t.ticketId));
    for (let i = 0; i < sim.dataset.ticketCount; i++) {
      const id = sim.dataset.ticketId(i);
      if (!planned.has(id)) expect(state.ticketView(id)?.state).toBe('live');
    }
    expect(state.redactions.every((r) => planned.has(r.ticketId))).toBe(true);
    expect(state.userView(truth.userId)?.status).toBe('purged');
    expect(state.sessionsRevoked.get(truth.userId)).toBe(1);

    // The cache forgot the subject; the receipt names nobody.
    const cache = await h.sync.ctx.core.services.caches.open(h.workspaceId);
    expect(cache.db.prepare('SELECT count(*) FROM users WHERE id = ?').pluck().get(truth.userId)).toBe(0);
    for (const id of del) expect(cache.db.prepare('SELECT count(*) FROM comments WHERE ticket_id = ?').pluck().get(id)).toBe(0);
    const fts = cache.db.prepare(`SELECT count(*) FROM users_fts WHERE users_fts MATCH ?`).pluck().get('"giorgos" "papadopoulos5"');
    expect(fts).toBe(0);
    const receipt = await readFile(status.receipt!.json, 'utf8');
    expect(receipt).not.toMatch(/giorgos|papadopoulos|@/i);
    expect(JSON.parse(receipt).exemptions.length).toBe(plan.counts.tickets.keep);
    const html = await readFile(status.receipt!.html, 'utf8');
    expect(html).toContain('Deletion receipt');
    expect(html).not.toMatch(/papadopoulos/i);

    // Every step is an audit entry naming an accountable person (the OS account here), never "system".
    const listed = await h.sync.ctx.call('audit.list', { workspaceId: h.workspaceId });
    if (!listed.ok) throw new Error(listed.error.message);
    const erasureEntries = listed.value.entries.filter((e) => e.action.startsWith('erasure.'));
    expect(erasureEntries.map((e) => e.action).sort()).toEqual(['erasure.executed', 'erasure.planned', 'erasure.receipt']);
    for (const e of erasureEntries) expect([e.action, e.actor]).toEqual([e.action, officerName()]);

    // No destructive call went out twice.
    const destructive = state.requestLog.filter((r) => r.method === 'DELETE' || r.method === 'PUT');
    const keys = destructive.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('closes the blocking ticket when staff accept the fix, then deletes the account', async () => {
    h = await createErasureHarness();
    const { status } = await h.planAndRun('wojciech.kowalczyk6@example.net', async (plan) => {
      const account = plan.accounts[0]!;
      return h!.call<ErasurePlan>('erasure.override', {
        workspaceId: h!.workspaceId,
        planId: plan.id,
        target: 'account',
        id: account.userId,
        decision: 'delete',
        reason: 'Legal confirmed closing the held ticket is fine',
      });
    });
    expect(status.state, JSON.stringify(status.failures)).toBe('completed');
    expect(h.sync.sim.state.ticketView(3)?.rec.status).toBe('closed');
    expect(h.sync.sim.state.ticketView(3)?.state).toBe('live');
    expect(h.sync.sim.state.userView(380000000006)?.status).toBe('purged');
  });

  it('refuses to run without revalidation, with a wrong confirmation, or twice', async () => {
    h = await createErasureHarness();
    const plan = await h.call<ErasurePlan>('erasure.plan', { workspaceId: h.workspaceId, subject: SUBJECT });
    const confirm = { subject: SUBJECT, deleteTickets: plan.counts.tickets.delete, redactTickets: plan.counts.tickets.redact };
    const early = await h.callResult('erasure.execute', { workspaceId: h.workspaceId, planId: plan.id, confirm });
    expect(early.ok ? 'ok' : early.error.code).toBe('conflict');
    await h.call('erasure.revalidate', { workspaceId: h.workspaceId, planId: plan.id });
    const wrong = await h.callResult('erasure.execute', {
      workspaceId: h.workspaceId,
      planId: plan.id,
      confirm: { ...confirm, deleteTickets: 99 },
    });
    expect(wrong.ok ? 'ok' : wrong.error.code).toBe('conflict');
    const other = await h.callResult('erasure.execute', {
      workspaceId: h.workspaceId,
      planId: plan.id,
      confirm: { ...confirm, subject: 'x@y.z' },
    });
    expect(other.ok ? 'ok' : other.error.code).toBe('conflict');
    expect(h.sync.sim.state.ticketDeleted.size).toBe(0);
  });
});
