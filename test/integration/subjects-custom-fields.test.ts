import { afterAll, beforeAll, expect, it } from 'vitest';
import { readZip } from '../../src/main/core/archive/testing/zip-files';
import { createSubjectsHarness, type SubjectsHarness } from '../support/subjects-harness';

/**
 * Surface 5 of issue #12: custom user and organization fields in the dossier, against the
 * simulator's ground truth for every end user of the tiny dataset, with the fields' titles read
 * from the helpdesk (user_fields, organization_fields) through the real client.
 */
let h: SubjectsHarness;
beforeAll(async () => {
  h = await createSubjectsHarness();
}, 120_000);
afterAll(async () => {
  await h?.dispose();
});

const TITLES: Record<string, string> = {
  loyalty_tier: 'Loyalty tier',
  birthday: 'Birthday',
  delivery_address: 'Delivery address',
  emergency_contact: 'Emergency contact',
  account_manager: 'Account manager',
  billing_contact: 'Billing contact',
};

const sortKey = (f: { scope: string; ownerId: number; key: string }): string => `${f.scope}:${f.ownerId}:${f.key}`;
const by = (a: { scope: string; ownerId: number; key: string }, b: { scope: string; ownerId: number; key: string }): number =>
  sortKey(a).localeCompare(sortKey(b));

it('every end user: exactly the ground-truth field values, titled in words, each with why it is theirs', async () => {
  const ds = h.sync.sim.dataset;
  const seen = { user: 0, organization: 0, emergency: 0 };
  for (let i = 0; i < ds.userCount; i++) {
    if (ds.isAgentIndex(i)) continue;
    const userId = ds.userId(i);
    const d = await h.call('subjects.show', { workspaceId: h.sync.workspaceId, ref: `subj_${userId}` });
    const truth = h.sync.sim.groundTruth(userId);
    const got = d.customFields.map((f) => ({ scope: f.scope, ownerId: f.ownerId, key: f.key, value: f.value })).sort(by);
    expect(got, `custom fields of ${userId}`).toEqual([...truth.customFields].sort(by));
    expect(d.coverage.find((c) => c.surface === 'custom_fields')).toMatchObject({
      read: 'synced',
      searched: true,
      items: truth.customFields.length,
      asOf: d.dataAsOf,
    });
    for (const f of d.customFields) {
      expect(f.titleKnown).toBe(true);
      expect(f.title).toBe(TITLES[f.key]);
      expect(f.why.length).toBeGreaterThan(10);
      if (f.scope === 'organization') expect(f.why).toMatch(/organization field holding the person's (e-mail|email|phone)/);
      seen[f.scope]++;
      if (f.key === 'emergency_contact') seen.emergency++;
    }
  }
  // The dataset must exercise both scopes, including a field naming someone else.
  expect(seen.user).toBeGreaterThan(5);
  expect(seen.organization).toBeGreaterThan(0);
  expect(seen.emergency).toBeGreaterThan(0);
}, 120_000);

it('an access archive carries the organization fields holding the person; portability leaves them out, counted', async () => {
  const ds = h.sync.sim.dataset;
  const workspaceId = h.sync.workspaceId;
  const sheet = Object.fromEntries(
    ['purposes', 'categories', 'recipients', 'retention', 'rights', 'complaint', 'source', 'automatedDecisions'].map((k) => [
      k,
      `The ${k}.`,
    ]),
  );
  expect((await h.sync.ctx.call('settings.set', { informationSheet: sheet })).ok).toBe(true);
  let checked = 0;
  for (let i = 0; i < ds.userCount && checked < 2; i++) {
    if (ds.isAgentIndex(i)) continue;
    const userId = ds.userId(i);
    const orgFields = h.sync.sim.groundTruth(userId).customFields.filter((f) => f.scope === 'organization');
    if (orgFields.length === 0) continue;
    checked++;
    const otherPlaces = async (kind: 'access' | 'portability') => {
      const record = await h.call('archives.export', { workspaceId, ref: `subj_${userId}`, kind, regulation: 'GDPR' });
      const files = await readZip(record.path);
      const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as {
        exclusions: Array<{ category: string; count: number }>;
      };
      const raw = files.get('data/other-places.json');
      const records = raw ? (JSON.parse(raw.toString('utf8')) as Array<{ id: string; yourRole: string; data: { value: unknown } }>) : [];
      return { records: records.filter((r) => r.id.startsWith('organization:')), manifest };
    };
    const access = await otherPlaces('access');
    expect(access.records.map((r) => r.id).sort()).toEqual(orgFields.map((f) => `organization:${f.ownerId}:${f.key}`).sort());
    for (const r of access.records) {
      const truth = orgFields.find((f) => r.id === `organization:${f.ownerId}:${f.key}`)!;
      expect(r.data.value).toEqual(truth.value);
      expect(r.yourRole).toBe('field_value');
    }
    const portability = await otherPlaces('portability');
    expect(portability.records).toEqual([]);
    const left = portability.manifest.exclusions.find((e) => e.category === 'other_places_not_provided_by_you')?.count ?? 0;
    expect(left).toBeGreaterThanOrEqual(orgFields.length);
  }
  expect(checked).toBeGreaterThan(0);
}, 120_000);
