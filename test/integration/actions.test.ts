import { createServer } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { actionOperations, type ActionResult, type ActionSettings } from '../../src/shared/contract/groups/actions';
import { listAuditEntries, openAuditContext } from '../../src/main/core/audit';
import { RateLimitScheduler, ZendeskClient } from '../../src/main/core/helpdesk';
import type { Router } from '../../src/main/core/router/router';
import type { Simulator } from '../../src/sim';
import { createActionsHarness, type ActionsHarness } from '../support/actions-harness';
import type { TestCore } from '../support/core';
import { isWrite } from '../support/writes';

let sim: Simulator;
let ctx: TestCore;
let router: Router;
let workspaceId: string;

const SUBJECT_ID = 380000000005;
const REF = `subj_${SUBJECT_ID}`;

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

async function call<T>(name: keyof typeof actionOperations, input: unknown): Promise<T> {
  const result = await router.call(name, input);
  if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
  return result.value as T;
}

async function setAddress(baseUrl: string): Promise<void> {
  // A new address needs the token again (it was entered for the old one).
  const updated = await ctx.call('workspaces.update', { id: workspaceId, address: { baseUrl }, apiToken: sim.admin.token });
  if (!updated.ok) throw new Error(updated.error.message);
}

const writes = (): string[] => sim.state.requestLog.filter(isWrite).map((r) => `${r.method} ${r.path}`);

let harness: ActionsHarness;
beforeEach(async () => {
  harness = await createActionsHarness();
  ({ sim, ctx, router, workspaceId } = harness);
});

afterEach(async () => harness.dispose());

async function auditOf(action: string) {
  const audit = await openAuditContext(ctx.core.services, workspaceId);
  return listAuditEntries(audit.db, { action }).entries;
}

function expectNoPersonalData(value: unknown, secrets: string[]): void {
  const text = JSON.stringify(value);
  for (const s of secrets) expect(text.toLowerCase()).not.toContain(s.toLowerCase());
}

it('restrict suspends, tags and revokes sessions, with an audit entry holding no personal data; lifting needs the Art. 18(3) acknowledgement', async () => {
  const user = sim.state.userView(SUBJECT_ID)!.rec;
  const email = user.email!;
  expect(user.suspended).toBe(false);
  const r = await call<ActionResult>('actions.restrict', { workspaceId, subjectRef: REF });
  expect(r.queued).toBe(false);
  expect(r.action.state).toBe('done');
  expect(r.cacheRefreshed).toBe(true);
  const after = sim.state.userView(SUBJECT_ID)!.rec;
  expect(after.suspended).toBe(true);
  expect(after.tags).toContain('gdpr_restricted');
  expect(sim.state.sessionsRevoked.get(SUBJECT_ID)).toBe(1);
  const cache = await ctx.core.services.caches.open(workspaceId);
  expect(cache.db.prepare('SELECT suspended FROM users WHERE id = ?').pluck().get(SUBJECT_ID)).toBe(1);

  const entries = await auditOf('actions.restrict');
  expect(entries).toHaveLength(1);
  expect(entries[0]!.data).toMatchObject({ outcome: 'done', accounts: 1 });
  expectNoPersonalData(entries, [email, user.name ?? 'x', String(SUBJECT_ID)]);

  // Restricting again changes nothing upstream (already suspended and tagged); sessions are revoked again.
  const before = writes().length;
  await call<ActionResult>('actions.restrict', { workspaceId, subjectRef: REF });
  const added = writes().slice(before);
  expect(added).toHaveLength(1);
  expect(added[0]).toMatch(/^DELETE .*sessions/);
  expect(sim.state.userView(SUBJECT_ID)!.rec.tags.filter((t) => t === 'gdpr_restricted')).toHaveLength(1);

  // Lifting without acknowledging that the person was informed is refused and changes nothing.
  const countBefore = sim.state.requestLog.length;
  const refused = await router.call('actions.liftRestriction', { workspaceId, subjectRef: REF });
  expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  const refused2 = await router.call('actions.liftRestriction', { workspaceId, subjectRef: REF, informedSubject: false });
  expect(refused2).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  expect(sim.state.requestLog.length).toBe(countBefore);
  expect(sim.state.userView(SUBJECT_ID)!.rec.suspended).toBe(true);

  const lifted = await call<ActionResult>('actions.liftRestriction', { workspaceId, subjectRef: REF, informedSubject: true });
  expect(lifted.action.state).toBe('done');
  expect(sim.state.userView(SUBJECT_ID)!.rec.suspended).toBe(false);
  expect(sim.state.userView(SUBJECT_ID)!.rec.tags).not.toContain('gdpr_restricted');
  const liftAudit = await auditOf('actions.lift_restriction');
  expect(liftAudit[0]!.data).toMatchObject({ subjectInformed: true });

  const list = await call<{ actions: Array<{ action: string; state: string }> }>('actions.list', { workspaceId, subjectRef: REF });
  expect(list.actions.map((a) => `${a.action}:${a.state}`)).toEqual(['lift_restriction:done', 'restrict:done', 'restrict:done']);
});

it('rectify changes name and phone and moves the primary e-mail through identities, returning the diff', async () => {
  const user = sim.state.userView(SUBJECT_ID)!.rec;
  const oldEmail = user.email!;
  const newEmail = 'g.papadopoulos.new@example.org';

  const preview = await call<ActionResult>('actions.rectify', {
    workspaceId,
    subjectRef: REF,
    fields: { name: 'Giorgos P. Papadopoulos', phone: '+30 210 555 0199' },
    newEmail,
    dryRun: true,
  });
  expect(preview.diff.map((d) => d.field)).toEqual(['name', 'phone', 'email']);
  expect(preview.diff.find((d) => d.field === 'email')).toEqual({ field: 'email', before: oldEmail, after: newEmail });
  expect(writes()).toEqual([]);

  const r = await call<ActionResult>('actions.rectify', {
    workspaceId,
    subjectRef: REF,
    fields: { name: 'Giorgos P. Papadopoulos', phone: '+30 210 555 0199' },
    newEmail,
  });
  expect(r.action.state, JSON.stringify(r.action.error)).toBe('done');
  expect(r.diff.find((d) => d.field === 'name')).toEqual({ field: 'name', before: user.name, after: 'Giorgos P. Papadopoulos' });
  const rec = sim.state.userView(SUBJECT_ID)!.rec;
  expect(rec.name).toBe('Giorgos P. Papadopoulos');
  expect(rec.phone).toBe('+30 210 555 0199');
  const emails = rec.identities.filter((i) => i.type === 'email');
  expect(emails.find((i) => i.primary)?.value).toBe(newEmail);
  expect(emails.some((i) => i.value.toLowerCase() === oldEmail.toLowerCase())).toBe(false);
  expect(rec.email).toBe(newEmail);

  // The cache now reads the new values; the audit entry names fields only.
  const cache = await ctx.core.services.caches.open(workspaceId);
  expect(cache.db.prepare('SELECT email FROM users WHERE id = ?').pluck().get(SUBJECT_ID)).toBe(newEmail);
  const entries = await auditOf('actions.rectify');
  expect(entries[0]!.data).toMatchObject({ fields: ['name', 'phone', 'email'], emailChange: true, outcome: 'done' });
  expectNoPersonalData(entries, [oldEmail, newEmail, 'Papadopoulos', '555 0199']);

  // Once settled, the values leave the journal.
  const journal = (await import('../../src/main/core/journal')).openJournal;
  const j = await journal(ctx.core.services, workspaceId);
  expect(j.operations(r.action.id).every((o) => o.payload === null)).toBe(true);

  // Nothing left to change is refused.
  const again = await router.call('actions.rectify', { workspaceId, subjectRef: REF, fields: { name: 'Giorgos P. Papadopoulos' } });
  expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
});

it('objection applies the configured tags and user fields', async () => {
  const settings = await call<ActionSettings>('actions.getSettings', { workspaceId });
  expect(settings.restrictionTag).toBe('gdpr_restricted');
  await call('actions.setSettings', {
    workspaceId,
    settings: {
      ...settings,
      objection: {
        ...settings.objection,
        marketing: { tags: ['no_marketing', 'optout_email'], userFields: [{ key: 'marketing_consent', value: false }] },
      },
    },
  });
  const r = await call<ActionResult>('actions.object', { workspaceId, subjectRef: REF, kind: 'marketing' });
  expect(r.action.state).toBe('done');
  const rec = sim.state.userView(SUBJECT_ID)!.rec;
  expect(rec.tags).toEqual(expect.arrayContaining(['no_marketing', 'optout_email']));
  expect((rec.user_fields as Record<string, unknown>).marketing_consent).toBe(false);
  const p = await call<ActionResult>('actions.object', { workspaceId, subjectRef: REF, kind: 'processing' });
  expect(p.action.state).toBe('done');
  expect(sim.state.userView(SUBJECT_ID)!.rec.tags).toContain('gdpr_objection');
  const entries = await auditOf('actions.object');
  expect(entries.map((e) => (e.data as { objection: string }).objection).sort()).toEqual(['marketing', 'processing']);
});

it('offline: the action is queued, then flush applies it exactly once when the helpdesk is back', async () => {
  await setAddress(await closedPortUrl());
  const r = await call<ActionResult>('actions.restrict', { workspaceId, subjectRef: REF });
  expect(r.queued).toBe(true);
  expect(r.action.state).toBe('queued');
  expect(r.action.error?.code).toBe('helpdesk_unreachable');
  const rect = await call<ActionResult>('actions.rectify', {
    workspaceId,
    subjectRef: REF,
    fields: { name: 'Offline Name' },
    newEmail: 'offline.new@example.org',
  });
  expect(rect.queued).toBe(true);
  expect(rect.diff.map((d) => d.field)).toEqual(['name', 'email']);
  expect(writes()).toEqual([]);
  expect((await auditOf('actions.restrict.queued')).length).toBe(1);

  // Still offline: flush leaves them queued.
  expect(await call('actions.flush', { workspaceId })).toMatchObject({ attempted: 2, queued: 2, done: 0 });

  await setAddress(sim.url);
  const flushed = await call('actions.flush', { workspaceId });
  expect(flushed).toMatchObject({ attempted: 2, done: 2, queued: 0 });
  const rec = sim.state.userView(SUBJECT_ID)!.rec;
  expect(rec.suspended).toBe(true);
  expect(rec.tags).toContain('gdpr_restricted');
  expect(rec.name).toBe('Offline Name');
  expect(rec.identities.find((i) => i.primary && i.type === 'email')?.value).toBe('offline.new@example.org');
  expect(sim.state.sessionsRevoked.get(SUBJECT_ID)).toBe(1);

  // One request per operation: suspend, tag and the rectified fields are three separate user updates.
  const once = writes();
  const u = `/api/v2/users/${SUBJECT_ID}`;
  expect(once.map((w) => w.replace(/\.json$/, '').replace(/identities\/\d+/, 'identities/:id')).sort()).toEqual(
    [
      `PUT ${u}`,
      `PUT ${u}`,
      `PUT ${u}`,
      `DELETE ${u}/sessions`,
      `POST ${u}/identities`,
      `PUT ${u}/identities/:id/make_primary`,
      `DELETE ${u}/identities/:id`,
    ].sort(),
  );
  // Flushing again sends nothing.
  expect(await call('actions.flush', { workspaceId })).toMatchObject({ attempted: 0 });
  expect(writes()).toEqual(once);
});

it('a queued e-mail change is stopped when the primary address changed upstream meanwhile', async () => {
  await setAddress(await closedPortUrl());
  const r = await call<ActionResult>('actions.rectify', { workspaceId, subjectRef: REF, newEmail: 'queued.new@example.org' });
  expect(r.queued).toBe(true);
  // Someone else changes the primary address in Zendesk while Lethe is offline.
  const admin = new ZendeskClient(
    { baseUrl: sim.url, email: sim.admin.email, token: sim.admin.token },
    { scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000 }) },
  );
  const added = await admin.createIdentity(SUBJECT_ID, { type: 'email', value: 'elsewhere@example.org' }, { skipVerifyEmail: true });
  await admin.makeIdentityPrimary(SUBJECT_ID, added.id);
  await setAddress(sim.url);
  const flushed = await call('actions.flush', { workspaceId });
  expect(flushed).toMatchObject({ stopped: 1, done: 0 });
  const [view] = (
    await call<{ actions: Array<{ state: string; error: { code: string } | null }> }>('actions.list', { workspaceId, subjectRef: REF })
  ).actions;
  expect(view).toMatchObject({ state: 'stopped', error: { code: 'changed_upstream' } });
  expect(sim.state.userView(SUBJECT_ID)!.rec.identities.some((i) => i.value === 'queued.new@example.org')).toBe(false);
});

it('bad input changes nothing', async () => {
  const bad: Array<[keyof typeof actionOperations, unknown]> = [
    ['actions.restrict', { workspaceId, subjectRef: 'someone@example.org' }],
    ['actions.restrict', { workspaceId, subjectRef: REF, userIds: [-1] }],
    ['actions.rectify', { workspaceId, subjectRef: REF, fields: { email: 'x@example.org' } }],
    ['actions.rectify', { workspaceId, subjectRef: REF, newEmail: 'not an email' }],
    ['actions.rectify', { workspaceId, subjectRef: REF, fields: { name: 'x'.repeat(5000) } }],
    ['actions.object', { workspaceId, subjectRef: REF, kind: 'everything' }],
    [
      'actions.setSettings',
      {
        workspaceId,
        settings: {
          restrictionTag: 'has space',
          objection: { marketing: { tags: [], userFields: [] }, processing: { tags: [], userFields: [] } },
          recipients: [],
        },
      },
    ],
  ];
  for (const [name, input] of bad)
    expect(await router.call(name, input), name).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  // Settings refuse personal data (they are echoed into the audit log).
  const settings = await call<ActionSettings>('actions.getSettings', { workspaceId });
  expect(
    await router.call('actions.setSettings', { workspaceId, settings: { ...settings, recipients: ['jane.doe@example.org'] } }),
  ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  expect(writes()).toEqual([]);
  expect((await call<{ actions: unknown[] }>('actions.list', { workspaceId })).actions).toEqual([]);
});
