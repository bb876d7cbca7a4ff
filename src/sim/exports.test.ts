import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { api, waitJob } from './testing';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 11, noLimits: true, jobDelayMs: 20 });
});
afterAll(async () => {
  await sim.close();
});

async function drainCursor(
  path: string,
  key: string,
  first: string,
): Promise<{ items: { id: number; [k: string]: unknown }[]; pages: number; last: { after_cursor: string } }> {
  const admin = api(sim);
  const items = [];
  let url = first;
  let pages = 0;
  for (;;) {
    const r = await admin.get(url);
    expect(r.status).toBe(200);
    pages++;
    items.push(...r.body[key]);
    if (r.body.end_of_stream) return { items, pages, last: r.body };
    expect(r.body.after_url).toContain('cursor=');
    url = `${path}?cursor=${r.body.after_cursor}&per_page=7`;
    if (pages > 1000) throw new Error('export never ended');
  }
}

describe('incremental exports', () => {
  it('streams every ticket exactly once through the cursor export, in generated_timestamp order', async () => {
    const { items, pages } = await drainCursor(
      '/api/v2/incremental/tickets/cursor.json',
      'tickets',
      '/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=7',
    );
    expect(pages).toBeGreaterThan(1);
    expect(items.map((t) => t.id).sort((a, b) => a - b)).toEqual(Array.from({ length: sim.state.ds.ticketCount }, (_, i) => i + 1));
    const stamps = items.map((t) => t.generated_timestamp as number);
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
  });

  it('streams users through the cursor export and honours start_time', async () => {
    const all = await drainCursor(
      '/api/v2/incremental/users/cursor.json',
      'users',
      '/api/v2/incremental/users/cursor.json?start_time=0&per_page=7',
    );
    expect(all.items).toHaveLength(sim.state.ds.userCount);
    const stamps = all.items.map((u) => Date.parse(u.updated_at as string) / 1000).sort((a, b) => a - b);
    const mid = stamps[Math.floor(stamps.length / 2)] ?? 0;
    const later = await drainCursor(
      '/api/v2/incremental/users/cursor.json',
      'users',
      `/api/v2/incremental/users/cursor.json?start_time=${mid}&per_page=7`,
    );
    expect(later.items.length).toBe(stamps.filter((s) => s >= mid).length);
  });

  it("side-loads every identity of the page's users with include=identities", async () => {
    const r = await api(sim).get('/api/v2/incremental/users/cursor.json?start_time=0&per_page=10&include=identities');
    expect(r.status).toBe(200);
    const userIds = new Set((r.body.users as Array<{ id: number }>).map((u) => u.id));
    const identities = r.body.identities as Array<{ user_id: number; type: string; value: string }>;
    expect(identities.length).toBeGreaterThan(userIds.size);
    expect(identities.every((i) => userIds.has(i.user_id))).toBe(true);
    for (const id of userIds) {
      const own = await api(sim).get(`/api/v2/users/${id}/identities.json`);
      const expected = (own.body.identities as Array<{ value: string }>).map((i) => i.value).sort();
      expect(
        identities
          .filter((i) => i.user_id === id)
          .map((i) => i.value)
          .sort(),
      ).toEqual(expected);
    }
    const plain = await api(sim).get('/api/v2/incremental/users/cursor.json?start_time=0&per_page=10');
    expect(plain.body.identities).toBeUndefined();
  });

  it('refuses a start_time inside the last minute and a missing one', async () => {
    const admin = api(sim);
    const recent = Math.floor(Date.now() / 1000) - 10;
    const r = await admin.get(`/api/v2/incremental/tickets/cursor.json?start_time=${recent}`);
    expect(r.status).toBe(422);
    expect(r.body.description).toMatch(/start_time/);
    expect((await admin.get('/api/v2/incremental/tickets/cursor.json')).status).toBe(400);
    expect((await admin.get(`/api/v2/incremental/organizations.json?start_time=${recent}`)).status).toBe(422);
  });

  it('exports organizations time-based with end_time, next_page and end_of_stream', async () => {
    const admin = api(sim);
    const seen: number[] = [];
    let url = '/api/v2/incremental/organizations.json?start_time=0&per_page=1';
    for (let k = 0; k < 50; k++) {
      const r = await admin.get(url);
      expect(r.status).toBe(200);
      seen.push(...r.body.organizations.map((o: { id: number }) => o.id));
      expect(typeof r.body.end_time).toBe('number');
      if (r.body.end_of_stream) break;
      url = r.body.next_page;
    }
    expect(seen.sort()).toEqual(Array.from({ length: sim.state.ds.orgCount }, (_, i) => sim.state.ds.orgId(i)).sort());
  });

  it('exports ticket events with comment bodies and attachments when include=comment_events', async () => {
    const admin = api(sim);
    const comments: { id: number; body?: string; attachments?: unknown[]; comment_present?: boolean }[] = [];
    let url = '/api/v2/incremental/ticket_events.json?start_time=0&include=comment_events&per_page=10';
    for (let k = 0; k < 200; k++) {
      const r = await admin.get(url);
      for (const e of r.body.ticket_events) {
        expect(e.event_type).toBe('Audit');
        for (const c of e.child_events) if (c.event_type === 'Comment') comments.push(c);
      }
      if (r.body.end_of_stream) break;
      url = `${r.body.next_page}`;
    }
    let expected = 0;
    for (let i = 0; i < sim.state.ds.ticketCount; i++) expected += sim.state.ds.ticketSkeleton(i).comments.length;
    expect(new Set(comments.map((c) => c.id)).size).toBe(expected);
    expect(comments.length).toBe(expected);
    expect(comments.every((c) => typeof c.body === 'string' && Array.isArray(c.attachments))).toBe(true);
    const bare = await admin.get('/api/v2/incremental/ticket_events.json?start_time=0&per_page=5');
    const child = bare.body.ticket_events[0].child_events.find((c: { event_type: string }) => c.event_type === 'Comment');
    expect(child).toMatchObject({ comment_present: true });
    expect(child.body).toBeUndefined();
  });

  it('holds back changes of the last minute, then shows deletions (status deleted, active false, scrubbed)', async () => {
    const admin = api(sim);
    const ds = sim.state.ds;
    // A closed ticket to delete, and a user with no open requested tickets to delete.
    let closedTicket = -1;
    for (let i = 0; i < ds.ticketCount; i++)
      if (ds.ticketSkeleton(i).status === 'closed') {
        closedTicket = i + 1;
        break;
      }
    let userId = -1;
    for (let i = ds.spec.agents; i < ds.userCount && userId < 0; i++) {
      const id = ds.userId(i);
      if (sim.state.openRequestedTickets(id).length === 0) userId = id;
    }
    let purgeId = -1;
    for (let i = ds.userCount - 1; i >= ds.spec.agents && purgeId < 0; i--) {
      const id = ds.userId(i);
      if (id !== userId && sim.state.openRequestedTickets(id).length === 0) purgeId = id;
    }
    expect((await admin.del(`/api/v2/tickets/${closedTicket}.json`)).status).toBe(204);
    expect((await admin.del(`/api/v2/users/${userId}.json`)).status).toBe(200);
    expect((await admin.del(`/api/v2/users/${purgeId}.json`)).status).toBe(200);
    expect((await admin.del(`/api/v2/deleted_users/${purgeId}.json`)).status).toBe(200);

    const start = '/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1000';
    const before = await admin.get(start);
    expect(before.body.end_of_stream).toBe(true);
    expect(before.body.tickets.find((t: { id: number }) => t.id === closedTicket)).toBeUndefined();
    const users0 = await admin.get('/api/v2/incremental/users/cursor.json?start_time=0');
    expect(users0.body.users.find((u: { id: number }) => u.id === userId)).toBeUndefined();

    sim.advanceClock(61);
    const after = await admin.get(`/api/v2/incremental/tickets/cursor.json?cursor=${before.body.after_cursor}`);
    expect(after.body.tickets.map((t: { id: number; status: string }) => [t.id, t.status])).toEqual([[closedTicket, 'deleted']]);
    expect(after.body.end_of_stream).toBe(true);
    const excluded = await admin.get('/api/v2/incremental/tickets/cursor.json?start_time=0&exclude_deleted=true');
    expect(excluded.body.tickets.find((t: { id: number }) => t.id === closedTicket)).toBeUndefined();

    const users1 = await admin.get(`/api/v2/incremental/users/cursor.json?cursor=${users0.body.after_cursor}`);
    const byId = new Map(users1.body.users.map((u: { id: number }) => [u.id, u]));
    expect(byId.get(userId)).toMatchObject({ active: false });
    expect(byId.get(purgeId)).toMatchObject({ active: false, name: 'Permanently Deleted User', email: null, phone: null });
  });

  it('streams ticket updates and new comments as ticket events once they are a minute old', async () => {
    const admin = api(sim);
    const ds = sim.state.ds;
    let tid = 1;
    while (sim.state.ticketPeople(tid - 1).state !== 'live' || sim.state.ticketPeople(tid - 1).status === 'closed') tid++;
    const r = await admin.put(`/api/v2/tickets/${tid}.json`, {
      ticket: { status: 'pending', comment: { body: 'Follow-up from the simulator test', public: false } },
    });
    expect(r.status).toBe(200);
    const start = Math.floor(ds.epochMs / 1000) + 1;
    const early = await admin.get(`/api/v2/incremental/ticket_events.json?start_time=${start}&include=comment_events`);
    expect(early.body.ticket_events.filter((e: { ticket_id: number }) => e.ticket_id === tid)).toEqual([]);
    sim.advanceClock(61);
    const later = await admin.get(`/api/v2/incremental/ticket_events.json?start_time=${start}&include=comment_events`);
    const mine = later.body.ticket_events.filter((e: { ticket_id: number }) => e.ticket_id === tid);
    expect(mine).toHaveLength(1);
    const children = mine[0].child_events;
    expect(children).toContainEqual(expect.objectContaining({ event_type: 'Change', field_name: 'status', value: 'pending' }));
    expect(children).toContainEqual(
      expect.objectContaining({ event_type: 'Comment', body: 'Follow-up from the simulator test', public: false }),
    );
    expect(later.body.end_of_stream).toBe(true);
    const next = await admin.get(later.body.next_page);
    expect(next.body.ticket_events.filter((e: { ticket_id: number }) => e.ticket_id === tid)).toEqual([]);
  });

  it('runs destroy_many as a job and the export then reports every deleted ticket', async () => {
    const admin = api(sim);
    const r = await admin.del('/api/v2/tickets/destroy_many.json?ids=3,4');
    const { job } = await waitJob(admin, r.body.job_status.id);
    expect(job.results.every((x: { success: boolean }) => x.success)).toBe(true);
    sim.advanceClock(61);
    const all = await admin.get('/api/v2/incremental/tickets/cursor.json?start_time=0');
    const statuses = new Map(all.body.tickets.map((t: { id: number; status: string }) => [t.id, t.status]));
    expect(statuses.get(3)).toBe('deleted');
    expect(statuses.get(4)).toBe('deleted');
  });
});
