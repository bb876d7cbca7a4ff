import { userInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErasurePlan, RunStatus } from '../../src/shared/contract/groups/erasure';
import { officerName } from '../../src/main/core/audit/officer';
import { createErasureHarness, type ErasureHarness } from '../../src/main/core/erasure/testing/harness';

let h: ErasureHarness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

const SUBJECT = 'giorgos.papadopoulos5@post.example.de';

async function auditEntries(harness: ErasureHarness, action: string) {
  const listed = await harness.sync.ctx.call('audit.list', { workspaceId: harness.workspaceId, action });
  if (!listed.ok) throw new Error(listed.error.message);
  return listed.value.entries;
}

async function withApprovalRequired(harness: ErasureHarness): Promise<void> {
  const rules = await harness.call<Record<string, unknown>>('erasure.getRules', { workspaceId: harness.workspaceId });
  await harness.call('erasure.setRules', { workspaceId: harness.workspaceId, rules: { ...rules, requireApproval: true } });
}

const confirmOf = (plan: ErasurePlan) => ({
  subject: SUBJECT,
  deleteTickets: plan.counts.tickets.delete,
  redactTickets: plan.counts.tickets.redact,
  mentionsReviewed: plan.counts.mentionsForReview,
});

describe('an approval names the plan it approved', () => {
  it('is voided (and the audit says so) when revalidation changes a decision; the changed plan does not run on it', async () => {
    h = await createErasureHarness();
    await withApprovalRequired(h);
    const ws = { workspaceId: h.workspaceId };
    const plan = await h.call<ErasurePlan>('erasure.plan', { ...ws, subject: SUBJECT, preparedBy: 'Alice' });
    expect(plan.tickets.find((t) => t.ticketId === 1)?.decision).toBe('delete');
    const approved = await h.call<ErasurePlan>('erasure.approve', { ...ws, planId: plan.id, approver: 'Bob' });
    expect(approved.approval).toMatchObject({ approver: 'Bob', fingerprint: plan.fingerprint });

    // In the helpdesk, another end user is copied on ticket 1: deleting it would now erase their data too.
    const sim = h.sync.sim;
    const other = sim.state.ticketView(14)!.rec.requester_id;
    const ticket = sim.state.touchTicket(1);
    ticket.email_cc_ids = [...ticket.email_cc_ids, other];
    ticket.collaborator_ids = [...ticket.collaborator_ids, other];

    const checked = await h.call<ErasurePlan>('erasure.revalidate', { ...ws, planId: plan.id });
    expect(checked.tickets.find((t) => t.ticketId === 1)?.decision).toBe('redact');
    expect(checked.revalidation?.differences).toContainEqual(expect.objectContaining({ kind: 'decision_changed', id: 1 }));
    expect(checked.approval).toBeNull();
    const voided = await auditEntries(h, 'erasure.approval_voided');
    expect(voided).toHaveLength(1);
    expect(voided[0]?.data).toMatchObject({ runId: plan.id, approvedFingerprint: plan.fingerprint, fingerprint: checked.fingerprint });
    // Whoever revalidated voided it: an officer, not "system".
    expect(voided[0]?.actor).toBe(officerName());

    const refused = await h.callResult('erasure.execute', { ...ws, planId: plan.id, confirm: confirmOf(checked) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(sim.state.ticketDeleted.size).toBe(0);
    expect(sim.state.redactions).toEqual([]);

    // Approving what runs now lets it run, and the run is what was approved.
    const again = await h.call<ErasurePlan>('erasure.approve', { ...ws, planId: plan.id, approver: 'Bob' });
    expect(again.approval?.fingerprint).toBe(checked.fingerprint);
    await h.call<RunStatus>('erasure.execute', { ...ws, planId: plan.id, confirm: confirmOf(again) });
    await h.service.wait(plan.id);
    const status = await h.call<RunStatus>('erasure.status', { ...ws, runId: plan.id });
    expect(status.state, JSON.stringify(status.failures)).toBe('completed');
    expect(sim.state.ticketView(1)?.state).toBe('live');
  });

  it('survives a revalidation that changes nothing, and an override voids it with an audit entry', async () => {
    h = await createErasureHarness();
    await withApprovalRequired(h);
    const ws = { workspaceId: h.workspaceId };
    const plan = await h.call<ErasurePlan>('erasure.plan', { ...ws, subject: SUBJECT, preparedBy: 'Alice' });
    await h.call<ErasurePlan>('erasure.approve', { ...ws, planId: plan.id, approver: 'Bob' });
    const checked = await h.call<ErasurePlan>('erasure.revalidate', { ...ws, planId: plan.id });
    expect(checked.approval).toMatchObject({ approver: 'Bob', fingerprint: checked.fingerprint });
    expect(await auditEntries(h, 'erasure.approval_voided')).toEqual([]);

    const overridden = await h.call<ErasurePlan>('erasure.override', {
      ...ws,
      planId: plan.id,
      target: 'ticket',
      id: 1,
      decision: 'keep',
      reason: 'Needed for the pending chargeback',
      by: 'Alice',
    });
    expect(overridden.approval).toBeNull();
    const entries = await auditEntries(h, 'erasure.overridden');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'Alice', data: { runId: plan.id, target: 'ticket', from: 'delete', to: 'keep' } });
    expect(JSON.stringify(entries[0])).not.toMatch(/giorgos|papadopoulos|chargeback/i);
    expect(await auditEntries(h, 'erasure.approval_voided')).toHaveLength(1);
  });
});

describe('second-person approval', () => {
  it('applies to plans made before it was switched on', async () => {
    h = await createErasureHarness();
    const ws = { workspaceId: h.workspaceId };
    const plan = await h.call<ErasurePlan>('erasure.plan', { ...ws, subject: SUBJECT, preparedBy: 'Alice' });
    expect(plan.approvalRequired).toBe(false);
    await withApprovalRequired(h);
    const checked = await h.call<ErasurePlan>('erasure.revalidate', { ...ws, planId: plan.id });
    const refused = await h.callResult('erasure.execute', { ...ws, planId: plan.id, confirm: confirmOf(checked) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(h.sync.sim.state.ticketDeleted.size).toBe(0);
  });

  it('refuses approver names that normalise to the preparer’s, "system" and empty names, changing nothing', async () => {
    h = await createErasureHarness();
    const ws = { workspaceId: h.workspaceId };
    const plan = await h.call<ErasurePlan>('erasure.plan', { ...ws, subject: SUBJECT, preparedBy: 'Alice Martin' });
    for (const approver of [
      'Alice Martin',
      'alice martin.',
      '  ALICE   MARTIN ',
      'Alice-Martin',
      'AliceMartin',
      'Аlice Мartin', // Cyrillic А and М
      'Αlice Martin', // Greek Alpha
      'ａｌｉｃｅ ｍａｒｔｉｎ', // full width
      'Alice\u200bMartin', // zero-width space
      'Alíce Martin',
    ]) {
      const r = await h.callResult('erasure.approve', { ...ws, planId: plan.id, approver });
      expect(r, approver).toMatchObject({ ok: false, error: { code: 'conflict' } });
    }
    for (const approver of ['system', 'SYSTEM', ' System. ', '...', '\u200b']) {
      const r = await h.callResult('erasure.approve', { ...ws, planId: plan.id, approver });
      expect(r, approver).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect((await h.call<ErasurePlan>('erasure.getPlan', { ...ws, planId: plan.id })).approval).toBeNull();
    expect(await auditEntries(h, 'erasure.approved')).toEqual([]);
    expect(await h.call<ErasurePlan>('erasure.approve', { ...ws, planId: plan.id, approver: 'Alicia Martin' })).toMatchObject({
      approval: { approver: 'Alicia Martin' },
    });
  });

  it('always records the preparer: the operating-system account when no name is given, which cannot approve', async () => {
    h = await createErasureHarness();
    const ws = { workspaceId: h.workspaceId };
    const plan = await h.call<ErasurePlan>('erasure.plan', { ...ws, subject: SUBJECT });
    const account = userInfo().username;
    expect(plan.preparedBy).toBe(account);
    const r = await h.callResult('erasure.approve', { ...ws, planId: plan.id, approver: account.toUpperCase() });
    expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } });
    for (const preparedBy of ['system', ' System ']) {
      const refused = await h.callResult('erasure.plan', { ...ws, subject: SUBJECT, preparedBy });
      expect(refused, preparedBy).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
  });

  it('puts every change of the exemption rules in the audit log, without personal data', async () => {
    h = await createErasureHarness();
    const ws = { workspaceId: h.workspaceId };
    await withApprovalRequired(h);
    const rules = await h.call<Record<string, unknown>>('erasure.getRules', ws);
    await h.call('erasure.setRules', { ...ws, rules: { ...rules, requireApproval: false, retentionDays: 30 } });
    const entries = await auditEntries(h, 'erasure.rules_changed');
    expect(entries).toHaveLength(2);
    // Newest first.
    expect(entries[0]?.data).toMatchObject({
      changed: ['requireApproval', 'retentionDays'],
      requireApproval: false,
      previousRequireApproval: true,
      retentionDays: 30,
    });
    expect(entries[1]?.data).toMatchObject({ changed: ['requireApproval'], requireApproval: true, previousRequireApproval: false });
    const verified = await h.sync.ctx.call('audit.verify', ws);
    expect(verified).toMatchObject({ ok: true, value: { ok: true } });
  });
});
