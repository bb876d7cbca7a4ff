import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wholeDossier } from '../../src/cli/commands/subjects';
import type { Dossier } from '../../src/shared/contract/groups/subjects';
import type { SubjectTruth } from '../../src/sim';
import { createSubjectsHarness, type SubjectsHarness } from '../support/subjects-harness';

let h: SubjectsHarness;
let workspaceId: string;
beforeAll(async () => {
  h = await createSubjectsHarness();
  workspaceId = h.sync.workspaceId;
}, 120_000);
afterAll(async () => h?.dispose());

const ds = () => h.sync.sim.dataset;
const userIndexes = () => Array.from({ length: ds().userCount }, (_, i) => i);
const search = (query: string) => h.call('subjects.search', { workspaceId, query });
/** Every page of every list, so the comparisons below see the whole dossier. */
const dossier = (userId: number, limit?: number) =>
  wholeDossier((offsets) => h.call('subjects.show', { workspaceId, ref: `subj_${userId}`, offsets, ...(limit ? { limit } : {}) }));

/** Live tickets only, as the ground truth defines them. */
function liveTickets(d: Dossier): Map<number, string[]> {
  return new Map(d.tickets.filter((t) => !t.deleted).map((t) => [t.id, [...t.roles].sort()]));
}

function truthTickets(truths: SubjectTruth[]): Map<number, string[]> {
  const out = new Map<number, Set<string>>();
  for (const truth of truths)
    for (const t of truth.tickets) for (const r of t.roles) out.set(t.ticketId, (out.get(t.ticketId) ?? new Set()).add(r));
  return new Map([...out].map(([id, roles]) => [id, [...roles].sort()]));
}

/** Mentions of any of the accounts, minus comments the accounts wrote themselves. */
function truthMentions(truths: SubjectTruth[], accountIds: Set<number>): Map<number, number[]> {
  const out = new Map<number, Set<number>>();
  for (const truth of truths) {
    for (const m of truth.mentions) {
      for (const c of m.commentIds) {
        const author = h.sync.sim.state.comments.get(c)?.author_id ?? authorOf(c);
        if (accountIds.has(author)) continue;
        out.set(m.ticketId, (out.get(m.ticketId) ?? new Set()).add(c));
      }
    }
  }
  return new Map([...out].map(([id, cs]) => [id, [...cs].sort((a, b) => a - b)]));
}

function authorOf(commentId: number): number {
  for (let ti = 0; ti < ds().ticketCount; ti++) {
    const sk = ds().ticketSkeleton(ti);
    for (let j = 0; j < sk.comments.length; j++) if (ds().commentId(ti, j) === commentId) return ds().userId(sk.comments[j]!.author);
  }
  throw new Error(`no comment ${commentId}`);
}

function liveMentions(d: Dossier): Map<number, number[]> {
  return new Map(d.mentions.filter((m) => !m.ticketDeleted).map((m) => [m.ticketId, [...m.commentIds].sort((a, b) => a - b)]));
}

describe('search', () => {
  it('finds a person by primary email, exactly and by prefix, with the reason', async () => {
    const i = userIndexes().find((i) => ds().primaryEmail(i) !== null && !ds().isAgentIndex(i))!;
    const email = ds().primaryEmail(i)!;
    const exact = await search(email.toUpperCase());
    expect(exact.results[0]?.userId).toBe(ds().userId(i));
    expect(exact.results[0]?.reasons[0]).toMatchObject({ field: 'email', match: 'exact', value: email });
    const prefix = await search(email.slice(0, 6));
    const hit = prefix.results.find((r) => r.userId === ds().userId(i));
    expect(hit?.reasons.some((r) => r.field === 'email' && (r.match === 'prefix' || r.match === 'exact'))).toBe(true);
  });

  it('finds a person by a secondary email', async () => {
    const i = userIndexes().find((i) => ds().secondaryEmail(i) !== null)!;
    const result = await search(ds().secondaryEmail(i)!);
    expect(result.results[0]?.userId).toBe(ds().userId(i));
    expect(result.results[0]?.reasons[0]).toMatchObject({ field: 'secondary_email', match: 'exact' });
  });

  it('finds a phone number written in different formats', async () => {
    const i = userIndexes().find((i) => ds().phone(i) !== null && ds().twinOf(i) === undefined && !ds().isAgentIndex(i))!;
    const phone = ds().phone(i)!;
    for (let format = 0; format < 4; format++) {
      const result = await search(ds().formatPhone(phone, format));
      const hit = result.results.find((r) => r.userId === ds().userId(i));
      expect(hit, ds().formatPhone(phone, format)).toBeDefined();
      expect(hit?.reasons[0]).toMatchObject({ field: 'phone', match: 'exact', value: phone });
    }
    // the national form: no country code, a trunk 0
    const national = `0${phone.replace(/^\+\d{2}/, '')}`;
    expect((await search(national)).results.some((r) => r.userId === ds().userId(i))).toBe(true);
  });

  it('finds names by prefix, ignoring accents and case', async () => {
    const i = userIndexes().find((i) => /[À-ž]/.test(ds().displayName(i)))!;
    const name = ds().displayName(i).trim();
    const word = name.split(/\s+/).find((w) => /[À-ž]/.test(w))!;
    const folded = word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    for (const q of [word, folded, folded.slice(0, 3)]) {
      const result = await search(q);
      const hit = result.results.find((r) => r.userId === ds().userId(i));
      expect(hit, q).toBeDefined();
      expect(hit?.reasons.some((r) => r.field === 'name' && r.value === name)).toBe(true);
    }
  });

  it('finds a person by external id', async () => {
    const i = userIndexes().find((i) => ds().baseUser(i).external_id === `crm-${i}`)!;
    const result = await search(`crm-${i}`);
    expect(result.results[0]?.userId).toBe(ds().userId(i));
    expect(result.results[0]?.reasons[0]).toMatchObject({ field: 'external_id', match: 'exact', value: `crm-${i}` });
  });

  it('finds the author of a comment by its text, naming the ticket', async () => {
    const ticketIndex = 3;
    const comment = ds().baseComment(ticketIndex, 0);
    const words = comment.body
      .split(/\s+/)
      .filter((w) => /^\p{L}{5,}$/u.test(w))
      .slice(0, 3)
      .join(' ');
    const result = await search(words);
    const hit = result.results.find((r) => r.userId === comment.author_id);
    expect(hit?.reasons.some((r) => r.field === 'comment' && r.ticketId === ds().ticketId(ticketIndex))).toBe(true);
  });

  it('counts the accounts confirmed as the same person, and suggests those sharing an identity', async () => {
    const twin = userIndexes().find((i) => ds().twinOf(i) !== undefined)!;
    const [a, b] = [ds().userId(ds().twinOf(twin)!), ds().userId(twin)];
    const ids = async () => (await search(ds().phone(twin)!)).results.filter((r) => r.userId === a || r.userId === b);
    // Sharing a number makes them a suggestion for each other, not one person.
    expect((await ids()).map((r) => [r.userId, r.linkedAccounts, r.suggestedAccounts])).toEqual(
      expect.arrayContaining([
        [a, 0, 1],
        [b, 0, 1],
      ]),
    );
    await h.call('subjects.link', { workspaceId, ref: `subj_${a}`, userId: b, reason: 'Second account, confirmed' });
    expect((await ids()).map((r) => [r.userId, r.linkedAccounts, r.suggestedAccounts])).toEqual(
      expect.arrayContaining([
        [a, 1, 0],
        [b, 1, 0],
      ]),
    );
    await h.call('subjects.unlink', { workspaceId, ref: `subj_${b}`, userId: a });
  });
});

describe('dossier against the simulator ground truth', () => {
  it('every end user: tickets by role and mentions, nothing more, nothing less; accounts sharing an identity only suggested', async () => {
    let checked = 0;
    for (const i of userIndexes()) {
      if (ds().isAgentIndex(i)) continue;
      const userId = ds().userId(i);
      const d = await dossier(userId);
      // Nobody confirmed a link: the person is the requested account; the ground truth's "other
      // accounts" (sharing an identity) are the suggestions, pending.
      expect(d.accounts.map((a) => a.userId)).toEqual([userId]);
      const truth = h.sync.sim.groundTruth(userId);
      expect(new Set(d.suggestions.map((s) => s.userId)), `suggestions of ${userId}`).toEqual(new Set(truth.otherAccounts));
      expect(d.pendingSuggestions).toBe(truth.otherAccounts.length);
      expect(liveTickets(d), `tickets of ${userId}`).toEqual(truthTickets([truth]));
      expect(liveMentions(d), `mentions of ${userId}`).toEqual(truthMentions([truth], new Set([userId])));
      checked += 1;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('the person with two accounts: a suggestion with its evidence, then one dossier over both once confirmed', async () => {
    const twin = userIndexes().find((i) => ds().twinOf(i) !== undefined)!;
    const first = ds().twinOf(twin)!;
    const before = await dossier(ds().userId(first));
    expect(before.accounts.map((a) => a.userId)).toEqual([ds().userId(first)]);
    const suggestion = before.suggestions.find((s) => s.userId === ds().userId(twin))!;
    expect(suggestion.evidence).toEqual([
      expect.objectContaining({ identityType: 'phone_number', value: ds().phone(first), withUserId: ds().userId(first), sharedBy: 2 }),
    ]);
    await h.call('subjects.link', {
      workspaceId,
      ref: `subj_${ds().userId(first)}`,
      userId: ds().userId(twin),
      reason: 'Same person, two accounts',
    });
    const d = await dossier(ds().userId(first));
    expect(d.accounts.map((a) => a.userId).sort()).toEqual([ds().userId(first), ds().userId(twin)].sort());
    const other = d.accounts.find((a) => a.userId === ds().userId(twin))!;
    expect(other.why).toMatchObject({ kind: 'confirmed', reason: 'Same person, two accounts', withUserId: ds().userId(first) });
    const truths = [h.sync.sim.groundTruth(ds().userId(first)), h.sync.sim.groundTruth(ds().userId(twin))];
    expect(liveTickets(d)).toEqual(truthTickets(truths));
    expect(d.summary.tickets).toBe(d.tickets.length);
    for (const t of d.tickets) expect(t.why.length).toBeGreaterThan(3);
    for (const c of d.comments) expect([ds().userId(first), ds().userId(twin)]).toContain(c.authorId);
    await h.call('subjects.unlink', { workspaceId, ref: `subj_${ds().userId(first)}`, userId: ds().userId(twin) });
  });

  it('a manual merge joins an account with its reason, and can be undone', async () => {
    const a = userIndexes().find(
      (i) => !ds().isAgentIndex(i) && ds().twinOf(i) === undefined && h.sync.sim.groundTruth(ds().userId(i)).otherAccounts.length === 0,
    )!;
    const b = userIndexes().find(
      (i) =>
        i !== a &&
        !ds().isAgentIndex(i) &&
        ds().twinOf(i) === undefined &&
        h.sync.sim.groundTruth(ds().userId(i)).otherAccounts.length === 0,
    )!;
    const ref = `subj_${ds().userId(a)}`;
    const merged = await h.call('subjects.merge', { workspaceId, ref, userId: ds().userId(b), reason: 'Same person, confirmed by phone' });
    expect(merged.accounts).toEqual([ds().userId(a), ds().userId(b)]);
    const d = await dossier(ds().userId(a));
    expect(d.accounts[1]?.why).toMatchObject({ kind: 'confirmed', reason: 'Same person, confirmed by phone' });
    const truths = [h.sync.sim.groundTruth(ds().userId(a)), h.sync.sim.groundTruth(ds().userId(b))];
    expect(liveTickets(d)).toEqual(truthTickets(truths));
    const undone = await h.call('subjects.unmerge', { workspaceId, ref, userId: ds().userId(b) });
    expect(undone.accounts).toEqual([ds().userId(a)]);
  });

  it('an agent sees the tickets assigned to them', async () => {
    const agent = userIndexes().find(
      (i) => ds().isAgentIndex(i) && h.sync.sim.groundTruth(ds().userId(i)).tickets.some((t) => t.roles.includes('assignee')),
    )!;
    const d = await dossier(ds().userId(agent));
    expect(liveTickets(d)).toEqual(truthTickets([h.sync.sim.groundTruth(ds().userId(agent))]));
    expect(d.summary.ticketsByRole.assignee).toBeGreaterThan(0);
  });

  it('pages add up to the whole lists, and the summary counts everything whatever the page', async () => {
    const busiest = userIndexes()
      .map((i) => ds().userId(i))
      .map((id) => ({ id, n: h.sync.sim.groundTruth(id).tickets.length }))
      .sort((a, b) => b.n - a.n)[0]!.id;
    const first = await h.call('subjects.show', { workspaceId, ref: `subj_${busiest}`, limit: 2 });
    expect(first.tickets.length).toBeLessThanOrEqual(2);
    expect(first.pages.tickets).toEqual({ offset: 0, total: first.summary.tickets });
    const paged = await dossier(busiest, 2);
    const whole = await dossier(busiest, 1000);
    expect(first.summary).toEqual(whole.summary);
    for (const list of ['tickets', 'comments', 'attachments', 'mentions'] as const) {
      expect(paged[list], list).toEqual(whole[list]);
      expect(whole[list].length, list).toBe(whole.pages[list].total);
    }
    expect(whole.tickets.length).toBe(whole.summary.tickets);
    expect(whole.comments.length).toBe(whole.summary.comments);
    expect(whole.attachments.length).toBe(whole.summary.attachments);
    expect(whole.mentions.length).toBe(whole.summary.mentions);
    expect(whole.attachments.reduce((sum, a) => sum + (a.size ?? 0), 0)).toBe(whole.summary.attachmentBytes);
    expect(whole.summary.tickets).toBeGreaterThan(2);
    const later = await h.call('subjects.show', { workspaceId, ref: `subj_${busiest}`, limit: 2, offsets: { tickets: 2 } });
    expect(later.tickets).toEqual(whole.tickets.slice(2, 4));
    expect(later.pages.tickets.offset).toBe(2);
  });

  it('an unknown subject is not_found', async () => {
    const result = await h.callResult('subjects.show', { workspaceId, ref: 'subj_999999999' });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
