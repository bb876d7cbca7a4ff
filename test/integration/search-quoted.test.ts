import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSubjectsHarness, type SubjectsHarness } from '../support/subjects-harness';

/**
 * #19 item 6, "is she gone?": a search for a person's full e-mail address also looks in comment
 * text, so another customer's comment quoting it is found (after an erasure it is what is left).
 */

let h: SubjectsHarness;
beforeAll(async () => {
  h = await createSubjectsHarness({ size: 'tiny', seed: 7, noLimits: true });
}, 120_000);
afterAll(async () => h?.dispose());

function quotedPerson(): { email: string; userId: number; ticketId: number; authorId: number } {
  const { sim } = h.sync;
  const ds = sim.dataset;
  // A person whose address another user's comment quotes.
  let found: { email: string; userId: number; ticketId: number; authorId: number } | null = null;
  for (let i = 0; i < ds.userCount && !found; i++) {
    const email = ds.primaryEmail(i);
    if (!email) continue;
    const truth = sim.groundTruth(email);
    for (const m of truth.mentions.filter((x) => x.matched.includes('email'))) {
      const comment = sim.state.ticketComments(m.ticketId).find((c) => m.commentIds.includes(c.id));
      if (comment && comment.author_id !== truth.userId) {
        found = { email, userId: truth.userId, ticketId: m.ticketId, authorId: comment.author_id };
        break;
      }
    }
  }
  if (!found) throw new Error('the dataset has no quoted address');
  return found;
}

it('finds the author of a comment quoting the full address searched for, with the words around it and the ticket', async () => {
  const found = quotedPerson();

  const { results } = await h.call('subjects.search', { workspaceId: h.sync.workspaceId, query: found.email.toUpperCase(), limit: 50 });
  const author = results.find((r) => r.userId === found.authorId);
  expect(author, JSON.stringify(results.map((r) => r.userId))).toBeDefined();
  const reason = author!.reasons.find((r) => r.field === 'comment' && r.ticketId === found.ticketId);
  expect(reason).toMatchObject({ field: 'comment', match: 'exact' });
  expect(reason!.value.toLowerCase()).toContain(found.email.toLowerCase());
  // The person herself still ranks first, by her address.
  expect(results[0]!.userId).toBe(found.userId);

  // A partial address is not a quote: no comment reasons from it.
  const partial = await h.call('subjects.search', { workspaceId: h.sync.workspaceId, query: found.email.split('@')[0]!, limit: 50 });
  expect(partial.results.flatMap((r) => r.reasons).filter((r) => r.field === 'comment' && r.match === 'exact')).toEqual([]);
});

it('keeps a rectified e-mail as a former identity: the mention quoting it stays, marked former in the dossier and search (#19 item 7)', async () => {
  const found = quotedPerson();
  const { workspaceId } = h.sync;
  const ref = `subj_${found.userId}`;
  const before = await h.call('subjects.show', { workspaceId, ref });
  expect(before.mentions.map((m) => m.ticketId)).toContain(found.ticketId);

  const result = await h.sync.ctx.call('actions.rectify', {
    workspaceId,
    subjectRef: ref,
    fields: {},
    newEmail: 'renamed.person@example.org',
    actor: 'Dana Officer',
  });
  if (!result.ok) throw new Error(result.error.message);
  expect(result.value.action.state).toBe('done');

  const after = await h.call('subjects.show', { workspaceId, ref });
  expect(after.accounts[0]!.email).toBe('renamed.person@example.org');
  // Today's main: the comment quoting the old address is no longer the person's (1 -> 0).
  const mention = after.mentions.find((m) => m.ticketId === found.ticketId);
  expect(mention?.values.map((v) => v.toLowerCase())).toContain(found.email.toLowerCase());
  expect(after.summary.mentions).toBe(before.summary.mentions);
  expect(after.formerIdentities).toEqual([
    expect.objectContaining({
      userId: found.userId,
      type: 'email',
      value: found.email,
      why: expect.stringMatching(/^former e-mail address, replaced .* by Dana Officer$/),
    }),
  ]);

  // Searching the old address finds the person, marked former.
  const { results } = await h.call('subjects.search', { workspaceId, query: found.email, limit: 50 });
  const person = results.find((r) => r.userId === found.userId);
  expect(person?.reasons[0]).toMatchObject({ field: 'former', match: 'exact' });
});
