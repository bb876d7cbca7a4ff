import { createClient } from 'node-zendesk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { api, type Json } from './testing';

/**
 * A third-party Zendesk client (node-zendesk, as teams use it in their own scripts) against the
 * practice helpdesk: it only works if the simulator has the paths, envelopes and pagination the
 * client expects from Zendesk.
 */
let sim: Simulator;
let client: ReturnType<typeof createClient>;

beforeAll(async () => {
  sim = await startSimulator({ size: 'small', seed: 5, noLimits: true, jobDelayMs: 20 });
  client = createClient({ username: sim.admin.email, token: sim.admin.token, endpointUri: `${sim.url}/api/v2` });
});
afterAll(async () => {
  await sim.close();
});

const activeUsers = (): number => [...sim.state.allUserIds()].filter((id) => sim.state.userView(id)?.status === 'active').length;

describe('node-zendesk against the practice helpdesk', () => {
  it('lists every user and every ticket, following links.next through the cursor pages', async () => {
    const users = (await client.users.list()) as Json[];
    expect(users).toHaveLength(activeUsers());
    expect(new Set(users.map((u: Json) => u.id)).size).toBe(users.length);
    // Null-valued fields come back as null, as Zendesk sends them, not missing.
    const user = users.find((u: Json) => u.role === 'end-user' && u.alias === null);
    expect(user).toBeDefined();
    expect(Object.keys(user)).toEqual(expect.arrayContaining(['alias', 'details', 'notes', 'external_id', 'photo']));

    const tickets = (await client.tickets.list()) as Json[];
    expect(tickets).toHaveLength(sim.dataset.ticketCount);
    expect(tickets[0]).toHaveProperty('due_at', null);
    expect(tickets.every((t: Json) => t.status !== 'deleted')).toBe(true);
  });

  it('shows a user with identities, a ticket with its comments, groups and fields', async () => {
    const tickets = (await client.tickets.list()) as Json[];
    const ticket = tickets.find((t: Json) => t.assignee_id !== null && t.group_id !== null)!;
    const shown = await client.tickets.show(ticket.id);
    expect(shown.result).toMatchObject({ id: ticket.id, subject: ticket.subject });
    const comments = (await client.tickets.getComments(ticket.id)) as Json[];
    // A Talk voice comment (talk.ts) is listed after the written ones.
    expect(comments.filter((c: Json) => c.type !== 'VoiceComment').length).toBe(sim.state.ticketComments(ticket.id).length);
    expect(comments[0]).toHaveProperty('body');

    const requester = await client.users.show(ticket.requester_id);
    expect(requester.result).toMatchObject({ id: ticket.requester_id });
    const identities = (await client.useridentities.list(ticket.requester_id)) as Json[];
    expect(identities.map((i: Json) => i.value)).toEqual(sim.state.userView(ticket.requester_id)!.rec.identities.map((i) => i.value));

    const groups = (await client.groups.list()) as Json[];
    expect(groups.map((g: Json) => g.id)).toContain(ticket.group_id);
    const fields = (await client.ticketfields.list()) as Json[];
    expect(fields.map((f: Json) => f.id).sort()).toEqual(ticket.custom_fields.map((f: Json) => f.id).sort());
    const userFields = (await client.userfields.list()) as Json[];
    expect(userFields.map((f: Json) => f.key)).toEqual(['loyalty_tier', 'birthday', 'delivery_address', 'emergency_contact']);
  });

  it('bulk-deletes tickets and watches the job until it completes', async () => {
    const tickets = (await client.tickets.list()) as Json[];
    const ids = tickets.slice(-3).map((t: Json) => t.id as number);
    // Typed `void` by node-zendesk, but it returns the response like every other call.
    const started = (await client.tickets.deleteMany(ids)) as unknown as { result: Json };
    const job = started.result.job_status ?? started.result;
    expect(job.status).toBe('queued');
    const done = (await client.jobstatuses.watch(job.id, 20, 5)) as Json;
    expect(done.status).toBe('completed');
    const after = (await client.tickets.list()) as Json[];
    expect(after).toHaveLength(tickets.length - 3);
    expect(after.some((t: Json) => ids.includes(t.id))).toBe(false);
  });
});

describe('list endpoints: both pagination styles and side-loads', () => {
  it('offset pages carry next_page and count; cursor pages carry meta.has_more and links.next', async () => {
    const admin = api(sim, 'admin');
    const offset = await admin.get('/api/v2/users.json?page=2&per_page=50');
    expect(offset.status).toBe(200);
    expect(offset.body.users).toHaveLength(50);
    expect(offset.body.count).toBe(activeUsers());
    expect(offset.body.next_page).toContain('page=3');
    expect(offset.body.previous_page).toContain('page=1');

    const cursor = await admin.get('/api/v2/tickets.json?page[size]=25&include=users,groups,organizations');
    expect(cursor.body.tickets).toHaveLength(25);
    expect(cursor.body.meta.has_more).toBe(true);
    const next = await admin.get(cursor.body.links.next as string);
    expect(next.body.tickets[0].id).toBeGreaterThan(cursor.body.tickets[24].id);
    const requesters = new Set(cursor.body.tickets.map((t: Json) => t.requester_id));
    expect(cursor.body.users.map((u: Json) => u.id)).toEqual(expect.arrayContaining([...requesters]));
    expect(cursor.body.groups.length).toBeGreaterThan(0);

    const endUsers = await admin.get('/api/v2/users?role=end-user&include=identities&per_page=10');
    expect(endUsers.body.users.every((u: Json) => u.role === 'end-user')).toBe(true);
    expect(endUsers.body.identities.length).toBeGreaterThanOrEqual(10);

    expect((await admin.get('/api/v2/ticket_fields/360001')).body.ticket_field).toMatchObject({ id: 360_001, regexp_for_validation: null });
    expect((await admin.get('/api/v2/groups/1')).status).toBe(404);
  });
});
