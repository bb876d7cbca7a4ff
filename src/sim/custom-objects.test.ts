import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customObjectRecordsOf, setCustomObjectsEnabled, startSimulator, troubleCustomObjects, type Simulator } from './index';
import { api, type Json } from './testing';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 5, noLimits: true });
});
afterAll(async () => {
  await sim.close();
});

const ds = () => sim.state.ds;

/** An end user some record points at through a lookup field. */
function linkedUser(): { userId: number; email: string } {
  for (let i = 2; i < ds().userCount; i++) {
    const email = ds().primaryEmail(i);
    if (!email || ds().isAgentIndex(i)) continue;
    if (customObjectRecordsOf(sim.state, [ds().userId(i)], []).length > 0) return { userId: ds().userId(i), email };
  }
  throw new Error('no end user is looked up by a custom object record');
}

async function allPages(path: string, init?: { method: 'POST'; body: unknown }): Promise<Json[]> {
  const admin = api(sim);
  const out: Json[] = [];
  let next: string | null = path;
  while (next) {
    const res: { status: number; body: Json } = init ? await admin.post(next, init.body) : await admin.get(next);
    expect(res.status).toBe(200);
    out.push(...res.body.custom_object_records);
    expect(res.body.meta).toHaveProperty('has_more');
    next = res.body.meta.has_more ? res.body.links.next : null;
  }
  return out;
}

describe('custom objects', () => {
  it('lists the objects and their fields, lookups to users marked as such', async () => {
    const admin = api(sim);
    const objects = await admin.get('/api/v2/custom_objects');
    expect(objects.status).toBe(200);
    expect(objects.body.custom_objects.map((o: Json) => o.key)).toEqual(['device', 'warranty_claim']);
    const fields = await admin.get('/api/v2/custom_objects/warranty_claim/fields');
    const claimant = fields.body.custom_object_fields.find((f: Json) => f.key === 'claimant');
    expect(claimant).toMatchObject({ type: 'lookup', relationship_target_type: 'zen:user', required: true });
    const standard = await admin.get('/api/v2/custom_objects/device/fields?include_standard_fields=true');
    expect(standard.body.custom_object_fields[0].key).toBe('standard::name');
    expect((await admin.get('/api/v2/custom_objects/spaceship/fields')).status).toBe(404);
  });

  it('pages the records by cursor only, and every record is there once', async () => {
    const rows = await allPages('/api/v2/custom_objects/device/records?page[size]=3');
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThanOrEqual(10);
    // Without page[size] it is still cursor pagination (100 a page).
    const first = await api(sim).get('/api/v2/custom_objects/device/records');
    expect(first.body.meta).toMatchObject({ has_more: false });
    expect(first.body.custom_object_records).toHaveLength(rows.length);
  });

  it('filtered search by a lookup field finds exactly the records pointing at the user', async () => {
    const { userId } = linkedUser();
    const truth = customObjectRecordsOf(sim.state, [userId], []);
    const found: string[] = [];
    for (const key of ['device', 'warranty_claim']) {
      const lookups = key === 'device' ? ['owner'] : ['claimant', 'handled_by'];
      const body = { filter: { $or: lookups.map((f) => ({ [`custom_object_fields.${f}`]: { $eq: String(userId) } })) } };
      for (const r of await allPages(`/api/v2/custom_objects/${key}/records/search?page[size]=2&sort=created_at`, { method: 'POST', body }))
        found.push(r.id);
    }
    expect(found.sort()).toEqual(truth.map((t) => t.id).sort());
  });

  it('text search finds a record holding an address, typed in any case', async () => {
    const withText = (() => {
      for (let i = 2; i < ds().userCount; i++) {
        const email = ds().primaryEmail(i);
        if (!email) continue;
        const t = customObjectRecordsOf(sim.state, [], [email]);
        if (t.length > 0) return { email, t };
      }
      throw new Error('no record holds an address in a text field');
    })();
    const ids: string[] = [];
    for (const key of new Set(withText.t.map((x) => x.objectKey)))
      for (const r of await allPages(`/api/v2/custom_objects/${key}/records/search?query=${encodeURIComponent(withText.email)}`))
        ids.push(r.id);
    for (const t of withText.t) expect(ids).toContain(t.id);
  });

  it('refuses an unknown operator or field with 400, and changes nothing', async () => {
    const admin = api(sim);
    const bad = await admin.post('/api/v2/custom_objects/device/records/search', {
      filter: { 'custom_object_fields.owner': { $regex: '.*' } },
    });
    expect(bad.status).toBe(400);
    const unknown = await admin.post('/api/v2/custom_objects/device/records/search', {
      filter: { 'custom_object_fields.colour': { $eq: 'red' } },
    });
    expect(unknown.status).toBe(400);
  });

  it('clears an optional lookup with PATCH, refuses to clear a required one (422), deletes with 204', async () => {
    const admin = api(sim);
    const { userId } = linkedUser();
    const truth = customObjectRecordsOf(sim.state, [userId], []);
    const device = truth.find((t) => t.objectKey === 'device' && t.lookups.includes('owner'));
    const claim = truth.find((t) => t.objectKey === 'warranty_claim' && t.lookups.includes('claimant'));
    if (device) {
      const path = `/api/v2/custom_objects/device/records/${device.id}`;
      const cleared = await admin.patch(path, { custom_object_record: { custom_object_fields: { owner: null } } });
      expect(cleared.status).toBe(200);
      expect(cleared.body.custom_object_record.custom_object_fields.owner).toBeNull();
      expect((await admin.get(path)).body.custom_object_record.custom_object_fields.owner).toBeNull();
    }
    if (claim) {
      const path = `/api/v2/custom_objects/warranty_claim/records/${claim.id}`;
      const refused = await admin.patch(path, { custom_object_record: { custom_object_fields: { claimant: null } } });
      expect(refused.status).toBe(422);
      expect((await admin.get(path)).body.custom_object_record.custom_object_fields.claimant).toBe(String(userId));
      expect((await admin.del(path)).status).toBe(204);
      expect((await admin.get(path)).status).toBe(404);
      expect((await admin.del(path)).status).toBe(404);
    }
    expect(device ?? claim).toBeDefined();
    expect(customObjectRecordsOf(sim.state, [userId], []).filter((t) => t.id === device?.id || t.id === claim?.id)).toEqual([]);
  });

  it('answers scripted trouble, then recovers', async () => {
    troubleCustomObjects(sim.state, 503, 1);
    expect((await api(sim).get('/api/v2/custom_objects/device/records')).status).toBe(503);
    expect((await api(sim).get('/api/v2/custom_objects/device/records')).status).toBe(200);
  });

  it('an account without custom objects answers 404 everywhere, and has no ground truth', async () => {
    const { userId } = linkedUser();
    setCustomObjectsEnabled(sim.state, false);
    try {
      const res = await api(sim).get('/api/v2/custom_objects');
      expect(res.status).toBe(404);
      expect(res.body.error.title).toBe('Not Found');
      expect((await api(sim).get('/api/v2/custom_objects/device/records')).status).toBe(404);
      expect(customObjectRecordsOf(sim.state, [userId], [])).toEqual([]);
    } finally {
      setCustomObjectsEnabled(sim.state, true);
    }
  });
});
