import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { api, authHeader } from './testing';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 7, noLimits: true });
});
afterAll(async () => {
  await sim.close();
});

describe('authentication', () => {
  it('accepts Basic email/token:TOKEN and Bearer TOKEN, with and without .json', async () => {
    const basic = await api(sim, 'admin').get('/api/v2/users/me.json');
    expect(basic.status).toBe(200);
    expect(basic.body.user.email).toBe(sim.admin.email);
    expect(basic.body.user.role).toBe('admin');
    const bearer = await fetch(`${sim.url}/api/v2/users/me`, { headers: authHeader(sim, 'agent', 'bearer') });
    expect(bearer.status).toBe(200);
    expect(((await bearer.json()) as { user: { role: string } }).user.role).toBe('agent');
  });

  it("answers wrong or missing credentials with 401 and Zendesk's body", async () => {
    for (const who of [
      null,
      { basic: `${sim.admin.email}/token:nope` },
      { basic: `${sim.agent.email}/token:${sim.admin.token}` },
      { bearer: 'nope' },
      { basic: `${sim.admin.email}:${sim.admin.token}` },
    ] as const) {
      const r = await api(sim, who).get('/api/v2/users/me.json');
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: "Couldn't authenticate you" });
      expect(r.headers.get('x-rate-limit')).toBe('700');
    }
  });

  it('gives the agent 403 on admin-only endpoints but lets it read', async () => {
    const agent = api(sim, 'agent');
    const t = sim.state.ds.ticketId(3);
    expect((await agent.get(`/api/v2/tickets/${t}.json`)).status).toBe(200);
    const forbidden = [
      agent.get('/api/v2/incremental/tickets/cursor.json?start_time=0'),
      agent.get('/api/v2/incremental/users/cursor.json?start_time=0'),
      agent.get('/api/v2/incremental/organizations.json?start_time=0'),
      agent.get('/api/v2/incremental/ticket_events.json?start_time=0'),
      agent.del(`/api/v2/users/${sim.state.ds.userId(20)}.json`),
      agent.del(`/api/v2/users/destroy_many.json?ids=${sim.state.ds.userId(20)}`),
      agent.del(`/api/v2/tickets/${t}.json`),
      agent.del(`/api/v2/tickets/destroy_many.json?ids=${t}`),
      agent.get('/api/v2/deleted_users.json'),
      agent.get('/api/v2/deleted_tickets.json'),
      agent.del(`/api/v2/deleted_users/${sim.state.ds.userId(20)}.json`),
      agent.del(`/api/v2/deleted_tickets/destroy_many.json?ids=${t}`),
      agent.get('/__sim/state'),
    ];
    for (const r of await Promise.all(forbidden)) {
      expect(r.status).toBe(403);
      expect(r.body.error).toBe('Forbidden');
    }
    // Nothing changed.
    expect((await agent.get(`/api/v2/tickets/${t}.json`)).status).toBe(200);
  });

  it('returns the RecordNotFound shape for unknown ids and InvalidEndpoint for unknown paths', async () => {
    const admin = api(sim);
    expect(await admin.get('/api/v2/tickets/999999.json')).toMatchObject({
      status: 404,
      body: { error: 'RecordNotFound', description: 'Not found' },
    });
    expect((await admin.get('/api/v2/users/abc')).status).toBe(404);
    expect((await admin.get('/api/v2/nothing/here')).status).toBe(404);
  });
});

describe('reads', () => {
  it('shows users, identities, show_many, search by email, phone, name and external_id', async () => {
    const admin = api(sim);
    const ds = sim.state.ds;
    let subject = -1;
    for (let i = ds.spec.agents; i < ds.userCount; i++)
      if (ds.primaryEmail(i) && ds.phone(i) && !ds.twinOf(i)) {
        subject = i;
        break;
      }
    const id = ds.userId(subject);
    const email = ds.primaryEmail(subject) ?? '';
    const user = (await admin.get(`/api/v2/users/${id}`)).body.user;
    expect(user).toMatchObject({ id, email, role: 'end-user', active: true });
    expect(user.url).toBe(`${sim.url}/api/v2/users/${id}.json`);
    expect(user).not.toHaveProperty('identities');
    const ids = (await admin.get(`/api/v2/users/${id}/identities.json`)).body.identities;
    expect(ids.map((x: { value: string }) => x.value)).toEqual(expect.arrayContaining([email, ds.phone(subject)]));
    const many = (await admin.get(`/api/v2/users/show_many.json?ids=${id},${ds.userId(0)},12345`)).body.users;
    expect(many.map((u: { id: number }) => u.id).sort()).toEqual([ds.userId(0), id].sort());
    const byEmail = (await admin.get(`/api/v2/users/search.json?query=${encodeURIComponent(email.toUpperCase())}`)).body;
    expect(byEmail.users.map((u: { id: number }) => u.id)).toContain(id);
    const byPhone = (await admin.get(`/api/v2/users/search.json?query=${encodeURIComponent(ds.formatPhone(ds.phone(subject) ?? '', 2))}`))
      .body;
    expect(byPhone.users.map((u: { id: number }) => u.id)).toContain(id);
    const byName = (await admin.get(`/api/v2/users/search.json?query=${encodeURIComponent(user.name.trim())}`)).body;
    expect(byName.users.map((u: { id: number }) => u.id)).toContain(id);
  });

  it("lists requested and CC'd tickets of a user consistently with the tickets themselves", async () => {
    const admin = api(sim);
    const t = (await admin.get('/api/v2/tickets/1.json')).body.ticket;
    const requested = (await admin.get(`/api/v2/users/${t.requester_id}/tickets/requested.json`)).body.tickets;
    expect(requested.map((x: { id: number }) => x.id)).toContain(1);
    for (const x of requested) expect(x.requester_id).toBe(t.requester_id);
    const withCc = [];
    for (let i = 0; i < sim.state.ds.ticketCount; i++) if (sim.state.ds.ticketSkeleton(i).ccs.length) withCc.push(i);
    expect(withCc.length).toBeGreaterThan(0);
    const ti = withCc[0] ?? 0;
    const ccUser = sim.state.ds.userId(sim.state.ds.ticketSkeleton(ti).ccs[0] ?? 0);
    const ccd = (await admin.get(`/api/v2/users/${ccUser}/tickets/ccd.json`)).body.tickets;
    expect(ccd.map((x: { id: number }) => x.id)).toContain(ti + 1);
  });

  it('downloads attachments as real bytes (PNG, PDF, text with personal data)', async () => {
    const admin = api(sim);
    const seen = new Set<string>();
    for (let ti = 0; ti < sim.state.ds.ticketCount && seen.size < 3; ti++) {
      const comments = (await admin.get(`/api/v2/tickets/${ti + 1}/comments.json?include_inline_images=true`)).body.comments;
      for (const c of comments) {
        for (const a of c.attachments) {
          if (seen.has(a.content_type)) continue;
          const res = await fetch(a.content_url);
          expect(res.status).toBe(200);
          const bytes = Buffer.from(await res.arrayBuffer());
          expect(bytes.length).toBe(a.size);
          if (a.content_type === 'image/png') expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
          if (a.content_type === 'application/pdf') expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
          if (a.content_type === 'text/plain') expect(bytes.toString()).toMatch(/Name: .+\nEmail: /);
          seen.add(a.content_type);
        }
      }
    }
    expect([...seen].sort()).toEqual(['application/pdf', 'image/png', 'text/plain']);
  });

  it('side-loads identities and organizations on users, and users on tickets', async () => {
    const admin = api(sim);
    const t = (await admin.get('/api/v2/tickets/2.json?include=users')).body;
    const ids = new Set(t.users.map((u: { id: number }) => u.id));
    expect(ids.has(t.ticket.requester_id)).toBe(true);
    for (const cc of t.ticket.email_cc_ids) expect(ids.has(cc)).toBe(true);
    const u = (await admin.get(`/api/v2/users/${t.ticket.requester_id}.json?include=identities,organizations`)).body;
    expect(u.identities.every((i: { user_id: number }) => i.user_id === t.ticket.requester_id)).toBe(true);
    expect(Array.isArray(u.organizations)).toBe(true);
  });

  it('serves organizations and memberships', async () => {
    const admin = api(sim);
    const orgs = (await admin.get('/api/v2/organizations.json')).body;
    expect(orgs.organizations).toHaveLength(sim.state.ds.orgCount);
    const members = (await admin.get('/api/v2/organization_memberships.json?page[size]=100')).body.organization_memberships;
    expect(members.length).toBeGreaterThan(0);
    const m = members[0];
    const mine = (await admin.get(`/api/v2/users/${m.user_id}/organization_memberships.json`)).body.organization_memberships;
    expect(mine.map((x: { id: number }) => x.id)).toContain(m.id);
    expect((await admin.get(`/api/v2/organization_memberships/${m.id}.json`)).body.organization_membership.user_id).toBe(m.user_id);
    expect((await admin.del(`/api/v2/organization_memberships/${m.id}.json`)).status).toBe(204);
    expect((await admin.get(`/api/v2/organization_memberships/${m.id}.json`)).status).toBe(404);
    const user = (await admin.get(`/api/v2/users/${m.user_id}.json`)).body.user;
    expect(user.organization_id).not.toBe(m.organization_id);
  });

  it('exposes an admin-only state summary', async () => {
    const r = await api(sim).get('/__sim/state');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ seed: 7, size: 'tiny' });
    expect(r.body.requests.total).toBeGreaterThan(0);
  });
});
