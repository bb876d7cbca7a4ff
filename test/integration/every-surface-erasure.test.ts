import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ErasurePlan, Receipt } from '../../src/shared/contract/groups/erasure';
import { SURFACE_IDS, type SurfaceId } from '../../src/shared/schemas/surfaces';
import {
  customObjectRecordsOf,
  fieldValuesOf,
  helpCenterOf,
  notifiedOn,
  ratingsOf,
  sideConversationsOf,
  suspendedOf,
  talkOf,
  type Simulator,
} from '../../src/sim';
import { createErasureHarness, type ErasureHarness } from '../../src/main/core/erasure/testing/harness';
import { simApi } from '../support/sim-api';

/**
 * One person on every surface at once (#12, "done means"): the plan touches each of them, and after
 * the run the simulator's own API shows nothing of theirs anywhere except the items the plan kept or
 * blocked, each with its reason (and, when blocked, the fix). Each surface's own suite checks its
 * decisions in depth; this one checks that they hold together in one erasure.
 */
let h: ErasureHarness;
beforeAll(async () => {
  h = await createErasureHarness();
}, 120_000);
afterAll(async () => h?.dispose());

/** The surfaces a person's own items live on (accounts, tickets, comments and attachments are the plan's own lists). */
const ITEM_SURFACES = [
  'suspended_tickets',
  'side_conversations',
  'satisfaction_ratings',
  'ticket_audits',
  'help_center',
  'talk',
  'custom_objects',
] as const satisfies readonly SurfaceId[];

const get = <T = Record<string, unknown>>(path: string) => simApi<T>(h.sync.sim, 'GET', path);

interface Person {
  index: number;
  userId: number;
  email: string;
}

/** Ground truth per surface for a person: how many items of theirs the simulator holds there. */
function truthCounts(sim: Simulator, p: Person): Record<(typeof ITEM_SURFACES)[number], number> {
  const state = sim.state;
  const t = sim.groundTruth(p.userId);
  const tickets = t.tickets.map((x) => x.ticketId);
  return {
    suspended_tickets: suspendedOf(state, [p.userId], t.emails).length,
    side_conversations: sideConversationsOf(state, [p.userId], t.emails).length,
    satisfaction_ratings: ratingsOf(state, [p.userId]).length,
    ticket_audits:
      fieldValuesOf(state, tickets, { names: [t.name.trim()], emails: t.emails, phones: t.phones }).length +
      notifiedOn(state, tickets, [p.userId]).length,
    help_center: helpCenterOf(state, [p.userId]).length,
    talk: talkOf(state, [p.userId]).length,
    custom_objects: customObjectRecordsOf(state, [p.userId], t.emails).length,
  };
}

/** The tiny dataset's end user on the most surfaces; a surface they are missing from is added through the API. */
async function personOnEverySurface(): Promise<Person> {
  const sim = h.sync.sim;
  const ds = sim.dataset;
  let best: { p: Person; n: number } | undefined;
  for (let i = 2; i < ds.userCount; i++) {
    const email = ds.primaryEmail(i);
    if (!email || ds.isAgentIndex(i)) continue;
    const p = { index: i, userId: ds.userId(i), email };
    // Custom object records can be pointed at anyone through the API (below); the rest cannot.
    const counts = truthCounts(sim, p);
    const n = ITEM_SURFACES.filter((s) => s !== 'custom_objects' && counts[s] > 0).length * 2 + (counts.custom_objects > 0 ? 1 : 0);
    if (!best || n > best.n) best = { p, n };
  }
  const p = best!.p;
  if (truthCounts(sim, p).custom_objects === 0) {
    // An agent registers a device to the person: its owner lookup now points at them.
    const records = await get<{ custom_object_records: Array<{ id: string }> }>('/api/v2/custom_objects/device/records?page[size]=1');
    const id = records.body.custom_object_records[0]!.id;
    const patched = await simApi(sim, 'PATCH', `/api/v2/custom_objects/device/records/${id}`, {
      custom_object_record: { custom_object_fields: { owner: String(p.userId) } },
    });
    expect(patched.status).toBe(200);
  }
  const counts = truthCounts(sim, p);
  for (const surface of ITEM_SURFACES) expect(counts[surface], `${surface} of the chosen person`).toBeGreaterThan(0);
  expect(sim.groundTruth(p.userId).customFields.length, 'custom fields of the chosen person').toBeGreaterThan(0);
  return p;
}

let person: Person;
let plan: ErasurePlan;
let receipt: Receipt;

it('plans every surface for a person who is on all of them: searched, found, and a decision with its reason per item', async () => {
  person = await personOnEverySurface();
  const before = truthCounts(h.sync.sim, person);
  // The account is blocked while a ticket of theirs is open; the officer accepts the fix (close it, then delete).
  const run = await h.planAndRun(person.email, async (p) => {
    for (const a of p.accounts.filter((x) => x.decision !== 'delete'))
      p = await h.call<ErasurePlan>('erasure.override', {
        workspaceId: h.workspaceId,
        planId: p.id,
        target: 'account',
        id: a.userId,
        decision: 'delete',
        reason: 'Erasure request; open tickets closed first',
      });
    return p;
  });
  plan = run.plan;
  expect(run.status.state, JSON.stringify(run.status.failures)).toBe('completed');
  // Zendesk finishes its own deletion later: the officer reads its status again.
  h.sync.sim.advanceClock(3_600);
  await h.call('erasure.checkZendeskDeletion', { workspaceId: h.workspaceId, runId: run.status.runId });
  receipt = JSON.parse(await readFile(run.status.receipt!.json, 'utf8')) as Receipt;

  for (const surface of SURFACE_IDS)
    expect(
      plan.coverage.map((c) => c.surface),
      surface,
    ).toContain(surface);
  for (const surface of ITEM_SURFACES) {
    const items = plan.surfaceItems.filter((i) => i.surface === surface);
    expect(
      plan.coverage.find((c) => c.surface === surface),
      surface,
    ).toMatchObject({ searched: true, reason: null, items: before[surface] });
    expect(items, surface).toHaveLength(before[surface]);
    for (const i of items) {
      expect(i.reason.length, `${surface} ${i.id}`).toBeGreaterThan(10);
      if (i.decision === 'keep') expect(i.legalBasis, `${surface} ${i.id}`).not.toBeNull();
      if (i.decision === 'blocked') expect(i.fix ?? '', `${surface} ${i.id}`).not.toBe('');
    }
  }
  expect(plan.accounts.length).toBeGreaterThan(0);
  expect(plan.tickets.length).toBeGreaterThan(0);
}, 300_000);

it('leaves nothing of the person’s on any surface through the API, except what the plan kept or blocked', async () => {
  const sim = h.sync.sim;
  const planned = new Map(plan.surfaceItems.map((i) => [`${i.surface} ${i.id}`, i]));
  const leftOnly = (surface: SurfaceId, ids: string[]): void => {
    for (const id of ids) {
      const item = planned.get(`${surface} ${id}`);
      expect(item, `${surface} ${id} is left without a decision`).toBeDefined();
      expect(['keep', 'blocked', 'redact'], `${surface} ${id} was to be deleted`).toContain(item!.decision);
    }
  };

  // The account: gone from the API (Zendesk's deleted users are not shown by id), its custom fields with it.
  expect((await get(`/api/v2/users/${person.userId}`)).status).toBe(404);

  const suspended = await get<{ suspended_tickets: Array<{ id: number; author: { id: number | null; email: string } }> }>(
    '/api/v2/suspended_tickets?per_page=100',
  );
  leftOnly(
    'suspended_tickets',
    suspended.body.suspended_tickets
      .filter((t) => t.author.id === person.userId || t.author.email.toLowerCase() === person.email.toLowerCase())
      .map((t) => String(t.id)),
  );

  const ratings = await get<{ satisfaction_ratings: Array<{ id: number; requester_id: number }> }>(
    '/api/v2/satisfaction_ratings?per_page=100',
  );
  leftOnly(
    'satisfaction_ratings',
    ratings.body.satisfaction_ratings.filter((r) => r.requester_id === person.userId).map((r) => String(r.id)),
  );

  for (const i of plan.surfaceItems) {
    const gone = i.decision === 'delete';
    if (i.surface === 'side_conversations') {
      expect((await get(`/api/v2/tickets/${i.ticketId}/side_conversations/${i.id}`)).status, i.id).toBe(gone ? 404 : 200);
    } else if (i.surface === 'ticket_audits' && gone) {
      expect((await get(`/api/v2/tickets/${i.ticketId}/audits`)).status, i.id).toBe(404);
    } else if (i.surface === 'talk' && i.id.startsWith('recording:')) {
      const status = (await get(`/api/v2/channels/voice/calls/${i.id.slice('recording:'.length)}/twilio/recording`)).status;
      expect(status, i.id).toBe(gone ? 404 : 200);
    } else if (i.surface === 'talk' && gone) {
      expect((await get(`/api/v2/tickets/${i.ticketId}/comments`)).status, i.id).toBe(404);
    } else if (i.surface === 'custom_objects') {
      const [key, id] = i.id.split(':');
      const read = await get(`/api/v2/custom_objects/${key}/records/${id}`);
      if (gone) expect(read.status, i.id).toBe(404);
      else if (i.decision === 'redact') expect(JSON.stringify(read.body), i.id).not.toContain(`"${person.userId}"`);
    }
  }

  const listings: Array<[string, string]> = [
    [`/api/v2/community/users/${person.userId}/posts`, 'posts'],
    [`/api/v2/community/users/${person.userId}/comments`, 'comments'],
    [`/api/v2/help_center/users/${person.userId}/comments`, 'comments'],
    [`/api/v2/help_center/users/${person.userId}/votes`, 'votes'],
    [`/api/v2/help_center/users/${person.userId}/subscriptions`, 'subscriptions'],
  ];
  const helpCenterLeft: string[] = [];
  for (const [path, key] of listings) {
    const res = await get<Record<string, Array<{ id: number }>>>(path);
    expect(res.status, path).toBe(200);
    for (const row of res.body[key] ?? []) helpCenterLeft.push(String(row.id));
  }
  for (const id of helpCenterLeft) {
    const item = plan.surfaceItems.find((i) => i.surface === 'help_center' && i.id.endsWith(`:${id}`));
    expect(item, `help center ${id} left without a decision`).toBeDefined();
    expect(item!.decision, `help center ${id}`).not.toBe('delete');
  }

  // What the simulator still holds of the person, per surface, is only what the plan did not delete.
  const after = truthCounts(sim, person);
  const notDeleted = (surface: SurfaceId) => plan.surfaceItems.filter((i) => i.surface === surface && i.decision !== 'delete').length;
  for (const surface of ITEM_SURFACES) expect(after[surface], surface).toBeLessThanOrEqual(notDeleted(surface));
}, 300_000);

it('the receipt counts every surface with nothing left after verification, and Zendesk’s own deletion status per product', async () => {
  for (const surface of ITEM_SURFACES) {
    const items = plan.surfaceItems.filter((i) => i.surface === surface);
    const byDecision: Record<string, number> = {};
    for (const i of items) byDecision[i.decision] = (byDecision[i.decision] ?? 0) + 1;
    expect(
      receipt.surfaces.find((s) => s.surface === surface),
      surface,
    ).toMatchObject({
      searched: true,
      found: items.length,
      byDecision,
      leftAfterVerification: 0,
    });
  }
  expect(receipt.verification).not.toBeNull();
  expect(receipt.zendeskDeletion?.accounts.length).toBeGreaterThan(0);
  // An hour on, Zendesk reports Support, Guide and Talk done; Chat takes hours longer and is named as pending.
  expect(receipt.zendeskDeletion).toMatchObject({ error: null, pending: expect.arrayContaining(['chat']) });
  expect(receipt.zendeskDeletion?.complete).toEqual(expect.arrayContaining(['support', 'guide', 'talk']));
  // Counts only: no item of the person's is named in the receipt.
  const text = JSON.stringify(receipt);
  expect(text).not.toContain(person.email);
  for (const i of plan.surfaceItems) expect(text, i.id).not.toContain(i.id);
});
