import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ErasurePlan, Receipt } from '../../src/shared/contract/groups/erasure';
import { fieldValuesOf, notifiedOn } from '../../src/sim';
import { groundTruth } from '../../src/sim/truth';
import { createErasureHarness, type ErasureHarness } from '../../src/main/core/erasure/testing/harness';
import { simApi } from '../support/sim-api';

/**
 * Erasing a person whose name or number sits in ticket custom fields (#12 surface 4): the plan
 * clears the current values on the tickets it keeps or redacts and names every value that only the
 * audits hold, with the fix; afterwards the simulator's own API shows no current value holding
 * them on a ticket that is still there, and the receipt counts the surface. The tickets whose audits
 * record the person as a notification's recipient follow their ticket: blocked with the fix on a
 * ticket that stays, gone (audits 404 through the API) with a ticket that is deleted.
 */
let h: ErasureHarness;
beforeAll(async () => {
  h = await createErasureHarness();
}, 120_000);
afterAll(async () => h?.dispose());

const get = <T>(path: string) => simApi<T>(h.sync.sim, 'GET', path);
const put = (path: string, body: unknown) => simApi(h.sync.sim, 'PUT', path, body);

const whoOf = (userId: number) => {
  const t = groundTruth(h.sync.sim.state, userId);
  return { tickets: t.tickets.map((x) => x.ticketId), who: { names: [t.name.trim()], emails: t.emails, phones: t.phones } };
};

/** Redact instead of delete every ticket (an override), so field items are cleared or blocked rather than deleted with their tickets. */
async function redactTickets(plan: ErasurePlan): Promise<ErasurePlan> {
  for (const t of plan.tickets.filter((x) => x.decision === 'delete'))
    plan = await h.call<ErasurePlan>('erasure.override', {
      workspaceId: h.workspaceId,
      planId: plan.id,
      target: 'ticket',
      id: t.ticketId,
      decision: 'redact',
      reason: 'Kept for the contract file; personal data redacted',
    });
  return plan;
}

it('clears current field values through the API, names history-only values with the fix, and the receipt counts them', async () => {
  const ds = h.sync.sim.dataset;
  const state = h.sync.sim.state;
  let index = -1;
  for (let i = 2; i < ds.userCount && index < 0; i++) {
    if (ds.isAgentIndex(i) || !ds.primaryEmail(i)) continue;
    const { tickets, who } = whoOf(ds.userId(i));
    const found = fieldValuesOf(state, tickets, who);
    const open = (id: number) => state.ticketView(id)?.rec.status !== 'closed';
    if (found.some((f) => f.current && open(f.ticketId))) index = i;
  }
  expect(index, 'a tiny-dataset person with both a current and a history-only field value').toBeGreaterThan(0);
  const userId = ds.userId(index);
  const { tickets, who } = whoOf(userId);
  // An agent types the person's address into the order field of an open ticket of theirs, then
  // corrects it: only the audits keep it.
  const open = tickets.find((id) => state.ticketView(id)?.rec.status !== 'closed')!;
  for (const value of [`call back ${ds.primaryEmail(index)!}`, 'ORD-123456'])
    expect((await put(`/api/v2/tickets/${open}`, { ticket: { custom_fields: [{ id: 360_001, value }] } })).status).toBe(200);
  const before = fieldValuesOf(state, tickets, who);
  expect(before.some((f) => f.ticketId === open && f.fieldId === 360_001 && !f.current)).toBe(true);
  const closedBefore = new Set(tickets.filter((id) => state.ticketView(id)?.rec.status === 'closed'));

  const notifiedBefore = notifiedOn(state, tickets, [userId]);
  expect(notifiedBefore.length, 'the person was notified on a ticket').toBeGreaterThan(0);
  const { plan, status } = await h.planAndRun(ds.primaryEmail(index)!, redactTickets);
  const all = plan.surfaceItems.filter((i) => i.surface === 'ticket_audits');
  const items = all.filter((i) => !i.id.endsWith(':notified'));
  const recipients = all.filter((i) => i.id.endsWith(':notified'));
  expect(recipients.map((i) => i.ticketId).sort()).toEqual([...notifiedBefore].sort());
  expect(items.map((i) => i.id).sort()).toEqual(before.map((f) => `${f.ticketId}:${f.fieldId}`).sort());
  expect(plan.coverage.find((c) => c.surface === 'ticket_audits')).toMatchObject({
    searched: true,
    items: before.length + recipients.length,
  });
  const ticketDecision = new Map(plan.tickets.map((t) => [t.ticketId, t.decision]));
  for (const r of recipients) {
    expect(r.roles, r.id).toEqual(['recipient']);
    const ticket = ticketDecision.get(r.ticketId!);
    expect(r.decision, r.id).toBe(ticket === 'keep' ? 'keep' : 'blocked');
    if (r.decision === 'blocked') expect(r.fix, r.id).toMatch(new RegExp(`ticket ${r.ticketId} to delete`));
  }
  expect(recipients.some((r) => r.decision === 'blocked')).toBe(true);
  for (const f of before) {
    const item = items.find((i) => i.id === `${f.ticketId}:${f.fieldId}`)!;
    const ticket = ticketDecision.get(f.ticketId);
    const closed = closedBefore.has(f.ticketId);
    expect(ticket, item.id).not.toBe('delete');
    if (f.current && !closed) expect(item.decision, item.id).toBe('redact');
    else expect(item.decision, item.id).toBe(ticket === 'keep' ? 'keep' : 'blocked');
    if (item.decision === 'blocked') expect(item.fix, item.id).toMatch(/delete/);
    expect(item.reason.length).toBeGreaterThan(10);
  }

  // Through the API: no ticket still there holds the person in a current field value, unless the plan said why.
  for (const f of before) {
    const item = items.find((i) => i.id === `${f.ticketId}:${f.fieldId}`)!;
    const res = await get<{ ticket: { custom_fields: { id: number; value: unknown }[] } }>(`/api/v2/tickets/${f.ticketId}`);
    if (res.status === 404) continue;
    const value = res.body.ticket.custom_fields.find((x) => x.id === f.fieldId)?.value ?? null;
    if (item.decision === 'redact') expect(value, item.id).toBeNull();
  }
  const after = fieldValuesOf(state, tickets, who);
  const redacted = items.filter((i) => i.decision === 'redact');
  expect(redacted.length).toBeGreaterThan(0);
  expect(items.filter((i) => i.decision === 'blocked').length).toBeGreaterThan(0);
  for (const i of redacted) expect(after.find((f) => `${f.ticketId}:${f.fieldId}` === i.id)?.current ?? false, i.id).toBe(false);

  const receipt = JSON.parse(await readFile(status.receipt!.json, 'utf8')) as Receipt;
  const byDecision: Record<string, number> = {};
  for (const i of all) byDecision[i.decision] = (byDecision[i.decision] ?? 0) + 1;
  expect(receipt.surfaces.find((s) => s.surface === 'ticket_audits')).toMatchObject({
    searched: true,
    found: all.length,
    byDecision,
    leftAfterVerification: 0,
  });
  expect(JSON.stringify(receipt)).not.toContain(who.names[0]!);
  expect(status.verification?.ok).toBe(true);
}, 120_000);

it('a ticket deleted by the plan takes the notifications to the person with it: its audits answer 404 through the API', async () => {
  const ds = h.sync.sim.dataset;
  const state = h.sync.sim.state;
  const planned = await Promise.all(
    Array.from({ length: ds.userCount }, (_, i) => i)
      .filter((i) => i >= 2 && !ds.isAgentIndex(i) && ds.primaryEmail(i))
      .map((i) => ({ i, ...whoOf(ds.userId(i)) })),
  );
  const pick = planned.find(
    (p) => notifiedOn(state, p.tickets, [ds.userId(p.i)]).length > 0 && fieldValuesOf(state, p.tickets, p.who).length === 0,
  );
  expect(pick, 'a person notified on tickets, with no field items').toBeDefined();
  const userId = ds.userId(pick!.i);
  const notifiedBefore = notifiedOn(state, pick!.tickets, [userId]);
  const { plan, status } = await h.planAndRun(ds.primaryEmail(pick!.i)!);
  const recipients = plan.surfaceItems.filter((i) => i.surface === 'ticket_audits' && i.id.endsWith(':notified'));
  expect(recipients.map((i) => i.ticketId).sort()).toEqual([...notifiedBefore].sort());
  const deleted = recipients.filter((r) => r.decision === 'delete');
  expect(deleted.length, 'a recipient item deleted with its ticket').toBeGreaterThan(0);
  const ticketDecision = new Map(plan.tickets.map((t) => [t.ticketId, t.decision]));
  for (const r of recipients) {
    expect(r.decision === 'delete', r.id).toBe(ticketDecision.get(r.ticketId!) === 'delete');
    if (r.decision === 'delete') expect(r.reason).toMatch(/Deleted with its ticket/);
  }
  for (const r of deleted) expect((await get(`/api/v2/tickets/${r.ticketId}/audits`)).status, r.id).toBe(404);
  expect(
    notifiedOn(
      state,
      deleted.map((r) => r.ticketId!),
      [userId],
    ),
  ).toEqual([]);
  const receipt = JSON.parse(await readFile(status.receipt!.json, 'utf8')) as Receipt;
  expect(receipt.surfaces.find((s) => s.surface === 'ticket_audits')).toMatchObject({ found: recipients.length, leftAfterVerification: 0 });
  expect(status.verification?.ok).toBe(true);
}, 120_000);
