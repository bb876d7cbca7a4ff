import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ErasurePlan, Receipt } from '../../src/shared/contract/groups/erasure';
import { fieldValuesOf } from '../../src/sim';
import { groundTruth } from '../../src/sim/truth';
import { createErasureHarness, type ErasureHarness } from '../../src/main/core/erasure/testing/harness';

/**
 * Erasing a person whose name or number sits in ticket custom fields (#12 surface 4): the plan
 * clears the current values on the tickets it keeps or redacts and names every value that only the
 * audits hold, with the fix; afterwards the simulator's own API shows no current value holding
 * them on a ticket that is still there, and the receipt counts the surface.
 */
let h: ErasureHarness;
beforeAll(async () => {
  h = await createErasureHarness();
}, 120_000);
afterAll(async () => h?.dispose());

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const { sim } = h.sync;
  const auth = Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64');
  const res = await fetch(`${sim.url}${path}`, { headers: { authorization: `Basic ${auth}` } });
  return { status: res.status, body: (await res.json()) as T };
}

async function put(path: string, body: unknown): Promise<{ status: number }> {
  const { sim } = h.sync;
  const auth = Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64');
  const res = await fetch(`${sim.url}${path}`, {
    method: 'PUT',
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status };
}

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

  const { plan, status } = await h.planAndRun(ds.primaryEmail(index)!, redactTickets);
  const items = plan.surfaceItems.filter((i) => i.surface === 'ticket_audits');
  expect(items.map((i) => i.id).sort()).toEqual(before.map((f) => `${f.ticketId}:${f.fieldId}`).sort());
  expect(plan.coverage.find((c) => c.surface === 'ticket_audits')).toMatchObject({ searched: true, items: before.length });
  const ticketDecision = new Map(plan.tickets.map((t) => [t.ticketId, t.decision]));
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
  for (const i of items) byDecision[i.decision] = (byDecision[i.decision] ?? 0) + 1;
  expect(receipt.surfaces.find((s) => s.surface === 'ticket_audits')).toMatchObject({
    searched: true,
    found: before.length,
    byDecision,
    leftAfterVerification: 0,
  });
  expect(JSON.stringify(receipt)).not.toContain(who.names[0]!);
  expect(status.verification?.ok).toBe(true);
}, 120_000);
