import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { api, type Json } from './testing';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 5, noLimits: true });
});
afterAll(async () => {
  await sim.close();
});

/** An end user the simulator lets us delete (no open requested tickets). */
function deletableEndUser(): number {
  const ds = sim.state.ds;
  for (let i = 2; i < ds.userCount; i++) {
    const id = ds.userId(i);
    const v = sim.state.userView(id);
    if (v?.status === 'active' && v.rec.role === 'end-user' && sim.state.openRequestedTickets(id).length === 0) return id;
  }
  throw new Error('no deletable end user');
}

const summary = (rows: Json[]): string[] => rows.map((r: Json) => `${r.action}:${r.application}`);

describe('compliance_deletion_statuses', () => {
  it('is empty before a permanent deletion and 404 for a user the account never had', async () => {
    const admin = api(sim);
    const id = deletableEndUser();
    expect((await admin.get(`/api/v2/users/${id}/compliance_deletion_statuses.json`)).body).toMatchObject({
      compliance_deletion_statuses: [],
    });
    const missing = await admin.get('/api/v2/users/999999999/compliance_deletion_statuses.json');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('RecordNotFound');
  });

  it('reports each product starting and completing over time after a permanent deletion', async () => {
    const admin = api(sim);
    const id = deletableEndUser();
    expect((await admin.del(`/api/v2/users/${id}.json`)).status).toBe(200);
    expect((await admin.del(`/api/v2/deleted_users/${id}.json`)).status).toBe(200);
    const read = async (query = '') =>
      (await admin.get(`/api/v2/users/${id}/compliance_deletion_statuses.json${query}`)).body.compliance_deletion_statuses as Json[];

    const first = await read();
    expect(summary(first).slice(0, 2)).toEqual(['request_deletion:all', 'started:support']);
    expect(first[0]).toMatchObject({ user_id: id, account_subdomain: 'lethe-sim', executer_id: sim.state.ds.userId(0) });
    expect(first[1].executer_id).toBeNull();
    expect(summary(first)).not.toContain('complete:support');

    sim.advanceClock(5 * 60);
    const later = summary(await read());
    expect(later).toContain('complete:support');
    expect(later).toContain('started:chat');
    expect(later).not.toContain('complete:chat');

    sim.advanceClock(5 * 3600);
    const hours = summary(await read());
    for (const app of ['support', 'guide', 'talk', 'chat']) expect(hours).toContain(`complete:${app}`);
    expect(hours).not.toContain('complete:explore');

    // `application` narrows to one area (the request for `all` stays: it applies to every one).
    expect(summary(await read('?application=chat'))).toEqual(['request_deletion:all', 'started:chat', 'complete:chat']);
    // Cursor pagination, as the spec says.
    const page = (await admin.get(`/api/v2/users/${id}/compliance_deletion_statuses.json?page[size]=2`)).body;
    expect(page.compliance_deletion_statuses).toHaveLength(2);
    expect(page.meta.has_more).toBe(true);
    const next = (await admin.get(page.links.next)).body;
    expect(next.compliance_deletion_statuses[0]).toEqual((await read())[2]);
  });
});
