import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import type { ErasurePlan, Receipt, RunStatus } from '../../src/shared/contract/groups/erasure';
import { createErasureHarness, type ErasureHarness } from '../../src/main/core/erasure/testing/harness';

/** #19 items 3 and 8: an erasure started from a request carries it; its receipt is in words and can be handed over. */

let h: ErasureHarness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

const SUBJECT = 'giorgos.papadopoulos5@post.example.de';

it('plans under the request’s regulation, names the request in the plan, audit entries, timeline and receipt (in words)', async () => {
  h = await createErasureHarness();
  const { ctx, workspaceId } = h.sync;
  const created = await ctx.call('requests.create', {
    workspaceId,
    type: 'erasure',
    regulation: 'CCPA',
    channel: 'email',
    receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
    requester: { name: 'Giorgos Papadopoulos', email: SUBJECT },
  });
  if (!created.ok) throw new Error(created.error.message);
  const request = created.value;

  // A plan from the request takes its regulation (CCPA), not GDPR by default.
  const plan = await h.call<ErasurePlan>('erasure.plan', {
    workspaceId,
    subject: SUBJECT,
    requestId: request.id,
    preparedBy: 'Dana Officer',
  });
  expect(plan.regulation).toBe('ccpa');
  expect(plan.request).toEqual({ id: request.id, reference: request.reference });
  expect(plan.tickets.filter((t) => t.exemption).every((t) => t.exemption!.citation.startsWith('CCPA'))).toBe(true);
  // A regulation that contradicts the request is refused, and no plan is made.
  const contradicting = await h.callResult('erasure.plan', { workspaceId, subject: SUBJECT, requestId: request.id, regulation: 'gdpr' });
  expect(contradicting.ok).toBe(false);
  if (!contradicting.ok)
    expect(contradicting.error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining(request.reference) });
  // Without a request, GDPR as before.
  expect((await h.call<ErasurePlan>('erasure.plan', { workspaceId, subject: SUBJECT })).request).toBeNull();

  const checked = await h.call<ErasurePlan>('erasure.revalidate', { workspaceId, planId: plan.id });
  await h.call<RunStatus>('erasure.execute', {
    workspaceId,
    planId: plan.id,
    confirm: {
      subject: SUBJECT,
      deleteTickets: checked.counts.tickets.delete,
      redactTickets: checked.counts.tickets.redact,
      mentionsReviewed: checked.counts.mentionsForReview,
    },
  });
  await h.service.wait(plan.id);
  const status = await h.call<RunStatus>('erasure.status', { workspaceId, runId: plan.id });
  expect(status.receipt).not.toBeNull();

  const receipt = JSON.parse(await readFile(status.receipt!.json, 'utf8')) as Receipt;
  expect(receipt.request).toEqual({ id: request.id, reference: request.reference });
  expect(receipt.regulation).toBe('ccpa');
  const html = await readFile(status.receipt!.html, 'utf8');
  expect(html).toContain(`<h1>Deletion receipt for ${request.reference}</h1>`);
  expect(html).toContain('<tr><th>Prepared by</th><td>Dana Officer</td></tr>');
  expect(html).toContain('<tr><th>Regulation</th><td>CCPA/CPRA (California)</td></tr>');
  expect(html).toContain('<th>Tickets deleted</th>');
  expect(html).toContain('Delete a ticket permanently');
  // In words: no raw field names or operation kinds in what a regulator reads.
  for (const raw of ['ticketsDeleted', 'commentsRedacted', 'usersStillPresent', 'ticket.purge', 'keptTickets'])
    expect(html).not.toContain(raw);

  // The request's audit entries and timeline show the erasure, from plan to receipt.
  const listed = await ctx.call('audit.list', { workspaceId, requestId: request.id, limit: 100 });
  if (!listed.ok) throw new Error(listed.error.message);
  const actions = listed.value.entries.map((e: { action: string }) => e.action);
  expect(actions).toEqual(expect.arrayContaining(['erasure.planned', 'erasure.executed', 'erasure.receipt']));
  const shown = await ctx.call('requests.get', { workspaceId, id: request.id });
  if (!shown.ok) throw new Error(shown.error.message);
  expect(shown.value.request.links.map((l: { kind: string; ref: string }) => `${l.kind}:${l.ref}`)).toEqual(
    expect.arrayContaining([`erasure_run:${plan.id}`, `receipt:${plan.id}`]),
  );

  // Without a save dialog (browser mode, CLI) the receipt is handed over by its path.
  const saved = await h.call<{ saved: boolean; path: string | null; via: string }>('erasure.saveReceipt', { workspaceId, runId: plan.id });
  expect(saved).toMatchObject({ saved: false, via: 'path' });
  expect(saved.path).toBe(status.receipt!.html);
  expect(existsSync(saved.path!)).toBe(true);
  const none = await h.callResult('erasure.saveReceipt', { workspaceId, runId: checked.id.replace(/.$/, (c) => (c === '0' ? '1' : '0')) });
  expect(none.ok).toBe(false);
});

it('approvals, overrides, voided approvals and link decisions taken for a request name it in the audit chain (#19 item 4)', async () => {
  h = await createErasureHarness();
  const { ctx, workspaceId, sim } = h.sync;
  const created = await ctx.call('requests.create', {
    workspaceId,
    type: 'erasure',
    regulation: 'GDPR',
    channel: 'email',
    receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
    requester: { name: 'Giorgos Papadopoulos', email: SUBJECT },
  });
  if (!created.ok) throw new Error(created.error.message);
  const requestId = created.value.id;

  const plan = await h.call<ErasurePlan>('erasure.plan', { workspaceId, subject: SUBJECT, requestId, preparedBy: 'Dana Officer' });
  await h.call<ErasurePlan>('erasure.approve', { workspaceId, planId: plan.id, approver: 'Sam Approver' });
  const ticket = plan.tickets[0]!;
  await h.call<ErasurePlan>('erasure.override', {
    workspaceId,
    planId: plan.id,
    target: 'ticket',
    id: ticket.ticketId,
    decision: ticket.decision === 'keep' ? 'redact' : 'keep',
    reason: 'Needed for an open invoice dispute',
    by: 'Dana Officer',
  });

  // A link decision taken from the request's dossier.
  const person = plan.subject.userIds[0]!;
  const other = Array.from({ length: sim.dataset.userCount }, (_, i) => sim.dataset.userId(i)).find(
    (id) => id !== person && !sim.dataset.isAgentIndex(sim.dataset.userIndex(id)!),
  )!;
  const linked = await ctx.call('subjects.reject', {
    workspaceId,
    ref: `subj_${person}`,
    userId: other,
    reason: 'A different customer',
    by: 'Dana Officer',
    requestId,
  });
  if (!linked.ok) throw new Error(linked.error.message);
  const undone = await ctx.call('subjects.unlink', { workspaceId, ref: `subj_${person}`, userId: other, by: 'Dana Officer', requestId });
  if (!undone.ok) throw new Error(undone.error.message);

  const listed = await ctx.call('audit.list', { workspaceId, requestId, limit: 100 });
  if (!listed.ok) throw new Error(listed.error.message);
  const byAction = new Map(listed.value.entries.map((e) => [e.action, e]));
  for (const action of [
    'erasure.approved',
    'erasure.overridden',
    'erasure.approval_voided',
    'subjects.link_rejected',
    'subjects.link_undone',
  ]) {
    expect(byAction.get(action), action).toMatchObject({ requestId });
  }
  expect(byAction.get('erasure.approved')).toMatchObject({ actor: 'Sam Approver', data: { runId: plan.id } });
  expect(byAction.get('erasure.overridden')).toMatchObject({ actor: 'Dana Officer', data: { runId: plan.id } });
  const verified = await ctx.call('audit.verify', { workspaceId });
  if (!verified.ok) throw new Error(verified.error.message);
  expect(verified.value.ok).toBe(true);
});
