import { describe, expect, it } from 'vitest';
import { readZip } from '../../src/main/core/archive/testing/zip-files';
import { groundTruth } from '../../src/sim/truth';
import { sideConversationsOf, troubleSideConversations } from '../../src/sim';
import { lookOne } from '../../src/main/core/surfaces';
import { sideConversationsSurface } from '../../src/main/core/surfaces/side-conversations';
import { accountKey, otherTicketsToRead } from '../../src/main/core/surfaces/side-conversation-index';
import { useSubjectsHarness } from '../support/subjects-harness';
import { simApi, simClient } from '../support/sim-api';

/**
 * Side conversations, read on demand over real HTTP to the simulator into a real encrypted cache:
 * for every tiny-dataset subject the dossier lists exactly the ground truth's side conversations
 * (including those on other people's tickets), each with the person's role and why it matched; a
 * surface that keeps failing is reported as not searched, never as empty; the access archive holds
 * them with the other people masked, portability only the messages the person sent.
 */
const fx = useSubjectsHarness();
const { state, ds } = fx;

/** A subject who is in a side conversation of a ticket that is not theirs. */
function subjectOnOthersTicket(): number {
  for (let i = 0; i < ds().userCount; i++) {
    const truth = groundTruth(state(), ds().userId(i));
    const own = new Set(truth.tickets.map((t) => t.ticketId));
    if (sideConversationsOf(state(), [truth.userId], truth.emails).some((c) => !own.has(c.ticketId))) return truth.userId;
  }
  throw new Error('the dataset has nobody in a side conversation of someone else’s ticket');
}

describe('side conversations in the dossier', () => {
  it('lists exactly the ground truth’s side conversations for every tiny-dataset subject, with roles and why', async () => {
    let withItems = 0;
    let onOthersTickets = 0;
    let authored = 0;
    for (let i = 0; i < ds().userCount; i++) {
      const ref = `subj_${ds().userId(i)}`;
      const looked = await fx.h.call('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['side_conversations'] });
      const d = await fx.h.call('subjects.show', { workspaceId: fx.workspaceId, ref });
      const accounts = d.accounts.map((a) => a.userId);
      const emails = accounts.flatMap((id) => groundTruth(state(), id).emails);
      const expected = sideConversationsOf(state(), accounts, emails);
      const section = d.surfaces.find((s) => s.surface === 'side_conversations');
      const items = section?.items ?? [];
      expect(items.map((x) => x.id).sort(), `side conversations of ${ref}`).toEqual(expected.map((c) => c.id).sort());
      expect(new Map(items.map((x) => [x.id, x.ticketId]))).toEqual(new Map(expected.map((c) => [c.id, c.ticketId])));
      const row = looked.coverage.find((c) => c.surface === 'side_conversations')!;
      expect(row).toMatchObject({ searched: true, reason: null, read: 'on_demand', items: expected.length });
      expect(row.asOf).not.toBeNull();
      const own = new Set(d.tickets.map((t) => t.id));
      for (const item of items) {
        expect(item.roles).toContain('participant');
        expect(item.why).toMatch(own.has(item.ticketId!) ? /one of the person’s tickets/ : /not otherwise on/);
        if (!own.has(item.ticketId!)) onOthersTickets++;
        if (item.roles.includes('author')) authored++;
      }
      if (expected.length > 0) withItems++;
    }
    // The dataset must exercise the surface, or the comparison above proves nothing.
    expect(withItems).toBeGreaterThan(2);
    expect(onOthersTickets).toBeGreaterThan(0);
    expect(authored).toBeGreaterThan(0);
  }, 300_000);

  it('finds a person who appears only in a side conversation of someone else’s ticket', async () => {
    const userId = subjectOnOthersTicket();
    const ref = `subj_${userId}`;
    await fx.h.call('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['side_conversations'] });
    const d = await fx.h.call('subjects.show', { workspaceId: fx.workspaceId, ref });
    const own = new Set(d.tickets.map((t) => t.id));
    const items = d.surfaces.find((s) => s.surface === 'side_conversations')?.items ?? [];
    expect(items.some((x) => x.ticketId !== null && !own.has(x.ticketId))).toBe(true);
  }, 60_000);

  it('a listing that answers 500 after every retry is "not searched: error", and the last look’s items are not passed off as current', async () => {
    const ref = `subj_${subjectOnOthersTicket()}`;
    await fx.h.call('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['side_conversations'] });
    troubleSideConversations(state(), 500, 50);
    const looked = await fx.h.call('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['side_conversations'] });
    troubleSideConversations(state(), 500, 0);
    const row = looked.coverage.find((c) => c.surface === 'side_conversations')!;
    expect(row).toMatchObject({ searched: false, reason: 'error', items: null });
    expect(row.detail).toMatch(/after retries/);
    const d = await fx.h.call('subjects.show', { workspaceId: fx.workspaceId, ref });
    expect(d.surfaces.find((s) => s.surface === 'side_conversations')).toBeUndefined();
    expect(d.coverage.find((c) => c.surface === 'side_conversations')).toMatchObject({ searched: false, items: null });
  }, 120_000);

  it('a 429 that clears is retried, and the surface is searched with every item', async () => {
    const userId = subjectOnOthersTicket();
    const ref = `subj_${userId}`;
    troubleSideConversations(state(), 429, 2);
    const looked = await fx.h.call('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['side_conversations'] });
    const truth = groundTruth(state(), userId);
    expect(looked.coverage.find((c) => c.surface === 'side_conversations')).toMatchObject({
      searched: true,
      reason: null,
      items: sideConversationsOf(state(), [userId], truth.emails).length,
    });
  }, 60_000);
});

const SHEET = {
  purposes: 'Answering support requests.',
  categories: 'Contact details, tickets, comments, side conversations.',
  recipients: 'Our helpdesk provider (processor).',
  retention: 'Three years after the last ticket.',
  rights: 'Rectification, erasure, restriction, objection, portability.',
  complaint: 'You may complain to your supervisory authority.',
  source: 'You, and our agents.',
  automatedDecisions: 'None.',
};

interface ArchiveRecord {
  place: string;
  id: string;
  ticketId: number | null;
  yourRole: string;
  why: string;
  data: Record<string, unknown>;
}

async function otherPlaces(userId: number, kind: 'access' | 'portability'): Promise<ArchiveRecord[]> {
  const record = await fx.h.call('archives.export', { workspaceId: fx.workspaceId, ref: `subj_${userId}`, kind, regulation: 'GDPR' });
  const files = await readZip(record.path);
  const json = files.get('data/other-places.json');
  return json ? (JSON.parse(json.toString('utf8')) as ArchiveRecord[]).filter((r) => r.place === 'Side conversations') : [];
}

/** The side conversation as the helpdesk serves it, read through the simulator's API. */
async function served(ticketId: number, id: string): Promise<{ participants: Array<{ name: string; email: string }> }> {
  const res = await simApi<{ side_conversation: { participants: Array<{ name: string; email: string }> } }>(
    fx.h.sync.sim,
    'GET',
    `/api/v2/tickets/${ticketId}/side_conversations/${id}`,
  );
  expect(res.status).toBe(200);
  return res.body.side_conversation;
}

describe('the side-conversation index', () => {
  const listings = (): number =>
    [...state().requestCounts].filter(([k]) => k.endsWith('/side_conversations')).reduce((n, [, v]) => n + v, 0);

  it('a look reads the person’s tickets and the others that name them; a ticket the sync saw change is read again (by the fill); not every ticket again', async () => {
    const users = Array.from({ length: ds().userCount }, (_, i) => i).filter((i) => !ds().isAgentIndex(i));
    // Someone else's look reads every ticket once (or finds the index already filled).
    await fx.h.call('subjects.look', {
      workspaceId: fx.workspaceId,
      ref: `subj_${ds().userId(users[0]!)}`,
      surfaces: ['side_conversations'],
    });
    const userId = subjectOnOthersTicket();
    const ref = `subj_${userId}`;
    const d = await fx.h.call('subjects.show', { workspaceId: fx.workspaceId, ref });
    const own = new Set(d.tickets.map((t) => t.id));
    const naming = new Set(
      sideConversationsOf(state(), [userId], groundTruth(state(), userId).emails)
        .map((c) => c.ticketId)
        .filter((id) => !own.has(id)),
    );
    expect(naming.size).toBeGreaterThan(0);
    const expected = own.size + naming.size;
    expect(expected).toBeLessThan(ds().ticketCount);

    let before = listings();
    let looked = await fx.h.call('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['side_conversations'] });
    expect(listings() - before).toBe(expected);
    const items = looked.coverage.find((c) => c.surface === 'side_conversations')!.items;

    // A ticket of someone else changes: the sync brings its new updated_at, and the next look reads it again.
    let changed = 0;
    for (let id = 1; id <= ds().ticketCount && changed === 0; id++)
      if (!own.has(id) && !naming.has(id) && state().ticketView(id)?.state === 'live') changed = id;
    const { sim } = fx.h.sync;
    const put = await simApi(sim, 'PUT', `/api/v2/tickets/${changed}`, { ticket: { tags: ['side-conversation-index-test'] } });
    expect(put.status).toBe(200);
    sim.advanceClock(120);
    before = listings();
    expect((await fx.h.sync.syncNow()).outcome).toBe('done');
    // The index's background fill after the sync reads it again (side-conversation-fill.ts) ...
    expect(listings() - before).toBe(1);
    before = listings();
    looked = await fx.h.call('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['side_conversations'] });
    // ... so the look does not need to.
    expect(listings() - before).toBe(expected);
    // The same items: the index saves calls, never findings.
    expect(looked.coverage.find((c) => c.surface === 'side_conversations')!.items).toBe(items);
  }, 300_000);
});

describe('a look within its budget', () => {
  it('reads the tickets naming the person first, and leaves the rest for the next look', async () => {
    const userId = subjectOnOthersTicket();
    const truth = groundTruth(state(), userId);
    const naming = [...new Set(sideConversationsOf(state(), [userId], truth.emails).map((c) => c.ticketId))];
    // The index knows every ticket by now (the tests above looked at everyone).
    const db = (await fx.h.sync.ctx.core.services.caches.open(fx.workspaceId)).db;
    const { read, left } = otherTicketsToRead(
      db,
      new Set(),
      [...truth.emails.map((e) => e.toLowerCase()), accountKey(userId)],
      new Date(),
      1,
    );
    expect(read).toHaveLength(1);
    expect(naming).toContain(read[0]);
    expect(left).toBe(naming.length - 1);
    // Nothing known yet: every live ticket waits, a budget's worth is read.
    db.prepare("DELETE FROM surface_items WHERE surface = 'side_conversations' AND subject_user_id = 0").run();
    const fresh = otherTicketsToRead(db, new Set(), [], new Date(), 5);
    expect(fresh.read).toHaveLength(5);
    expect(fresh.read.length + fresh.left).toBe(db.prepare('SELECT count(*) FROM tickets WHERE deleted = 0').pluck().get());
  });

  it('a look that could not read every ticket is "not searched fully", with no items passed off as complete', async () => {
    const client = simClient(fx.h.sync.sim);
    const userId = subjectOnOthersTicket();
    const emails = groundTruth(state(), userId).emails.map((e) => e.toLowerCase());
    const subject = { userIds: [userId], emails, phones: [], names: [], ticketIds: [1, 2], otherTicketIds: [3], otherTicketsLeft: 7 };
    const outcome = await lookOne(sideConversationsSurface, client, subject, () => new Date());
    expect(outcome).toMatchObject({ searched: false, reason: 'incomplete' });
    if (!outcome.searched) expect(outcome.detail).toMatch(/7 other tickets are not read yet/);
  });
});

describe('side conversations in the archives', () => {
  it('access holds every one with the other people masked; portability only the messages the person sent', async () => {
    expect((await fx.h.sync.ctx.call('settings.set', { informationSheet: SHEET })).ok).toBe(true);
    // An end user who wrote in one side conversation and only received in another, if the dataset has one.
    let chosen: { userId: number; items: Array<{ id: string; ticketId: number | null; roles: string[] }> } | undefined;
    for (let i = 0; i < ds().userCount; i++) {
      if (ds().isAgentIndex(i)) continue;
      const ref = `subj_${ds().userId(i)}`;
      await fx.h.call('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['side_conversations'] });
      const items =
        (await fx.h.call('subjects.show', { workspaceId: fx.workspaceId, ref })).surfaces.find((s) => s.surface === 'side_conversations')
          ?.items ?? [];
      if (!items.some((x) => x.roles.includes('author'))) continue;
      chosen = { userId: ds().userId(i), items };
      if (items.some((x) => !x.roles.includes('author'))) break;
    }
    expect(chosen).toBeDefined();
    const { userId, items } = chosen!;
    const mine = new Set(groundTruth(state(), userId).emails.map((e) => e.toLowerCase()));

    const access = await otherPlaces(userId, 'access');
    expect(access.map((r) => r.id).sort()).toEqual(items.map((x) => x.id).sort());
    for (const r of access) {
      expect(r.yourRole).toContain('participant');
      expect(r.why.length).toBeGreaterThan(10);
      expect(r.data.events).toBeDefined();
      const text = JSON.stringify(r.data).toLowerCase();
      // The agent (or anyone else in the thread) is masked: neither their address nor their name is handed out.
      for (const p of (await served(r.ticketId!, r.id)).participants) {
        if (mine.has(p.email.toLowerCase())) continue;
        expect(text, `${p.email} in side conversation ${r.id}`).not.toContain(p.email.toLowerCase());
        expect(text, `${p.name} in side conversation ${r.id}`).not.toContain(p.name.toLowerCase());
      }
      expect(text).toContain('[redacted email]');
    }

    const portable = await otherPlaces(userId, 'portability');
    const authored = items.filter((x) => x.roles.includes('author'));
    expect(portable.map((r) => r.id).sort()).toEqual(authored.map((x) => x.id).sort());
    for (const r of portable) {
      expect(Object.keys(r.data)).toEqual(['messages']);
      const messages = r.data.messages as Array<{ body: string }>;
      expect(messages.length).toBeGreaterThan(0);
      // What the agent wrote to the person is not theirs to port.
      for (const m of messages) expect(m.body).not.toMatch(/could you help us/);
    }
  }, 300_000);
});
