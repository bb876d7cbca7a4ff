import { readZip } from '../../src/main/core/archive/testing/zip-files';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ErasurePlan } from '../../src/shared/contract/groups/erasure';
import { createSubjectsHarness, type SubjectsHarness } from '../support/subjects-harness';

/**
 * #19 item 7 for phone numbers: a rectified number stays the person's as a former one, so the
 * dossier, the erasure plan and the access archive still find what was said under it; and when
 * the helpdesk hands that number to someone else, that person is never joined in: their own
 * comments quoting it, and comments written after the replacement, are not this person's.
 */

const SHEET = {
  purposes: 'Answering support requests.',
  categories: 'Contact details, tickets, comments, attachments.',
  recipients: 'Our helpdesk provider (processor).',
  retention: 'Three years after the last ticket.',
  rights: 'Rectification, erasure, restriction, objection, portability.',
  complaint: 'You may complain to your supervisory authority.',
  source: 'You, and our agents.',
  automatedDecisions: 'None.',
};
const NEW_PHONE = '+44 20 7946 0999';

let h: SubjectsHarness;
let workspaceId: string;
beforeAll(async () => {
  h = await createSubjectsHarness();
  workspaceId = h.sync.workspaceId;
  const set = await h.sync.ctx.call('settings.set', { informationSheet: SHEET });
  if (!set.ok) throw new Error(set.error.message);
}, 120_000);
afterAll(async () => h?.dispose());

async function zendesk(method: string, path: string, body?: unknown): Promise<unknown> {
  const { sim } = h.sync;
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

async function must<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Three end users: the person (a number nobody else has, a requester), the next holder of it, and a third party with a ticket. */
function cast(): {
  person: number;
  oldPhone: string;
  phoneIdentity: number;
  holder: number;
  holderTicket: number;
  third: number;
  thirdTicket: number;
} {
  const { sim } = h.sync;
  const ds = sim.dataset;
  const requesters = new Map<number, number>();
  for (let t = 1; t < 400; t++) {
    const rec = sim.state.ticketView(t)?.rec;
    if (rec !== undefined && rec.status !== 'closed' && !requesters.has(rec.requester_id)) requesters.set(rec.requester_id, t);
  }
  const endUsers = Array.from({ length: ds.userCount }, (_, i) => i)
    .filter((i) => !ds.isAgentIndex(i))
    .map((i) => ds.userId(i))
    .filter((id) => requesters.has(id) && sim.state.userView(id)?.rec.email);
  for (const person of endUsers) {
    const phone = sim.state.userView(person)!.rec.identities.find((i) => i.type === 'phone_number');
    if (!phone || sim.state.usersWithIdentity(phone.value).length !== 1) continue;
    const [holder, third] = endUsers.filter((id) => id !== person && requesters.get(id) !== requesters.get(person));
    if (holder === undefined || third === undefined) break;
    return {
      person,
      oldPhone: phone.value,
      phoneIdentity: phone.id,
      holder,
      holderTicket: requesters.get(holder)!,
      third,
      thirdTicket: requesters.get(third)!,
    };
  }
  throw new Error('the dataset has no end user with a number of their own');
}

it('a rectified number stays the person’s in the dossier, the erasure plan and the access archive; its next holder is never joined in', async () => {
  const c = cast();
  const ref = `subj_${c.person}`;
  const comment = async (ticket: number, author: number, body: string): Promise<number> => {
    await zendesk('PUT', `/api/v2/tickets/${ticket}.json`, { ticket: { comment: { body, author_id: author, public: true } } });
    const comments = h.sync.sim.state.ticketComments(ticket);
    return comments[comments.length - 1]!.id;
  };
  // Before the rectification a third party quotes the number: that is about the person.
  const before = await comment(c.thirdTicket, c.third, `Please call her back on ${c.oldPhone} about the refund.`);
  h.sync.sim.advanceClock(5);

  const rectified = await must(
    h.sync.ctx.call('actions.rectify', { workspaceId, subjectRef: ref, fields: { phone: NEW_PHONE }, actor: 'Dana Officer' }),
  );
  expect(rectified.action.state).toBe('done');
  // The helpdesk drops the old number from the person and gives it to another customer.
  await zendesk('DELETE', `/api/v2/users/${c.person}/identities/${c.phoneIdentity}.json`);
  await zendesk('POST', `/api/v2/users/${c.holder}/identities.json`, { identity: { type: 'phone_number', value: c.oldPhone } });
  h.sync.sim.advanceClock(5);
  // From then on the number is the new holder's: their own comment, and a third party's later one.
  const byHolder = await comment(c.holderTicket, c.holder, `My new number is ${c.oldPhone}.`);
  const after = await comment(c.thirdTicket, c.third, `Rang ${c.oldPhone} again today.`);
  h.sync.sim.advanceClock(120);
  for (const id of [c.person, c.holder, c.third]) await h.sync.service.refreshSubject(workspaceId, id);

  // The dossier: the former number, with who holds it now; the earlier quote is a mention, the rest not.
  const dossier = await h.call('subjects.show', { workspaceId, ref });
  expect(dossier.accounts.map((a) => a.userId)).toEqual([c.person]);
  expect(dossier.accounts[0]!.phone).toBe(NEW_PHONE);
  expect(dossier.suggestions.map((s) => s.userId)).not.toContain(c.holder);
  expect(dossier.formerIdentities).toEqual([
    expect.objectContaining({
      type: 'phone_number',
      value: c.oldPhone,
      why: expect.stringMatching(
        new RegExp(`^former phone number, replaced .* by Dana Officer; now held by another account \\(${c.holder}\\)`),
      ),
    }),
  ]);
  const mentioned = dossier.mentions.flatMap((m) => m.commentIds);
  expect(mentioned).toContain(before);
  expect(mentioned).not.toContain(byHolder);
  expect(mentioned).not.toContain(after);
  expect(dossier.mentions.map((m) => m.ticketId)).not.toContain(c.holderTicket);

  // Search by the old number: the person (marked former) and the holder, as two people.
  const { results } = await h.call('subjects.search', { workspaceId, query: c.oldPhone, limit: 50 });
  expect(results.find((r) => r.userId === c.person)?.reasons[0]).toMatchObject({ field: 'former', match: 'exact' });
  const holder = results.find((r) => r.userId === c.holder);
  expect(holder?.reasons.map((r) => r.field)).not.toContain('former');
  expect(holder?.linkedAccounts).toBe(0);

  // The erasure plan: the earlier quote is redacted; the holder's ticket is not touched.
  const plan = (await must(h.sync.ctx.call('erasure.plan', { workspaceId, subject: ref, regulation: 'gdpr' }))) as ErasurePlan;
  expect(plan.subject.userIds).toEqual([c.person]);
  expect(plan.tickets.map((t) => t.ticketId)).not.toContain(c.holderTicket);
  // As many comments to redact there as the dossier's mentions (the later quote is not one).
  const onThirds = dossier.mentions.filter((m) => m.ticketId === c.thirdTicket).flatMap((m) => m.commentIds);
  expect(plan.tickets.find((t) => t.ticketId === c.thirdTicket)?.mentionComments).toBe(onThirds.length);
  // A number someone else holds is no identity of the plan's subject (the run's residue scan reads those).
  expect(plan.subject.phones.map((p) => p.replace(/\D/g, ''))).not.toContain(c.oldPhone.replace(/\D/g, ''));

  // The access archive counts the earlier quote among the mentions on other tickets, and only it.
  const record = await h.call('archives.export', { workspaceId, ref, kind: 'access', regulation: 'GDPR' });
  const files = await readZip(record.path);
  const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as { exclusions: Array<{ category: string; count: number }> };
  const elsewhere = dossier.mentions.filter((m) => !m.alsoParticipant).reduce((n, m) => n + m.commentIds.length, 0);
  expect(manifest.exclusions.find((e) => e.category === 'mentions_on_other_tickets')?.count).toBe(elsewhere);
}, 120_000);
