import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ActionResult } from '../../src/shared/contract/groups/actions';
import { listAuditEntries, openAuditContext } from '../../src/main/core/audit';
import { groundTruth } from '../../src/sim/truth';
import { createActionsHarness, type ActionsHarness } from '../support/actions-harness';
import { isWrite } from '../support/writes';

/**
 * Rectifying an organization field that holds the person (#12 surface 5): an organisation's
 * billing contact still names their old address. Through the contract and the simulator's API:
 * the preview shows the change and writes nothing; the rectification changes or clears the field
 * (through the journal), the cache reads the new value, the audit names the field only; a field
 * that does not hold the person is refused with a stable code and nothing is written.
 */
let h: ActionsHarness;
beforeEach(async () => {
  h = await createActionsHarness();
});
afterEach(async () => h.dispose());

const writes = (): string[] => h.sim.state.requestLog.filter(isWrite).map((r) => `${r.method} ${r.path}`);

async function call(input: Record<string, unknown>): Promise<ActionResult> {
  const result = await h.router.call('actions.rectify', { workspaceId: h.workspaceId, ...input });
  if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
  return result.value as ActionResult;
}

async function organizationField(orgId: number, key: string): Promise<unknown> {
  const { sim } = h;
  const auth = Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64');
  const res = await fetch(`${sim.url}/api/v2/organizations/${orgId}`, { headers: { authorization: `Basic ${auth}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { organization: { organization_fields: Record<string, unknown> } }).organization.organization_fields[key];
}

/** A person named in an organization's billing contact (ground truth), and that field. */
function billingContact(): { userId: number; orgId: number; key: string; value: string } {
  const ds = h.sim.dataset;
  for (let i = 0; i < ds.userCount; i++) {
    const t = groundTruth(h.sim.state, ds.userId(i));
    const f = t.customFields.find((c) => c.scope === 'organization');
    if (f) return { userId: t.userId, orgId: f.ownerId, key: f.key, value: f.value };
  }
  throw new Error('no organization field holds anyone in the tiny dataset');
}

it('changes an organization field holding the person through the journal, after a preview that writes nothing', async () => {
  const { userId, orgId, key, value } = billingContact();
  const subjectRef = `subj_${userId}`;
  const field = `organization_fields.${orgId}.${key}`;
  const next = 'billing.new@example.org';

  const preview = await call({ subjectRef, fields: { organizationFields: [{ organizationId: orgId, key, value: next }] }, dryRun: true });
  expect(preview.diff).toEqual([{ field, before: value, after: next }]);
  expect(writes()).toEqual([]);

  // With one of their own custom user fields in the same rectification.
  const done = await call({
    subjectRef,
    fields: { userFields: { delivery_address: 'Rua Nova 12, Lisboa' }, organizationFields: [{ organizationId: orgId, key, value: next }] },
  });
  expect(done.action.state, JSON.stringify(done.action.error)).toBe('done');
  expect(done.action.fields).toEqual(['user_fields.delivery_address', field]);
  expect(writes().sort()).toEqual([`PUT /api/v2/organizations/${orgId}`, `PUT /api/v2/users/${userId}`]);
  expect(await organizationField(orgId, key)).toBe(next);
  expect(h.sim.state.userView(userId)?.rec.user_fields?.delivery_address).toBe('Rua Nova 12, Lisboa');
  // The organization's other fields stay.
  expect(h.sim.state.orgView(orgId)?.organization_fields).toHaveProperty('account_manager');
  const cache = await h.ctx.core.services.caches.open(h.workspaceId);
  const cached = cache.db.prepare('SELECT organization_fields FROM organizations WHERE id = ?').pluck().get(orgId) as string;
  expect(JSON.parse(cached)[key]).toBe(next);
  expect(done.cacheRefreshed).toBe(true);

  const audit = await openAuditContext(h.ctx.core.services, h.workspaceId);
  const entries = listAuditEntries(audit.db, { action: 'actions.rectify' }).entries;
  expect(entries[0]!.data).toMatchObject({ fields: ['user_fields.delivery_address', field], outcome: 'done' });
  expect(JSON.stringify(entries)).not.toContain(value);
  expect(JSON.stringify(entries)).not.toContain(next);
});

it('clears the field with null, and refuses a field that does not hold the person, changing nothing', async () => {
  const { userId, orgId, key, value } = billingContact();
  const subjectRef = `subj_${userId}`;

  // A field of the same organization that does not hold them (the account manager), an unknown
  // key, and an organization that does not exist: refused, nothing sent.
  for (const [organizationId, k] of [
    [orgId, 'account_manager'],
    [orgId, 'no_such_field'],
    [999_999_999, key],
  ] as const) {
    const refused = await h.router.call('actions.rectify', {
      workspaceId: h.workspaceId,
      subjectRef,
      fields: { organizationFields: [{ organizationId, key: k, value: null }] },
    });
    expect(refused, `${organizationId}:${k}`).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  }
  // The same field twice, and a key Zendesk cannot have: refused by the contract.
  for (const organizationFields of [
    [
      { organizationId: orgId, key, value: null },
      { organizationId: orgId, key, value: 'x@example.org' },
    ],
    [{ organizationId: orgId, key: 'Billing Contact', value: null }],
  ]) {
    const refused = await h.router.call('actions.rectify', { workspaceId: h.workspaceId, subjectRef, fields: { organizationFields } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  }
  expect(writes()).toEqual([]);
  expect(await organizationField(orgId, key)).toBe(value);

  const cleared = await call({ subjectRef, fields: { organizationFields: [{ organizationId: orgId, key, value: null }] } });
  expect(cleared.action.state).toBe('done');
  expect(cleared.diff).toEqual([{ field: `organization_fields.${orgId}.${key}`, before: value, after: null }]);
  expect(await organizationField(orgId, key)).toBeNull();
  // Nothing holds the person there any more: asking again is refused, not repeated.
  const again = await h.router.call('actions.rectify', {
    workspaceId: h.workspaceId,
    subjectRef,
    fields: { organizationFields: [{ organizationId: orgId, key, value: null }] },
  });
  expect(again).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  expect(writes()).toEqual([`PUT /api/v2/organizations/${orgId}`]);
});
