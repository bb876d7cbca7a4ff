import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Receipt } from '../../src/shared/contract/groups/erasure';
import { suspendedOf } from '../../src/sim';
import { createErasureHarness, type ErasureHarness } from '../../src/main/core/erasure/testing/harness';

/**
 * Erasing a person who wrote suspended tickets and rated tickets: afterwards the simulator's own
 * API lists nothing of theirs on those surfaces except what the plan kept or blocked with its
 * reason, and the receipt counts each surface.
 */
let h: ErasureHarness;
beforeAll(async () => {
  h = await createErasureHarness();
}, 120_000);
afterAll(async () => h?.dispose());

async function list(path: string, key: string): Promise<Array<Record<string, unknown>>> {
  const { sim } = h.sync;
  const auth = Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64');
  const res = await fetch(`${sim.url}${path}?per_page=100`, { headers: { authorization: `Basic ${auth}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as Record<string, Array<Record<string, unknown>>>)[key]!;
}

it('leaves no suspended ticket of the person, and only the ratings the plan kept or blocked, through the API', async () => {
  const ds = h.sync.sim.dataset;
  const state = h.sync.sim.state;
  let index = -1;
  for (let i = 2; i < ds.userCount && index < 0; i++) {
    const email = ds.primaryEmail(i);
    if (email && !ds.isAgentIndex(i) && suspendedOf(state, [ds.userId(i)], [email]).length > 0) index = i;
  }
  expect(index).toBeGreaterThan(0);
  const userId = ds.userId(index);
  const email = ds.primaryEmail(index)!;
  const before = suspendedOf(state, [userId], [email]).length;

  const { plan, status } = await h.planAndRun(email);
  const suspendedItems = plan.surfaceItems.filter((i) => i.surface === 'suspended_tickets');
  expect(suspendedItems).toHaveLength(before);
  expect(suspendedItems.every((i) => i.decision === 'delete' && i.reason.length > 0)).toBe(true);
  expect(plan.coverage.find((c) => c.surface === 'suspended_tickets')).toMatchObject({ searched: true, items: before });

  const left = (await list('/api/v2/suspended_tickets', 'suspended_tickets')).filter((t) => {
    const author = t.author as { id: number | null; email: string };
    return author.id === userId || author.email.toLowerCase() === email.toLowerCase();
  });
  expect(left).toEqual([]);

  const planned = new Map(plan.surfaceItems.filter((i) => i.surface === 'satisfaction_ratings').map((i) => [String(i.id), i]));
  for (const r of await list('/api/v2/satisfaction_ratings', 'satisfaction_ratings')) {
    if (r.requester_id !== userId) continue;
    const item = planned.get(String(r.id));
    expect(item, `rating ${String(r.id)} left without a decision`).toBeDefined();
    expect(['keep', 'blocked']).toContain(item!.decision);
  }

  const receipt = JSON.parse(await readFile(status.receipt!.json, 'utf8')) as Receipt;
  expect(receipt.surfaces.find((s) => s.surface === 'suspended_tickets')).toMatchObject({
    searched: true,
    found: before,
    byDecision: { delete: before },
    leftAfterVerification: 0,
  });
  // The receipt holds counts, never the items' ids.
  for (const i of suspendedItems) expect(JSON.stringify(receipt)).not.toContain(i.id);
  expect(status.verification?.ok).toBe(true);
}, 120_000);

it('clears the organization fields holding the person, leaves the organization’s other fields, and the receipt counts them', async () => {
  const ds = h.sync.sim.dataset;
  let index = -1;
  for (let i = 2; i < ds.userCount && index < 0; i++) {
    if (ds.isAgentIndex(i) || !ds.primaryEmail(i)) continue;
    if (h.sync.sim.groundTruth(ds.userId(i)).customFields.some((f) => f.scope === 'organization')) index = i;
  }
  expect(index).toBeGreaterThan(0);
  const userId = ds.userId(index);
  const fields = h.sync.sim.groundTruth(userId).customFields.filter((f) => f.scope === 'organization');
  const orgBefore = new Map<number, Record<string, string | null>>();
  for (const f of fields) orgBefore.set(f.ownerId, (await get(`/api/v2/organizations/${f.ownerId}`)).organization_fields);

  const { plan, status } = await h.planAndRun(ds.primaryEmail(index)!);
  const items = plan.surfaceItems.filter((i) => i.surface === 'custom_fields');
  expect(items.map((i) => i.id).sort()).toEqual(fields.map((f) => `organization:${f.ownerId}:${f.key}`).sort());
  expect(items.every((i) => i.decision === 'delete' && i.reasonCode === 'organization_field_cleared')).toBe(true);

  for (const [orgId, before] of orgBefore) {
    const after = (await get(`/api/v2/organizations/${orgId}`)).organization_fields;
    for (const [key, value] of Object.entries(before)) {
      const cleared = fields.some((f) => f.ownerId === orgId && f.key === key);
      expect(after[key], `${orgId}.${key}`).toBe(cleared ? null : value);
    }
  }
  expect(h.sync.sim.groundTruth(userId).customFields.filter((f) => f.scope === 'organization')).toEqual([]);

  const receipt = JSON.parse(await readFile(status.receipt!.json, 'utf8')) as Receipt;
  expect(receipt.surfaces.find((s) => s.surface === 'custom_fields')).toMatchObject({
    searched: true,
    byDecision: { delete: fields.length },
    leftAfterVerification: 0,
  });
  expect(status.verification?.ok).toBe(true);
}, 120_000);

async function get(path: string): Promise<{ organization_fields: Record<string, string | null> }> {
  const { sim } = h.sync;
  const auth = Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64');
  const res = await fetch(`${sim.url}${path}`, { headers: { authorization: `Basic ${auth}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { organization: { organization_fields: Record<string, string | null> } }).organization;
}
