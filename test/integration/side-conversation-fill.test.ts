import { expect, it } from 'vitest';
import { groundTruth } from '../../src/sim/truth';
import { sideConversationsOf } from '../../src/sim';
import { accountKey, otherTicketsToRead } from '../../src/main/core/surfaces/side-conversation-index';
import { useSubjectsHarness } from '../support/subjects-harness';
import { simApi } from '../support/sim-api';

/**
 * The side-conversation index filled in the background after a sync (#12, surface 2): once the
 * sync caught up, the fill has read every live ticket's side conversations within its share of
 * the budget, so a look for anyone reads only their own tickets and those naming them, is complete
 * at once (no "incomplete" however small the per-look budget) and equals the ground truth; a
 * ticket changed upstream is read again by the fill after the next sync, not by the look.
 */
const fx = useSubjectsHarness();
const { state, ds } = fx;

const listings = (): number => [...state().requestCounts].filter(([k]) => k.endsWith('/side_conversations')).reduce((n, [, v]) => n + v, 0);
const db = async () => (await fx.h.sync.ctx.core.services.caches.open(fx.workspaceId)).db;

it('after the sync and its fill, every look is complete at once, reads only what names the person, and equals the ground truth', async () => {
  const liveTickets = (await db()).prepare('SELECT count(*) FROM tickets WHERE deleted = 0').pluck().get() as number;
  // The fill read them all (the requests it made are named so).
  const fillCalls = fx.h.sync.requests.filter((r) => r.scope === 'index:side_conversations').length;
  expect(fillCalls).toBeGreaterThanOrEqual(liveTickets);
  // Nothing is left for a look, even with a budget of one ticket.
  expect(otherTicketsToRead(await db(), new Set(), [], new Date(), 1)).toEqual({ read: [], left: 0 });

  let withOthers = 0;
  for (let i = 0; i < ds().userCount; i++) {
    if (ds().isAgentIndex(i)) continue;
    const userId = ds().userId(i);
    const ref = `subj_${userId}`;
    const d = await fx.h.call('subjects.show', { workspaceId: fx.workspaceId, ref });
    const accounts = d.accounts.map((a) => a.userId);
    const emails = accounts.flatMap((id) => groundTruth(state(), id).emails);
    const expected = sideConversationsOf(state(), accounts, emails);
    const own = new Set(d.tickets.map((t) => t.id));
    const naming = new Set(expected.map((c) => c.ticketId).filter((id) => !own.has(id)));
    const keys = [...emails.map((e) => e.toLowerCase()), ...accounts.map(accountKey)];
    expect(otherTicketsToRead(await db(), own, keys, new Date(), 1_000).read.sort(), ref).toEqual([...naming].sort());

    const before = listings();
    const looked = await fx.h.call('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['side_conversations'] });
    expect(listings() - before, `tickets read for ${ref}`).toBe(own.size + naming.size);
    expect(
      looked.coverage.find((c) => c.surface === 'side_conversations'),
      ref,
    ).toMatchObject({
      searched: true,
      reason: null,
      items: expected.length,
    });
    const items =
      (await fx.h.call('subjects.show', { workspaceId: fx.workspaceId, ref })).surfaces.find((s) => s.surface === 'side_conversations')
        ?.items ?? [];
    expect(items.map((x) => x.id).sort(), ref).toEqual(expected.map((c) => c.id).sort());
    if (naming.size > 0) withOthers++;
  }
  expect(withOthers, 'someone in a side conversation of another’s ticket').toBeGreaterThan(0);
}, 300_000);

it('a ticket changed upstream is read again by the fill after the next sync, and the look then reads only the person’s', async () => {
  let changed = 0;
  for (let id = 1; id <= ds().ticketCount && changed === 0; id++) if (state().ticketView(id)?.state === 'live') changed = id;
  const { sim } = fx.h.sync;
  const put = await simApi(sim, 'PUT', `/api/v2/tickets/${changed}`, { ticket: { tags: ['side-conversation-fill-test'] } });
  expect(put.status).toBe(200);
  sim.advanceClock(120);
  const before = listings();
  const fillBefore = fx.h.sync.requests.filter((r) => r.scope === 'index:side_conversations').length;
  expect((await fx.h.sync.syncNow()).outcome).toBe('done');
  // The fill read exactly the changed ticket; nothing is left for the looks.
  expect(listings() - before).toBe(1);
  expect(fx.h.sync.requests.filter((r) => r.scope === 'index:side_conversations').length - fillBefore).toBe(1);
  expect(otherTicketsToRead(await db(), new Set(), [], new Date(), 1)).toEqual({ read: [], left: 0 });
}, 120_000);
