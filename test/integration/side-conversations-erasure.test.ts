import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Receipt } from '../../src/shared/contract/groups/erasure';
import { sideConversationsOf } from '../../src/sim';
import { groundTruth } from '../../src/sim/truth';
import { openJournal } from '../../src/main/core/journal';
import { verifySurfaces } from '../../src/main/core/erasure/surfaces-run';
import { createErasureHarness, type ErasureHarness } from '../../src/main/core/erasure/testing/harness';
import { simApi, simClient } from '../support/sim-api';

/**
 * Erasing a person who is in side conversations, on their own tickets and on other people's:
 * afterwards the simulator's own API shows none of them except those the plan kept or blocked,
 * each with its reason (Zendesk cannot delete or redact a side conversation, only its ticket); the
 * receipt counts the surface; verification reads back the ones deleted with their ticket.
 */
let h: ErasureHarness;
beforeAll(async () => {
  h = await createErasureHarness();
}, 120_000);
afterAll(async () => h?.dispose());

const get = (path: string) => simApi(h.sync.sim, 'GET', path);
const client = () => simClient(h.sync.sim);

/** An end user in side conversations both of their own tickets and of someone else's. */
function subject(): { userId: number; email: string } {
  const ds = h.sync.sim.dataset;
  const state = h.sync.sim.state;
  for (let i = 2; i < ds.userCount; i++) {
    const email = ds.primaryEmail(i);
    if (!email || ds.isAgentIndex(i)) continue;
    const truth = groundTruth(state, ds.userId(i));
    const own = new Set(truth.tickets.map((t) => t.ticketId));
    const found = sideConversationsOf(state, [truth.userId], truth.emails);
    if (found.some((c) => own.has(c.ticketId)) && found.some((c) => !own.has(c.ticketId))) return { userId: truth.userId, email };
  }
  throw new Error('the dataset has nobody in side conversations of both their own and someone else’s tickets');
}

it('leaves only the side conversations the plan kept or blocked, through the API, and the receipt counts them', async () => {
  const state = h.sync.sim.state;
  const { userId, email } = subject();
  const before = sideConversationsOf(state, [userId], groundTruth(state, userId).emails);

  const { plan, status } = await h.planAndRun(email);
  const items = plan.surfaceItems.filter((i) => i.surface === 'side_conversations');
  expect(items.map((i) => i.id).sort()).toEqual(before.map((c) => c.id).sort());
  expect(plan.coverage.find((c) => c.surface === 'side_conversations')).toMatchObject({ searched: true, items: before.length });
  const ticketDecision = new Map(plan.tickets.map((t) => [t.ticketId, t.decision]));
  for (const i of items) {
    expect(i.reason.length).toBeGreaterThan(10);
    const ticket = i.ticketId === null ? undefined : ticketDecision.get(i.ticketId);
    if (ticket === 'delete') expect(i).toMatchObject({ decision: 'delete', reasonCode: 'with_ticket' });
    else if (ticket === 'keep') expect(i).toMatchObject({ decision: 'keep', reasonCode: 'ticket_kept' });
    else {
      expect(i).toMatchObject({ decision: 'blocked', reasonCode: 'side_conversation_not_erasable' });
      expect(i.fix).toMatch(new RegExp(`ticket ${i.ticketId}`));
    }
  }
  // The person's tickets go, and someone else's ticket stays: both kinds are exercised.
  expect(items.some((i) => i.decision === 'delete')).toBe(true);
  expect(items.some((i) => i.decision === 'blocked')).toBe(true);

  // Through the API: every side conversation of the person is gone, or the plan kept or blocked it.
  const planned = new Map(items.map((i) => [i.id, i]));
  for (const c of before) {
    const read = await get(`/api/v2/tickets/${c.ticketId}/side_conversations/${c.id}`);
    const decision = planned.get(c.id)!.decision;
    if (decision === 'delete') expect(read.status, `side conversation ${c.id}`).toBe(404);
    else expect(read.status).toBe(200);
  }
  expect(sideConversationsOf(state, [userId], [email]).every((c) => planned.get(c.id)?.decision !== 'delete')).toBe(true);

  const receipt = JSON.parse(await readFile(status.receipt!.json, 'utf8')) as Receipt;
  const byDecision: Record<string, number> = {};
  for (const i of items) byDecision[i.decision] = (byDecision[i.decision] ?? 0) + 1;
  expect(receipt.surfaces.find((s) => s.surface === 'side_conversations')).toMatchObject({
    searched: true,
    found: before.length,
    byDecision,
    leftAfterVerification: 0,
  });
  for (const i of items) expect(JSON.stringify(receipt)).not.toContain(i.id);
  expect(status.verification?.ok).toBe(true);

  // The cache's side-conversation index no longer names the person (those tickets are read again next time).
  const cache = await h.sync.ctx.core.services.caches.open(h.workspaceId);
  const index = cache.db
    .prepare("SELECT body FROM surface_items WHERE surface = 'side_conversations' AND subject_user_id = 0")
    .pluck()
    .all() as string[];
  expect(index.length).toBeGreaterThan(0);
  expect(index.filter((b) => b.toLowerCase().includes(email.toLowerCase()) || b.includes(`"u:${userId}"`))).toEqual([]);
}, 180_000);

it('verification reads back a side conversation the plan deleted with its ticket, and counts it when it is still there', async () => {
  const state = h.sync.sim.state;
  const ds = h.sync.sim.dataset;
  // Any side conversation whose ticket is still live stands for a ticket deletion that did not happen.
  let live: { id: string; ticketId: number } | undefined;
  for (let i = 0; i < ds.userCount && !live; i++) {
    const email = ds.primaryEmail(i);
    if (email) live = sideConversationsOf(state, [ds.userId(i)], [email])[0];
  }
  expect(live).toBeDefined();
  const journal = await openJournal(h.sync.ctx.core.services, h.workspaceId);
  const item = (id: string) => ({
    surface: 'side_conversations' as const,
    id,
    ticketId: live!.ticketId,
    roles: ['participant' as const],
    decision: 'delete' as const,
    reasonCode: 'with_ticket',
    reason: 'Deleted with its ticket',
    legalBasis: null,
    fix: null,
  });
  const there = await verifySurfaces(client(), journal, 'no-such-run', { surfaceItems: [item(live!.id)] });
  expect(there).toEqual({ side_conversations: 1 });
  const gone = await verifySurfaces(client(), journal, 'no-such-run', { surfaceItems: [item('00000000-0000-11e8-0000-000000000000')] });
  expect(gone).toEqual({ side_conversations: 0 });
}, 60_000);
