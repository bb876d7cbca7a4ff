import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErasurePlan, Receipt } from '../../src/shared/contract/groups/erasure';
import { helpCenterOf, setGuideRights, troubleHelpCenter } from '../../src/sim';
import type { HelpCenterKind } from '../../src/sim';
import { byUserIndex, postCommentAuthor, postAuthor, commentsOnPost } from '../../src/sim/help-center';
import { readZip } from '../../src/main/core/archive/testing/zip-files';
import { REMOVED_DETAILS, REMOVED_TITLE } from '../../src/main/core/surfaces/help-center';
import { createErasureHarness, type ErasureHarness } from '../../src/main/core/erasure/testing/harness';
import { createSubjectsHarness, type SubjectsHarness } from '../support/subjects-harness';

/**
 * Help Center (Guide), issue #12 surface 6, over real HTTP to the simulator and a real encrypted
 * cache: the dossier lists exactly the ground truth's posts, comments, votes and subscriptions;
 * a token without Guide rights leaves the surface "not searched: permission" while the others are
 * searched; a failing listing is retried, then reported as not searched (never as empty); an
 * erasure leaves nothing of the person's there, read back through the simulator's API, except the
 * posts the plan kept for others' answers (with the person's words replaced), and the receipt
 * counts it; bad input changes nothing.
 */

/** `post:1`, `post_comment:9:2`… → `post:1`, `post_comment:2`: kind and Zendesk id. */
const kindAndId = (itemId: string): string => `${itemId.split(':')[0]}:${itemId.split(':').at(-1)}`;
const listings = (id: number): Array<[string, string]> => [
  [`/api/v2/community/users/${id}/posts`, 'posts'],
  [`/api/v2/community/users/${id}/comments`, 'comments'],
  [`/api/v2/help_center/users/${id}/comments`, 'comments'],
  [`/api/v2/help_center/users/${id}/votes`, 'votes'],
  [`/api/v2/help_center/users/${id}/subscriptions`, 'subscriptions'],
];
const truthKeys = (xs: Array<{ kind: HelpCenterKind; id: number }>): string[] => xs.map((x) => `${x.kind}:${x.id}`).sort();

describe('Help Center in the dossier', () => {
  let h: SubjectsHarness;
  let workspaceId: string;
  beforeAll(async () => {
    h = await createSubjectsHarness();
    workspaceId = h.sync.workspaceId;
  }, 120_000);
  afterAll(async () => h?.dispose());
  const state = () => h.sync.sim.state;
  const ds = () => h.sync.sim.dataset;
  const itemsOf = (d: { surfaces: Array<{ surface: string; items: Array<{ id: string }> }> }): string[] =>
    (d.surfaces.find((s) => s.surface === 'help_center')?.items ?? []).map((x) => kindAndId(x.id)).sort();

  it('lists exactly the ground truth’s Help Center items, with roles and why, for every tiny-dataset subject', async () => {
    const kinds = new Set<string>();
    let withItems = 0;
    for (let i = 0; i < ds().userCount; i++) {
      const ref = `subj_${ds().userId(i)}`;
      const looked = await h.call('subjects.look', { workspaceId, ref, surfaces: ['help_center'] });
      const d = await h.call('subjects.show', { workspaceId, ref });
      const expected = truthKeys(
        helpCenterOf(
          state(),
          d.accounts.map((a) => a.userId),
        ),
      );
      expect(itemsOf(d), `help center items of ${ref}`).toEqual(expected);
      expect(looked.coverage.find((c) => c.surface === 'help_center')).toMatchObject({
        searched: true,
        reason: null,
        read: 'on_demand',
        items: expected.length,
      });
      for (const item of d.surfaces.find((s) => s.surface === 'help_center')?.items ?? []) {
        expect(item.why.length).toBeGreaterThan(10);
        const kind = item.id.split(':')[0]!;
        kinds.add(kind);
        const role = { post: 'author', post_comment: 'commenter', article_comment: 'commenter', vote: 'voter', subscription: 'subscriber' }[
          kind
        ];
        expect(item.roles).toEqual([role]);
      }
      if (expected.length > 0) withItems++;
    }
    // Every kind is exercised, by many people: the comparison above means something.
    expect([...kinds].sort()).toEqual(['article_comment', 'post', 'post_comment', 'subscription', 'vote']);
    expect(withItems).toBeGreaterThan(ds().userCount / 3);
  }, 180_000);

  it('a token without Guide rights: "not searched: permission" for help_center, and the other surfaces are still searched', async () => {
    const userId = busiest();
    const ref = `subj_${userId}`;
    await h.call('subjects.look', { workspaceId, ref, surfaces: ['help_center'] });
    setGuideRights(state(), ds().userId(0), false);
    try {
      const looked = await h.call('subjects.look', { workspaceId, ref });
      const hc = looked.coverage.find((c) => c.surface === 'help_center')!;
      expect(hc).toMatchObject({ searched: false, reason: 'permission', items: null });
      expect(hc.detail).toMatch(/403/);
      for (const other of ['suspended_tickets', 'satisfaction_ratings', 'ticket_audits'])
        expect(
          looked.coverage.find((c) => c.surface === other),
          other,
        ).toMatchObject({ searched: true, reason: null });
      const d = await h.call('subjects.show', { workspaceId, ref });
      // The last good look's items are not passed off as current.
      expect(d.surfaces.find((s) => s.surface === 'help_center')).toBeUndefined();
      expect(d.tickets.length + d.accounts.length).toBeGreaterThan(0);
    } finally {
      setGuideRights(state(), ds().userId(0), true);
    }
  }, 120_000);

  it('a 500 that clears is retried and the surface is searched; a 500 storm and a 429 storm are "not searched: error", never empty', async () => {
    const ref = `subj_${busiest()}`;
    troubleHelpCenter(state(), 500, 1);
    let looked = await h.call('subjects.look', { workspaceId, ref, surfaces: ['help_center'] });
    expect(looked.coverage.find((c) => c.surface === 'help_center')).toMatchObject({ searched: true, reason: null });
    expect(looked.coverage.find((c) => c.surface === 'help_center')!.items).toBeGreaterThan(0);

    for (const status of [500, 429] as const) {
      troubleHelpCenter(state(), status, 1000);
      try {
        looked = await h.call('subjects.look', { workspaceId, ref, surfaces: ['help_center'] });
      } finally {
        troubleHelpCenter(state(), status, 0);
      }
      const row = looked.coverage.find((c) => c.surface === 'help_center')!;
      expect(row, `storm of ${status}`).toMatchObject({ searched: false, reason: 'error', items: null });
      expect(row.detail).toMatch(/after retries/);
    }
    const requests = [...state().requestCounts.entries()].filter(([k]) => k.startsWith('GET /api/v2/community/users/:user_id/posts'));
    // More than one request per look: the client retried before giving up.
    expect(requests[0]![1]).toBeGreaterThan(3);
  }, 120_000);

  it('the access archive carries every item whole; portability only what the person provided', async () => {
    const userId = busiest();
    const ref = `subj_${userId}`;
    await h.call('subjects.look', { workspaceId, ref, surfaces: ['help_center'] });
    const expected = truthKeys(helpCenterOf(state(), [userId]));
    type Row = { place: string; id: string; yourRole: string; why: string; data: Record<string, unknown> };
    const rows = async (kind: 'access' | 'portability'): Promise<Row[]> => {
      const record = await h.call('archives.export', { workspaceId, ref, kind, regulation: 'GDPR' });
      const files = await readZip(record.path);
      const all = JSON.parse(files.get('data/other-places.json')?.toString('utf8') ?? '[]') as Row[];
      return all.filter((r) => r.place.startsWith('Help Center'));
    };
    const sheet = {
      purposes: 'Answering support requests.',
      categories: 'Contact details, tickets, community posts and comments.',
      recipients: 'Our helpdesk provider (processor).',
      retention: 'Three years after the last ticket.',
      rights: 'Rectification, erasure, restriction, objection, portability.',
      complaint: 'You may complain to your supervisory authority.',
      source: 'You, and our agents.',
      automatedDecisions: 'None.',
    };
    expect((await h.sync.ctx.call('settings.set', { informationSheet: sheet })).ok).toBe(true);
    const access = await rows('access');
    expect(access.map((r) => kindAndId(r.id)).sort()).toEqual(expected);
    for (const r of access) {
      expect(r.why.length).toBeGreaterThan(10);
      // The whole record as Zendesk keeps it: the item's own id and its author or owner.
      expect(String(r.data.id)).toBe(r.id.split(':').at(-1));
      expect(r.data.author_id ?? r.data.user_id).toBe(userId);
    }
    const portable = await rows('portability');
    expect(portable.map((r) => kindAndId(r.id)).sort()).toEqual(expected);
    for (const r of portable) {
      // Only what they provided: no counters, URLs or ids of others.
      expect(r.data).not.toHaveProperty('url');
      expect(r.data).not.toHaveProperty('vote_sum');
      expect(r.data).not.toHaveProperty('author_id');
    }
  }, 60_000);

  it('refuses a misspelt surface with a stable code and sends nothing', async () => {
    const before = state().requestLog.length;
    const res = await h.callResult('subjects.look', { workspaceId, ref: `subj_${busiest()}`, surfaces: ['help_centre'] });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.code).toBe('invalid_input');
    expect(state().requestLog.length).toBe(before);
  });

  function busiest(): number {
    let best = 0;
    let n = -1;
    for (let i = 2; i < ds().userCount; i++) {
      const k = helpCenterOf(state(), [ds().userId(i)]).length;
      if (k > n && !ds().isAgentIndex(i)) [best, n] = [ds().userId(i), k];
    }
    return best;
  }
});

describe('Help Center in an erasure', () => {
  let e: ErasureHarness;
  beforeAll(async () => {
    e = await createErasureHarness();
  }, 120_000);
  afterAll(async () => e?.dispose());

  async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const { sim } = e.sync;
    const auth = Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64');
    const res = await fetch(`${sim.url}${path}`, { headers: { authorization: `Basic ${auth}` } });
    return { status: res.status, body: res.status === 200 ? ((await res.json()) as Record<string, unknown>) : {} };
  }

  /** An end user with a post others answered, and other Help Center items. */
  function subject(): { userId: number; email: string } {
    const ds = e.sync.sim.dataset;
    for (const [i, entry] of byUserIndex(ds)) {
      const email = ds.primaryEmail(i);
      if (!email || ds.isAgentIndex(i) || entry.votes.length + entry.postComments.length + entry.subscriptions.length === 0) continue;
      const answered = entry.posts.some((k) => {
        for (let j = 0; j < commentsOnPost(ds, k); j++) if (postCommentAuthor(ds, k, j) !== postAuthor(ds, k)) return true;
        return false;
      });
      if (answered) return { userId: ds.userId(i), email };
    }
    throw new Error('the dataset has nobody with a post others answered');
  }

  it('leaves nothing of the person’s through the API except answered posts with their words removed; the receipt counts it', async () => {
    const state = e.sync.sim.state;
    const { userId, email } = subject();
    let accounts: number[] = [];
    let before: ReturnType<typeof helpCenterOf> = [];
    const { plan, status } = await e.planAndRun(email, (p) => {
      accounts = p.subject.userIds;
      before = helpCenterOf(state, accounts);
      return p;
    });
    expect(accounts).toContain(userId);
    const items = plan.surfaceItems.filter((i) => i.surface === 'help_center');
    expect(items.map((i) => kindAndId(i.id)).sort()).toEqual(truthKeys(before));
    expect(plan.coverage.find((c) => c.surface === 'help_center')).toMatchObject({ searched: true, items: before.length });
    const redacted = items.filter((i) => i.decision === 'redact');
    expect(redacted.length).toBeGreaterThan(0);
    for (const i of redacted) expect(i).toMatchObject({ reasonCode: 'hc_post_answered' });
    for (const i of redacted) expect(i.reason).toMatch(/author_id is read-only/);
    expect(items.filter((i) => i.decision === 'delete').length).toBe(items.length - redacted.length);

    // Through the simulator's API: the person's listings hold only the redacted posts, with the notice.
    const listed: string[] = [];
    for (const [path, key] of accounts.flatMap((id) => listings(id))) {
      const res = await get(path);
      expect(res.status).toBe(200);
      for (const row of res.body[key] as Array<Record<string, unknown>>) {
        listed.push(`${key}:${String(row.id)}`);
        expect(row).toMatchObject({ title: REMOVED_TITLE, details: REMOVED_DETAILS });
      }
    }
    expect(listed.sort()).toEqual(redacted.map((i) => `posts:${i.id.split(':')[1]}`).sort());
    // The others' answers on a kept post are still there.
    const kept = redacted[0]!.id.split(':')[1]!;
    const answers = await get(`/api/v2/community/posts/${kept}/comments`);
    expect((answers.body.comments as Array<{ author_id: number }>).some((c) => c.author_id !== userId)).toBe(true);

    const receipt = JSON.parse(await readFile(status.receipt!.json, 'utf8')) as Receipt;
    expect(receipt.surfaces.find((s) => s.surface === 'help_center')).toMatchObject({
      searched: true,
      found: before.length,
      byDecision: { delete: items.length - redacted.length, redact: redacted.length },
      leftAfterVerification: 0,
    });
    for (const i of items) expect(JSON.stringify(receipt)).not.toContain(i.id);
    expect(status.verification?.ok).toBe(true);
  }, 180_000);

  it('an override naming a Help Center item as a ticket is refused with a stable code, and the plan is unchanged', async () => {
    const ds = e.sync.sim.dataset;
    const state = e.sync.sim.state;
    let email = '';
    for (const [i] of byUserIndex(ds)) {
      const mail = ds.primaryEmail(i);
      if (
        mail &&
        !ds.isAgentIndex(i) &&
        helpCenterOf(state, [ds.userId(i)]).length > 0 &&
        state.userView(ds.userId(i))?.status === 'active'
      ) {
        email = mail;
        break;
      }
    }
    const plan = await e.call<ErasurePlan>('erasure.plan', { workspaceId: e.workspaceId, subject: email });
    const checked = await e.call<ErasurePlan>('erasure.revalidate', { workspaceId: e.workspaceId, planId: plan.id });
    const item = checked.surfaceItems.find((i) => i.surface === 'help_center')!;
    const before = state.requestLog.length;
    const res = await e.callResult('erasure.override', {
      workspaceId: e.workspaceId,
      planId: plan.id,
      target: 'ticket',
      id: Number(item.id.split(':').at(-1)),
      decision: 'keep',
      reason: 'Needed for the pending chargeback',
    });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.code).toBe('not_found');
    const after = await e.call<ErasurePlan>('erasure.getPlan', { workspaceId: e.workspaceId, planId: plan.id });
    expect(after.fingerprint).toBe(checked.fingerprint);
    expect(after.surfaceItems).toEqual(checked.surfaceItems);
    expect(state.requestLog.length).toBe(before);
  }, 120_000);
});
