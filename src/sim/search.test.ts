import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { callOf } from './talk';
import { api } from './testing';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ size: 'small', seed: 5, noLimits: true });
});
afterAll(async () => {
  await sim.close();
});

describe('search', () => {
  it('caps /search at 1,000 results with 422 past it, while count shows the true total', async () => {
    const admin = api(sim);
    const first = await admin.get('/api/v2/search.json?query=type:ticket&per_page=100');
    expect(first.status).toBe(200);
    expect(first.body.count).toBe(sim.state.ds.ticketCount);
    expect(first.body.results).toHaveLength(100);
    expect(first.body.results[0].result_type).toBe('ticket');
    let url: string | null = first.body.next_page;
    let pages = 1;
    while (url) {
      const r = await admin.get(url);
      expect(r.status).toBe(200);
      pages++;
      url = r.body.next_page;
    }
    expect(pages).toBe(10);
    const past = await admin.get('/api/v2/search.json?query=type:ticket&per_page=100&page=11');
    expect(past.status).toBe(422);
  });

  it('walks /search/export by cursor to the end, past the 1,000 cap', async () => {
    const admin = api(sim);
    expect((await admin.get('/api/v2/search/export.json?query=status:closed')).status).toBe(400);
    expect((await admin.get('/api/v2/search/export.json?query=type:ticket&filter[type]=ticket')).status).toBe(400);
    const ids: number[] = [];
    let url: string | null = '/api/v2/search/export.json?query=status<=closed&filter[type]=ticket&page[size]=1000';
    while (url) {
      const r: { body: { results: { id: number }[]; meta: { has_more: boolean }; links: { next: string | null } } } = await admin.get(url);
      ids.push(...r.body.results.map((x) => x.id));
      url = r.body.meta.has_more ? r.body.links.next : null;
    }
    expect(new Set(ids).size).toBe(sim.state.ds.ticketCount);
  });

  it("finds a subject's tickets by requester email and CC", async () => {
    const admin = api(sim);
    const ds = sim.state.ds;
    const sk = ds.ticketSkeleton(100);
    const email = ds.primaryEmail(sk.requester);
    if (!email) return expect(ds.phone(sk.requester)).not.toBeNull();
    const r = await admin.get(`/api/v2/search.json?query=${encodeURIComponent(`type:ticket requester:${email}`)}`);
    expect(r.body.results.map((t: { id: number }) => t.id)).toContain(101);
    for (const t of r.body.results) expect(t.requester_id).toBe(ds.userId(sk.requester));
    const users = await admin.get(`/api/v2/search.json?query=${encodeURIComponent(`type:user email:${email}`)}`);
    expect(users.body.results.map((u: { id: number }) => u.id)).toEqual([ds.userId(sk.requester)]);
  });

  it('paginates comments with CBP and OBP to the same list', async () => {
    const admin = api(sim);
    let ti = 0;
    while (sim.state.ds.ticketSkeleton(ti).comments.length < 4) ti++;
    const id = ti + 1;
    const cbp: number[] = [];
    let url: string | null = `/api/v2/tickets/${id}/comments.json?page[size]=2`;
    while (url) {
      const r: { body: { comments: { id: number }[]; meta: { has_more: boolean }; links: { next: string | null } } } = await admin.get(url);
      cbp.push(...r.body.comments.map((c) => c.id));
      url = r.body.meta.has_more ? r.body.links.next : null;
    }
    const obp: number[] = [];
    url = `/api/v2/tickets/${id}/comments.json?per_page=1`;
    while (url) {
      const r: { body: { comments: { id: number }[]; next_page: string | null; count: number } } = await admin.get(url);
      obp.push(...r.body.comments.map((c) => c.id));
      url = r.body.next_page;
    }
    expect(cbp).toEqual(obp);
    // Plus the ticket's Talk voice comment, when it has a call (talk.ts).
    expect(cbp).toHaveLength(sim.state.ds.ticketSkeleton(ti).comments.length + (callOf(sim.state.ds, ti) ? 1 : 0));
  });

  it('commenter: finds exactly the tickets with a comment by the user, also one added by an outsider', async () => {
    const admin = api(sim);
    const st = sim.state;
    const ds = st.ds;
    const scan = (userId: number) => {
      const out: number[] = [];
      for (let i = 0; i < ds.ticketCount; i++) {
        const id = ds.ticketId(i);
        if (st.ticketComments(id).some((c) => c.author_id === userId)) out.push(id);
      }
      return out;
    };
    const searchIds = async (userId: number) =>
      (
        (await admin.get(`/api/v2/search/export.json?query=commenter:${userId}&filter[type]=ticket&page[size]=1000`)).body
          .results as Array<{
          id: number;
        }>
      )
        .map((r) => r.id)
        .sort((a, b) => a - b);
    const endUser = ds.userId(ds.userCount - 3);
    const agent = ds.userId(1);
    expect(await searchIds(agent)).toEqual(scan(agent));
    // An end user comments on a ticket they have no role on: the shortcut must not hide it.
    const outsiderTicket = ds.ticketId(5);
    const before = await searchIds(endUser);
    expect(before).toEqual(scan(endUser));
    expect(before).not.toContain(outsiderTicket);
    const put = await admin.put(`/api/v2/tickets/${outsiderTicket}.json`, {
      ticket: { comment: { body: 'A word from outside', public: true, author_id: endUser } },
    });
    expect(put.status).toBe(200);
    const after = await searchIds(endUser);
    expect(after).toContain(outsiderTicket);
    expect(after).toEqual(scan(endUser));
  });
});
