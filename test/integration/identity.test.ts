import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEntries, openAuditContext } from '../../src/main/core/audit';
import { readZip } from '../../src/main/core/archive/testing/zip-files';
import type { Contract, OperationName } from '../../src/shared/contract';
import type { InputOf, OutputOf } from '../../src/shared/contract/define';
import { api } from '../../src/sim/testing';
import { createSubjectsHarness, type SubjectsHarness } from '../support/subjects-harness';
import { isWrite } from '../support/writes';

/**
 * Who is this person, on the practice helpdesk where the problem was found (tiny dataset, seed
 * 11): user 380000000014 is the deliberately second account of 380000000007, sharing its phone
 * number and nothing else. From outside, that is also exactly what two people sharing a household
 * landline look like, so until an officer links them they are two people everywhere.
 */

let h: SubjectsHarness;
let workspaceId: string;
const FIRST = 380000000007;
const SECOND = 380000000014;
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

async function call<K extends OperationName>(name: K, input: InputOf<Contract, K>): Promise<OutputOf<Contract, K>> {
  const result = await h.sync.ctx.call(name, input);
  if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
  return result.value;
}

const identitiesOf = (userId: number) => h.sync.sim.state.userView(userId)!.rec.identities;
const emailsOf = (userId: number) =>
  identitiesOf(userId)
    .filter((i) => i.type === 'email')
    .map((i) => i.value.toLowerCase());
const phoneOf = (userId: number) => identitiesOf(userId).find((i) => i.type === 'phone_number')!.value;

async function archiveText(
  userId: number,
): Promise<{ text: string; manifest: { exclusions: Array<{ category: string; count: number }> } }> {
  const record = await call('archives.export', { workspaceId, ref: `subj_${userId}`, kind: 'access', regulation: 'GDPR' });
  const files = await readZip(record.path);
  const text = [...files.values()]
    .map((b) => b.toString('utf8'))
    .join('\n')
    .toLowerCase();
  return { text, manifest: JSON.parse(files.get('manifest.json')!.toString('utf8')) as never };
}

beforeAll(async () => {
  h = await createSubjectsHarness({ size: 'tiny', seed: 11, noLimits: true });
  workspaceId = h.sync.workspaceId;
  const set = await h.sync.ctx.call('settings.set', { informationSheet: SHEET });
  if (!set.ok) throw new Error(set.error.message);
  // The premise: the two accounts share a phone number, and no e-mail.
  const ds = h.sync.sim.dataset;
  const index = (id: number) => Array.from({ length: ds.userCount }, (_, i) => i).find((i) => ds.userId(i) === id)!;
  expect(ds.twinOf(index(SECOND))).toBe(index(FIRST));
  expect(phoneOf(FIRST).replace(/\D/g, '')).toBe(phoneOf(SECOND).replace(/\D/g, ''));
}, 120_000);
afterAll(async () => h?.dispose());

describe('identity links', () => {
  it('two accounts sharing a number are two people in the dossier, the archive and the erasure plan until linked', async () => {
    const dossier = await call('subjects.show', { workspaceId, ref: `subj_${SECOND}` });
    expect(dossier.accounts.map((a) => a.userId)).toEqual([SECOND]);
    expect(dossier.pendingSuggestions).toBeGreaterThanOrEqual(1);
    const suggestion = dossier.suggestions.find((s) => s.userId === FIRST)!;
    expect(suggestion).toMatchObject({ decision: null, sharedBy: 2 });
    expect(suggestion.evidence).toEqual([expect.objectContaining({ identityType: 'phone_number', withUserId: SECOND, sharedBy: 2 })]);

    // The access archive that carried the other person's address and profile no longer does.
    const { text, manifest } = await archiveText(SECOND);
    for (const email of emailsOf(FIRST)) expect(text.includes(email), email).toBe(false);
    expect(text).not.toContain(`"userid": ${FIRST}`);
    expect(manifest.exclusions).toContainEqual(
      expect.objectContaining({ category: 'accounts_not_confirmed', count: dossier.pendingSuggestions }),
    );

    const plan = await call('erasure.plan', { workspaceId, subject: `subj_${SECOND}`, regulation: 'gdpr' });
    expect(plan.subject.userIds).toEqual([SECOND]);
    expect(plan.accounts.map((a) => a.userId)).toEqual([SECOND]);
    expect(plan.subject.relatedAccounts).toContain(FIRST);

    const search = await call('subjects.search', { workspaceId, query: phoneOf(FIRST) });
    for (const id of [FIRST, SECOND])
      expect(search.results.find((r) => r.userId === id)).toMatchObject({ linkedAccounts: 0, suggestedAccounts: 1 });
  });

  it('confirmed, the two accounts are one person from either side, in the archive and the plan; the audit names nobody', async () => {
    const links = await call('subjects.link', {
      workspaceId,
      ref: `subj_${FIRST}`,
      userId: SECOND,
      reason: 'Second account, confirmed by the requester',
      by: 'Dana Officer',
    });
    expect(links.accounts.map((a) => a.userId)).toEqual([FIRST, SECOND]);
    const dossier = await call('subjects.show', { workspaceId, ref: `subj_${SECOND}` });
    expect(dossier.accounts.map((a) => a.userId)).toEqual([SECOND, FIRST]);
    expect(dossier.accounts[1]?.why).toMatchObject({
      kind: 'confirmed',
      reason: 'Second account, confirmed by the requester',
      by: 'Dana Officer',
    });
    expect(dossier.suggestions.some((s) => s.userId === FIRST)).toBe(false);
    const truth = new Set([...h.sync.sim.groundTruth(FIRST).tickets, ...h.sync.sim.groundTruth(SECOND).tickets].map((t) => t.ticketId));
    expect(new Set(dossier.tickets.filter((t) => !t.deleted).map((t) => t.id))).toEqual(truth);

    const { text } = await archiveText(SECOND);
    for (const email of [...emailsOf(FIRST), ...emailsOf(SECOND)]) expect(text.includes(email), email).toBe(true);

    const plan = await call('erasure.plan', { workspaceId, subject: `subj_${FIRST}`, regulation: 'gdpr' });
    expect(plan.subject.userIds).toEqual([FIRST, SECOND]);
    expect(plan.accounts.map((a) => a.userId).sort()).toEqual([FIRST, SECOND]);

    const audit = await openAuditContext(h.sync.ctx.core.services, workspaceId);
    const [entry] = listAuditEntries(audit.db, { action: 'subjects.link_confirmed' }).entries;
    expect(entry).toMatchObject({ actor: 'Dana Officer', data: { suggested: true, evidence: [{ type: 'phone_number', sharedBy: 2 }] } });
    const stored = JSON.stringify(entry);
    expect(stored).not.toContain(String(SECOND));
    expect(stored).not.toContain('requester');
    expect(stored.replace(/\D/g, '')).not.toContain(phoneOf(FIRST).replace(/\D/g, ''));

    // Unlinked after planning: the plan names an account that is no longer confirmed, and is refused.
    await call('subjects.unlink', { workspaceId, ref: `subj_${FIRST}`, userId: SECOND });
    const writes = h.sync.sim.state.requestLog.filter(isWrite).length;
    for (const attempt of [
      h.sync.ctx.call('erasure.revalidate', { workspaceId, planId: plan.id }),
      h.sync.ctx.call('erasure.override', {
        workspaceId,
        planId: plan.id,
        target: 'account',
        id: SECOND,
        decision: 'keep',
        reason: 'Kept',
      }),
    ]) {
      expect(await attempt).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'account_not_confirmed' } } });
    }
    const after = await call('erasure.getPlan', { workspaceId, planId: plan.id });
    expect(after).toMatchObject({ state: 'draft', revalidation: null, fingerprint: plan.fingerprint });
    expect(h.sync.sim.state.requestLog.filter(isWrite).length).toBe(writes);
  });

  it('an action may only touch confirmed accounts', async () => {
    const refused = await h.sync.ctx.call('actions.restrict', { workspaceId, subjectRef: `subj_${SECOND}`, userIds: [SECOND, FIRST] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'account_not_confirmed' } } });
    const rectify = await h.sync.ctx.call('actions.rectify', {
      workspaceId,
      subjectRef: `subj_${SECOND}`,
      userId: FIRST,
      fields: { name: 'Someone Else' },
      dryRun: true,
    });
    expect(rectify).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'account_not_confirmed' } } });
  });

  it('a rejected link stays rejected after a cache reset and a full resync', async () => {
    const rejected = await call('subjects.reject', {
      workspaceId,
      ref: `subj_${SECOND}`,
      userId: FIRST,
      reason: 'Household landline: a different person',
    });
    expect(rejected.suggestions.find((s) => s.userId === FIRST)?.decision).toMatchObject({ decision: 'rejected' });
    await call('cache.reset', { workspaceId, confirm: true });
    const status = await h.sync.syncNow();
    expect(status.outcome).toBe('done');
    for (const id of [FIRST, SECOND]) await h.sync.service.refreshSubject(workspaceId, id);
    for (const [ref, other] of [
      [SECOND, FIRST],
      [FIRST, SECOND],
    ] as const) {
      const dossier = await call('subjects.show', { workspaceId, ref: `subj_${ref}` });
      expect(dossier.accounts.map((a) => a.userId)).toEqual([ref]);
      const s = dossier.suggestions.find((x) => x.userId === other);
      expect(s?.decision).toMatchObject({ decision: 'rejected', reason: 'Household landline: a different person' });
      expect(dossier.pendingSuggestions).toBe(dossier.suggestions.filter((x) => x.decision === null).length);
    }
    // Undone, it is a suggestion again.
    const undone = await call('subjects.unlink', { workspaceId, ref: `subj_${SECOND}`, userId: FIRST });
    expect(undone.suggestions.find((s) => s.userId === FIRST)?.decision).toBeNull();
    expect(await h.sync.ctx.call('subjects.reject', { workspaceId, ref: `subj_${SECOND}`, userId: FIRST, reason: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  }, 120_000);

  it('a switchboard number on many accounts is suggested only with how many accounts share it', async () => {
    const sim = api(h.sync.sim);
    const switchboard = '+49 30 9000 0000';
    const ds = h.sync.sim.dataset;
    const users = Array.from({ length: ds.userCount }, (_, i) => i)
      .filter((i) => !ds.isAgentIndex(i))
      .map((i) => ds.userId(i));
    const staff = users.slice(0, 12);
    for (const id of staff) {
      const added = await sim.post(`/api/v2/users/${id}/identities.json`, { identity: { type: 'phone_number', value: switchboard } });
      expect(added.status).toBe(201);
      await h.sync.service.refreshSubject(workspaceId, id);
    }
    const links = await call('subjects.links', { workspaceId, ref: `subj_${staff[0]}` });
    expect(links.accounts.map((a) => a.userId)).toEqual([staff[0]]);
    const viaSwitchboard = links.suggestions.filter((s) => s.evidence.some((e) => e.value === switchboard));
    expect(viaSwitchboard.map((s) => s.userId).sort()).toEqual(staff.slice(1).sort());
    for (const s of viaSwitchboard) expect(s.evidence.find((e) => e.value === switchboard)?.sharedBy).toBe(12);
  });
});
