import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receipt } from '../../src/shared/contract/groups/erasure';
import { readZip } from '../../src/main/core/archive/testing/zip-files';
import { createErasureHarness, type ErasureHarness } from '../../src/main/core/erasure/testing/harness';
import { verifySurfaces } from '../../src/main/core/erasure/surfaces-run';
import { RateLimitScheduler, ZendeskClient } from '../../src/main/core/helpdesk';
import { openJournal } from '../../src/main/core/journal';
import { groundTruth } from '../../src/sim/truth';
import { customObjectRecordsOf, setCustomObjectsEnabled, troubleCustomObjects } from '../../src/sim';
import { createSubjectsHarness, type SubjectsHarness } from '../support/subjects-harness';
import { simApi } from '../support/sim-api';

/**
 * Custom object records whose lookup fields point at the person, or whose text holds their
 * address (#12 surface 8), over real HTTP to the simulator and a real encrypted cache: the dossier
 * lists exactly the ground truth's records; an account without custom objects and a storm of
 * 500s are "not searched" with the reason, never empty; the archives carry them; an erasure
 * leaves nothing of the person in the records through the API except what the plan kept.
 */
let h: SubjectsHarness;
let workspaceId: string;
beforeAll(async () => {
  h = await createSubjectsHarness();
  workspaceId = h.sync.workspaceId;
}, 120_000);
afterAll(async () => h?.dispose());

const state = () => h.sync.sim.state;
const ds = () => h.sync.sim.dataset;

const SHEET = {
  purposes: 'Answering support requests and warranty claims.',
  categories: 'Contact details, tickets, comments, registered devices, warranty claims.',
  recipients: 'Our helpdesk provider (processor).',
  retention: 'Three years after the last ticket; warranty claims for the statutory period.',
  rights: 'Rectification, erasure, restriction, objection, portability.',
  complaint: 'You may complain to your supervisory authority.',
  source: 'You, and our agents.',
  automatedDecisions: 'None.',
};

/** An end user some record points at through a lookup. */
function linkedEndUser(): number {
  for (let i = 2; i < ds().userCount; i++)
    if (!ds().isAgentIndex(i) && customObjectRecordsOf(state(), [ds().userId(i)], []).length > 0) return ds().userId(i);
  throw new Error('nobody is looked up by a custom object record');
}

describe('custom object records in the dossier', () => {
  it('lists exactly the ground truth’s records for every tiny-dataset subject, with roles and why', async () => {
    let withItems = 0;
    let linked = 0;
    let byAddressOnly = 0;
    for (let i = 0; i < ds().userCount; i++) {
      const ref = `subj_${ds().userId(i)}`;
      const looked = await h.call('subjects.look', { workspaceId, ref, surfaces: ['custom_objects'] });
      const d = await h.call('subjects.show', { workspaceId, ref });
      const accounts = d.accounts.map((a) => a.userId);
      const emails = accounts.flatMap((id) => groundTruth(state(), id).emails);
      const expected = customObjectRecordsOf(state(), accounts, emails);
      const items = d.surfaces.find((s) => s.surface === 'custom_objects')?.items ?? [];
      expect(items.map((x) => x.id).sort(), `records of ${ref}`).toEqual(expected.map((t) => `${t.objectKey}:${t.id}`).sort());
      expect(looked.coverage.find((c) => c.surface === 'custom_objects')).toMatchObject({
        searched: true,
        reason: null,
        read: 'on_demand',
        items: expected.length,
      });
      for (const item of items) {
        const truth = expected.find((t) => `${t.objectKey}:${t.id}` === item.id)!;
        expect(item.roles.includes('linked')).toBe(truth.lookups.length > 0);
        expect(item.roles.includes('mentioned')).toBe(truth.texts.length > 0);
        expect(item.why).toMatch(truth.lookups.length > 0 ? /lookup to users/ : /never on a name alone/);
        if (truth.lookups.length === 0) byAddressOnly++;
        else linked++;
      }
      if (expected.length > 0) withItems++;
    }
    // The dataset must exercise the surface both ways, or the comparison above proves nothing.
    expect(withItems).toBeGreaterThan(3);
    expect(linked).toBeGreaterThan(0);
    expect(byAddressOnly).toBeGreaterThan(0);
  }, 300_000);

  it('the access archive carries the records; portability leaves them out (the person did not write them)', async () => {
    const userId = linkedEndUser();
    const ref = `subj_${userId}`;
    expect((await h.sync.ctx.call('settings.set', { informationSheet: SHEET })).ok).toBe(true);
    await h.call('subjects.look', { workspaceId, ref, surfaces: ['custom_objects'] });
    const places = async (kind: 'access' | 'portability'): Promise<Array<{ place: string; id: string }>> => {
      const record = await h.call('archives.export', { workspaceId, ref, kind, regulation: 'GDPR' });
      const json = (await readZip(record.path)).get('data/other-places.json');
      return json ? (JSON.parse(json.toString('utf8')) as Array<{ place: string; id: string }>) : [];
    };
    const expected = customObjectRecordsOf(state(), [userId], groundTruth(state(), userId).emails).map((t) => `${t.objectKey}:${t.id}`);
    const access = (await places('access')).filter((p) => p.place === 'Custom object records');
    expect(access.map((p) => p.id).sort()).toEqual(expected.sort());
    expect((await places('portability')).filter((p) => p.place === 'Custom object records')).toEqual([]);
  }, 60_000);

  it('an account without custom objects is "not searched: not_enabled" with the reason; the other surfaces are still searched', async () => {
    const userId = linkedEndUser();
    const ref = `subj_${userId}`;
    setCustomObjectsEnabled(state(), false);
    try {
      const looked = await h.call('subjects.look', { workspaceId, ref, surfaces: ['custom_objects', 'suspended_tickets'] });
      expect(looked.coverage.find((c) => c.surface === 'custom_objects')).toMatchObject({
        searched: false,
        reason: 'not_enabled',
        items: null,
      });
      expect(looked.coverage.find((c) => c.surface === 'custom_objects')?.detail).toMatch(/not enabled/);
      expect(looked.coverage.find((c) => c.surface === 'suspended_tickets')).toMatchObject({ searched: true, reason: null });
      const d = await h.call('subjects.show', { workspaceId, ref });
      expect(d.surfaces.find((s) => s.surface === 'custom_objects')).toBeUndefined();
      expect(d.tickets.length).toBeGreaterThan(0);
    } finally {
      setCustomObjectsEnabled(state(), true);
    }
  }, 60_000);

  it('a search answering 500 after every retry is "not searched: error", never an empty answer', async () => {
    const ref = `subj_${linkedEndUser()}`;
    await h.call('subjects.look', { workspaceId, ref, surfaces: ['custom_objects'] });
    troubleCustomObjects(state(), 500, 50);
    const looked = await h.call('subjects.look', { workspaceId, ref, surfaces: ['custom_objects'] });
    troubleCustomObjects(state(), 500, 0);
    const row = looked.coverage.find((c) => c.surface === 'custom_objects')!;
    expect(row).toMatchObject({ searched: false, reason: 'error', items: null });
    expect(row.detail).toMatch(/after retries/);
    const d = await h.call('subjects.show', { workspaceId, ref });
    expect(d.surfaces.find((s) => s.surface === 'custom_objects')).toBeUndefined();
  }, 120_000);

  it('429s that clear are retried, and the surface is searched with every record', async () => {
    const userId = linkedEndUser();
    troubleCustomObjects(state(), 429, 2);
    const looked = await h.call('subjects.look', { workspaceId, ref: `subj_${userId}`, surfaces: ['custom_objects'] });
    expect(looked.coverage.find((c) => c.surface === 'custom_objects')).toMatchObject({
      searched: true,
      items: customObjectRecordsOf(state(), [userId], groundTruth(state(), userId).emails).length,
    });
  }, 60_000);

  it('a 404 from the records search of an object that still exists is "not searched: error", never nothing found', async () => {
    const ref = `subj_${linkedEndUser()}`;
    troubleCustomObjects(state(), 404, 1);
    try {
      const looked = await h.call('subjects.look', { workspaceId, ref, surfaces: ['custom_objects'] });
      const row = looked.coverage.find((c) => c.surface === 'custom_objects')!;
      expect(row).toMatchObject({ searched: false, reason: 'error', items: null });
      expect(row.detail).toMatch(/404 though the object exists/);
    } finally {
      troubleCustomObjects(state(), 404, 0);
    }
  }, 60_000);

  it('matches whole addresses (not one inside another person’s) and the record’s name', async () => {
    const userId = linkedEndUser();
    const email = groundTruth(state(), userId).emails[0]!;
    const ref = `subj_${userId}`;
    const listed = await simApi<{
      custom_object_records: Array<{ id: string; name: string; custom_object_fields: Record<string, unknown> }>;
    }>(h.sync.sim, 'GET', '/api/v2/custom_objects/device/records?page[size]=100');
    const free = listed.body.custom_object_records.filter(
      (r) => r.custom_object_fields.owner === null && r.custom_object_fields.contact_email === null,
    );
    expect(free.length).toBeGreaterThan(1);
    const [named, other] = free as [(typeof free)[0], (typeof free)[0]];
    const patch = (id: string, record: Record<string, unknown>) =>
      simApi(h.sync.sim, 'PATCH', `/api/v2/custom_objects/device/records/${id}`, { custom_object_record: record });
    expect((await patch(named.id, { name: `Device of ${email.toUpperCase()}`, custom_object_fields: {} })).status).toBe(200);
    // Another person's address that starts with the person's: Zendesk's word search returns it.
    expect((await patch(other.id, { custom_object_fields: { contact_email: `${email}.au` } })).status).toBe(200);
    try {
      await h.call('subjects.look', { workspaceId, ref, surfaces: ['custom_objects'] });
      const d = await h.call('subjects.show', { workspaceId, ref });
      const items = d.surfaces.find((s) => s.surface === 'custom_objects')?.items ?? [];
      const ids = items.map((x) => x.id);
      expect(ids).toContain(`device:${named.id}`);
      expect(ids).not.toContain(`device:${other.id}`);
      expect(items.find((x) => x.id === `device:${named.id}`)?.why).toMatch(/its name field holds/);
      const truth = customObjectRecordsOf(state(), [userId], [email]).map((t) => `${t.objectKey}:${t.id}`);
      expect(ids.sort()).toEqual(truth.sort());
    } finally {
      await patch(named.id, { name: named.name, custom_object_fields: {} });
      await patch(other.id, { custom_object_fields: { contact_email: null } });
    }
  }, 60_000);

  it('refuses a misspelt surface with a stable code, and the last look stays as it was', async () => {
    const ref = `subj_${linkedEndUser()}`;
    await h.call('subjects.look', { workspaceId, ref, surfaces: ['custom_objects'] });
    const before = await h.call('subjects.show', { workspaceId, ref });
    const refused = await h.callResult('subjects.look', { workspaceId, ref, surfaces: ['custom_object'] });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('invalid_input');
    const after = await h.call('subjects.show', { workspaceId, ref });
    expect(after.coverage.find((c) => c.surface === 'custom_objects')).toEqual(before.coverage.find((c) => c.surface === 'custom_objects'));
  }, 60_000);
});

describe('erasing a person held in custom object records', () => {
  let e: ErasureHarness;
  beforeAll(async () => {
    e = await createErasureHarness();
  }, 120_000);
  afterAll(async () => e?.dispose());

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const { sim } = e.sync;
    const auth = Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64');
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** Through the API: the records of each object whose lookups point at the user or whose text holds the address. */
  async function recordsHolding(userId: number, email: string): Promise<string[]> {
    const out = new Set<string>();
    const objects = (await call('GET', '/api/v2/custom_objects')).body.custom_objects as Array<{ key: string }>;
    for (const { key } of objects) {
      const fields = (await call('GET', `/api/v2/custom_objects/${key}/fields`)).body.custom_object_fields as Array<
        Record<string, unknown>
      >;
      const lookups = fields.filter((f) => f.relationship_target_type === 'zen:user').map((f) => f.key as string);
      const filter = { $or: lookups.map((k) => ({ [`custom_object_fields.${k}`]: { $eq: String(userId) } })) };
      const byLookup = await call('POST', `/api/v2/custom_objects/${key}/records/search?page[size]=100`, { filter });
      for (const r of byLookup.body.custom_object_records as Array<{ id: string }>) out.add(`${key}:${r.id}`);
      const byText = await call('GET', `/api/v2/custom_objects/${key}/records/search?page[size]=100&query=${encodeURIComponent(email)}`);
      for (const r of byText.body.custom_object_records as Array<{ id: string; custom_object_fields: Record<string, unknown> }>)
        if (JSON.stringify(r.custom_object_fields).toLowerCase().includes(email.toLowerCase())) out.add(`${key}:${r.id}`);
    }
    return [...out].sort();
  }

  /** The end user whose records need each decision: a device to clear, a claim to delete. */
  function subject(): { userId: number; email: string } {
    const ds = e.sync.sim.dataset;
    for (let i = 2; i < ds.userCount; i++) {
      const email = ds.primaryEmail(i);
      if (!email || ds.isAgentIndex(i)) continue;
      const t = customObjectRecordsOf(e.sync.sim.state, [ds.userId(i)], [email]);
      if (t.some((x) => x.objectKey === 'device') && t.some((x) => x.lookups.includes('claimant'))) return { userId: ds.userId(i), email };
    }
    throw new Error('nobody owns a device and made a claim');
  }

  it('leaves no record holding the person through the API except what the plan kept, and the receipt counts them', async () => {
    const { userId, email } = subject();
    const before = customObjectRecordsOf(e.sync.sim.state, [userId], [email]);
    const { plan, status } = await e.planAndRun(email);
    const items = plan.surfaceItems.filter((i) => i.surface === 'custom_objects');
    expect(items.map((i) => i.id).sort()).toEqual(before.map((t) => `${t.objectKey}:${t.id}`).sort());
    expect(plan.coverage.find((c) => c.surface === 'custom_objects')).toMatchObject({ searched: true, items: before.length });
    for (const i of items) {
      expect(i.reason.length).toBeGreaterThan(20);
      if (i.id.startsWith('device:')) expect(i).toMatchObject({ decision: 'redact', reasonCode: 'custom_object_cleared' });
      if (i.decision === 'keep') expect(i.legalBasis).not.toBeNull();
    }
    expect(items.some((i) => i.decision === 'redact')).toBe(true);
    // A claim is deleted, or blocked when it also names its handling agent (not the person's alone).
    expect(items.some((i) => i.decision === 'delete' || i.decision === 'blocked')).toBe(true);
    for (const i of items.filter((x) => x.decision === 'blocked')) expect(i).toMatchObject({ reasonCode: 'custom_object_shared' });

    const kept = items.filter((i) => i.decision === 'keep' || i.decision === 'blocked').map((i) => i.id);
    expect(await recordsHolding(userId, email)).toEqual(kept.sort());
    // A cleared device is still in the register, without the person.
    for (const i of items.filter((x) => x.decision === 'redact')) {
      const [key, id] = i.id.split(':');
      const read = await call('GET', `/api/v2/custom_objects/${key}/records/${id}`);
      expect(read.status).toBe(200);
      expect(JSON.stringify(read.body).toLowerCase()).not.toContain(email.toLowerCase());
    }
    for (const i of items.filter((x) => x.decision === 'delete')) {
      const [key, id] = i.id.split(':');
      expect((await call('GET', `/api/v2/custom_objects/${key}/records/${id}`)).status).toBe(404);
    }

    const receipt = JSON.parse(await readFile(status.receipt!.json, 'utf8')) as Receipt;
    const byDecision: Record<string, number> = {};
    for (const i of items) byDecision[i.decision] = (byDecision[i.decision] ?? 0) + 1;
    expect(receipt.surfaces.find((s) => s.surface === 'custom_objects')).toMatchObject({
      searched: true,
      found: before.length,
      byDecision,
      leftAfterVerification: 0,
    });
    for (const i of items) expect(JSON.stringify(receipt)).not.toContain(i.id.split(':')[1]!);
    expect(status.verification?.ok).toBe(true);
  }, 180_000);

  it('keeps a claim that is part of a ticket on legal hold, with the ticket’s exemption', async () => {
    const ds = e.sync.sim.dataset;
    const requester = ds.ticketHead(2).requester;
    const email = ds.primaryEmail(requester);
    if (ds.isAgentIndex(requester) || !email) throw new Error('ticket index 2 has no end-user requester in this dataset');
    const claim = customObjectRecordsOf(e.sync.sim.state, [ds.userId(requester)], [email]).find((t) => t.objectKey === 'warranty_claim');
    expect(claim).toBeDefined();
    const { plan } = await e.planAndRun(email);
    const item = plan.surfaceItems.find((i) => i.id === `warranty_claim:${claim!.id}`);
    expect(item).toMatchObject({ decision: 'keep', reasonCode: 'ticket_kept', ticketId: ds.ticketId(2) });
    expect((await call('GET', `/api/v2/custom_objects/warranty_claim/records/${claim!.id}`)).status).toBe(200);
  }, 180_000);

  it('verification reads a record back: one still there is counted, one gone is not', async () => {
    const ds = e.sync.sim.dataset;
    const state = e.sync.sim.state;
    let target: { userId: number; objectKey: string; id: string } | undefined;
    for (let i = 2; i < ds.userCount && !target; i++) {
      const t = customObjectRecordsOf(state, [ds.userId(i)], []).find((x) => x.lookups.length > 0);
      if (t) target = { userId: ds.userId(i), objectKey: t.objectKey, id: t.id };
    }
    expect(target).toBeDefined();
    const client = new ZendeskClient(
      { baseUrl: e.sync.sim.url, email: e.sync.sim.admin.email, token: e.sync.sim.admin.token },
      { scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000 }) },
    );
    const journal = await openJournal(e.sync.ctx.core.services, e.workspaceId);
    const item = (decision: 'redact' | 'delete', id: string) => ({
      surface: 'custom_objects' as const,
      id,
      ticketId: null,
      roles: ['linked' as const],
      decision,
      reasonCode: 'custom_object_record',
      reason: 'test',
      legalBasis: null,
      fix: null,
    });
    const live = `${target!.objectKey}:${target!.id}`;
    expect(await verifySurfaces(client, journal, 'no-such-run', { surfaceItems: [item('delete', live)] })).toEqual({ custom_objects: 1 });
    const gone = `${target!.objectKey}:01J000000000000000000000000`;
    expect(await verifySurfaces(client, journal, 'no-such-run', { surfaceItems: [item('delete', gone)] })).toEqual({ custom_objects: 0 });
  }, 60_000);

  it('clears only the person: another address containing theirs, a text equal to their id and the name; a claim naming someone else is blocked', async () => {
    const ds = e.sync.sim.dataset;
    const sim = e.sync.sim;
    const onHold = ds.userId(ds.ticketHead(2).requester);
    type Rec = { id: string; name: string; custom_object_fields: Record<string, unknown> };
    const list = async (key: string) =>
      (await simApi<{ custom_object_records: Rec[] }>(sim, 'GET', `/api/v2/custom_objects/${key}/records?page[size]=100`)).body
        .custom_object_records;
    const devices = await list('device');
    let device: Rec | undefined;
    for (const r of devices) {
      const owner = r.custom_object_fields.owner;
      if (typeof owner !== 'string' || Number(owner) === onHold) continue;
      // Not someone an earlier test erased.
      if ((await simApi(sim, 'GET', `/api/v2/users/${owner}`)).status === 200) {
        device = r;
        break;
      }
    }
    if (!device) throw new Error('no device owned by a user still there');
    const userId = Number(device.custom_object_fields.owner);
    const email = groundTruth(sim.state, userId).emails[0]!;
    const claims = (await list('warranty_claim')).filter((r) => Number(r.custom_object_fields.claimant) !== onHold);
    const [claim, own] = claims.slice(-2) as [Rec, Rec];
    const agentId = ds.userId(0);
    const patch = async (key: string, id: string, record: Record<string, unknown>) =>
      expect((await simApi(sim, 'PATCH', `/api/v2/custom_objects/${key}/records/${id}`, { custom_object_record: record })).status).toBe(
        200,
      );
    await patch('device', device.id, {
      name: `Device of ${email}`,
      custom_object_fields: { contact_email: `jo${email}`, serial_number: String(userId) },
    });
    await patch('warranty_claim', claim.id, {
      custom_object_fields: { claimant: String(userId), handled_by: String(agentId), ticket: null, description: 'No address here.' },
    });
    await patch('warranty_claim', own.id, {
      custom_object_fields: { claimant: String(userId), handled_by: null, ticket: null, description: 'No address here.' },
    });

    const { plan, status } = await e.planAndRun(email);
    const items = plan.surfaceItems.filter((i) => i.surface === 'custom_objects');
    expect(items.find((i) => i.id === `device:${device.id}`)).toMatchObject({ decision: 'redact', reasonCode: 'custom_object_cleared' });

    const after = (await simApi<{ custom_object_record: Rec }>(sim, 'GET', `/api/v2/custom_objects/device/records/${device.id}`)).body
      .custom_object_record;
    expect(after.custom_object_fields).toMatchObject({ owner: null, contact_email: `jo${email}`, serial_number: String(userId) });
    expect(after.name).toBe('Device of [redacted]');

    const blocked = items.find((i) => i.id === `warranty_claim:${claim.id}`);
    expect(blocked).toMatchObject({ decision: 'blocked', reasonCode: 'custom_object_shared' });
    expect(blocked?.fix).toContain(`user ${agentId}`);
    expect(items.find((i) => i.id === `warranty_claim:${own.id}`)).toMatchObject({
      decision: 'delete',
      reasonCode: 'custom_object_record',
    });
    expect((await simApi(sim, 'GET', `/api/v2/custom_objects/warranty_claim/records/${own.id}`)).status).toBe(404);
    const kept = await simApi<{ custom_object_record: Rec }>(sim, 'GET', `/api/v2/custom_objects/warranty_claim/records/${claim.id}`);
    expect(kept.status).toBe(200);
    expect(kept.body.custom_object_record.custom_object_fields).toMatchObject({ claimant: String(userId), handled_by: String(agentId) });
    expect(status.verification?.ok).toBe(true);
  }, 180_000);
});
