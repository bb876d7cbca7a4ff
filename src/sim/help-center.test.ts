import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helpCenterOf, setGuideRights, startSimulator, troubleHelpCenter, type Simulator } from './index';
import { byUserIndex } from './help-center';
import { api, type Json } from './testing';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 7, noLimits: true });
});
afterAll(async () => {
  await sim.close();
});

/** An end user with posts, a post others answered, comments of both kinds, votes and subscriptions. */
function busyUser(): number {
  const ds = sim.state.ds;
  let best = -1;
  let score = 0;
  for (const [i, e] of byUserIndex(ds)) {
    if (ds.isAgentIndex(i)) continue;
    const s = e.posts.length * 2 + e.postComments.length + e.articleComments.length + e.votes.length + e.subscriptions.length;
    if (s > score) [best, score] = [i, s];
  }
  return ds.userId(best);
}

const listings = (id: number): Array<[string, string]> => [
  [`/api/v2/community/users/${id}/posts`, 'posts'],
  [`/api/v2/community/users/${id}/comments`, 'comments'],
  [`/api/v2/help_center/users/${id}/comments`, 'comments'],
  [`/api/v2/help_center/users/${id}/votes`, 'votes'],
  [`/api/v2/help_center/users/${id}/subscriptions`, 'subscriptions'],
];

describe('Help Center per-user listings', () => {
  it('every dataset user with content gets it back through the listings, matching the ground truth', async () => {
    const admin = api(sim);
    const ds = sim.state.ds;
    let withContent = 0;
    for (let i = 2; i < ds.userCount; i++) {
      const id = ds.userId(i);
      const listed: string[] = [];
      for (const [path, key] of listings(id)) {
        const res = await admin.get(`${path}.json`);
        expect(res.status).toBe(200);
        for (const row of res.body[key] as Json[]) {
          expect(row.author_id ?? row.user_id).toBe(id);
          listed.push(String(row.id));
        }
      }
      const truth = helpCenterOf(sim.state, [id]).map((x) => String(x.id));
      expect(listed.sort()).toEqual(truth.sort());
      if (truth.length > 0) withContent++;
    }
    expect(withContent).toBeGreaterThan(ds.userCount / 3);
  });

  it('pages with cursors and with offsets like other Zendesk listings', async () => {
    const admin = api(sim);
    const id = busyUser();
    const [path, key] = listings(id)[3]!;
    const all = (await admin.get(`${path}.json`)).body[key] as Json[];
    expect(all.length).toBeGreaterThan(1);
    const first = await admin.get(`${path}.json?page[size]=1`);
    expect(first.body[key]).toHaveLength(1);
    expect(first.body.meta.has_more).toBe(true);
    const second = await admin.get(first.body.links.next as string);
    expect(second.body[key][0].id).toBe(all[1].id);
    const offset = await admin.get(`${path}.json?per_page=1&page=2`);
    expect(offset.body[key][0].id).toBe(all[1].id);
    expect(offset.body.count).toBe(all.length);
  });

  it('answers 403 to a token without Guide rights for someone else, and 404 for a user that never existed', async () => {
    const id = busyUser();
    expect((await api(sim, 'agent').get(`/api/v2/community/users/${id}/posts.json`)).status).toBe(403);
    setGuideRights(sim.state, sim.dataset.userId(0), false);
    try {
      const res = await api(sim).get(`/api/v2/help_center/users/${id}/votes.json`);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('Forbidden');
    } finally {
      setGuideRights(sim.state, sim.dataset.userId(0), true);
    }
    expect((await api(sim).get('/api/v2/help_center/users/999999999/votes.json')).status).toBe(404);
  });

  it('scripted trouble answers the listings with 500s, then clears', async () => {
    const id = busyUser();
    troubleHelpCenter(sim.state, 500, 1);
    expect((await api(sim).get(`/api/v2/community/users/${id}/posts.json`)).status).toBe(500);
    expect((await api(sim).get(`/api/v2/community/users/${id}/posts.json`)).status).toBe(200);
  });
});

describe('Help Center deletion and edits', () => {
  it('deletes each kind (204, then 404), a post takes its comments and the votes on it, and only a manager may', async () => {
    const admin = api(sim);
    const id = busyUser();
    const truth = helpCenterOf(sim.state, [id]);
    const agent = api(sim, 'agent');
    const vote = truth.find((x) => x.kind === 'vote')!;
    expect((await agent.del(`/api/v2/help_center/votes/${vote.id}.json`)).status).toBe(403);
    expect((await admin.del(`/api/v2/help_center/votes/${vote.id}.json`)).status).toBe(204);
    expect((await admin.get(`/api/v2/help_center/votes/${vote.id}.json`)).status).toBe(404);

    const subscriberId = [...byUserIndex(sim.state.ds)].find(([, e]) => e.subscriptions.length > 0)![0];
    const subs = `/api/v2/help_center/users/${sim.state.ds.userId(subscriberId)}/subscriptions.json`;
    const sub = (await admin.get(subs)).body.subscriptions[0] as Json;
    const path = new URL(sub.url as string).pathname.replace(/\.json$/, '');
    expect((await admin.get(path)).status).toBe(200);
    expect((await admin.del(path)).status).toBe(204);
    expect((await admin.get(path)).status).toBe(404);

    const ac = (await admin.get(`/api/v2/help_center/users/${id}/comments.json`)).body.comments[0] as Json | undefined;
    if (ac) {
      const wrongArticle = await admin.del(`/api/v2/help_center/articles/1/comments/${ac.id}.json`);
      expect(wrongArticle.status).toBe(404);
      expect((await admin.del(`/api/v2/help_center/articles/${ac.source_id}/comments/${ac.id}.json`)).status).toBe(204);
    }

    // A post with comments by others: deleting it takes them away from their authors' listings.
    const ds = sim.state.ds;
    let k = -1;
    for (let p = 0; p < 1000 && k < 0; p++) {
      const rec = (await admin.get(`/api/v2/community/posts/${860_000_000_000 + p}.json`)).body?.post as Json;
      if (rec && rec.comment_count > 0) k = p;
    }
    expect(k).toBeGreaterThanOrEqual(0);
    const postId = 860_000_000_000 + k;
    const comments = (await admin.get(`/api/v2/community/posts/${postId}/comments.json`)).body.comments as Json[];
    expect(comments.length).toBeGreaterThan(0);
    expect((await admin.del(`/api/v2/community/posts/${postId}.json`)).status).toBe(204);
    expect((await admin.get(`/api/v2/community/posts/${postId}.json`)).status).toBe(404);
    for (const c of comments) {
      expect((await admin.get(`/api/v2/community/posts/${postId}/comments/${c.id}.json`)).status).toBe(404);
      const theirs = helpCenterOf(sim.state, [c.author_id as number]).map((x) => x.id);
      expect(theirs).not.toContain(c.id);
    }
    expect(ds.userCount).toBeGreaterThan(0);
  });

  it('a PUT changes a post’s title and details but never its author', async () => {
    const admin = api(sim);
    const id = busyUser();
    const post = (await admin.get(`/api/v2/community/users/${id}/posts.json`)).body.posts[0] as Json;
    const res = await admin.put(`/api/v2/community/posts/${post.id}.json`, {
      post: { title: '[removed]', details: '<p>[removed]</p>', author_id: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.body.post).toMatchObject({ title: '[removed]', details: '<p>[removed]</p>', author_id: id });
    expect((await admin.put(`/api/v2/community/posts/${post.id}.json`, { nope: 1 })).status).toBe(400);
  });
});

describe('Help Center at every dataset size', () => {
  it('has content from end users who are on other surfaces too', async () => {
    const { Dataset } = await import('./dataset');
    const { SimState } = await import('./state');
    const { groundTruth } = await import('./truth');
    const { suspendedOf } = await import('./suspended');
    for (const size of ['tiny', 'small', 'medium', 'large'] as const) {
      const state = new SimState(new Dataset(3, size));
      const index = byUserIndex(state.ds);
      const people = [...index.keys()].filter((i) => !state.ds.isAgentIndex(i));
      expect(people.length, size).toBeGreaterThan(state.ds.userCount / 10);
      const first = state.ds.userId(people[0]!);
      expect(helpCenterOf(state, [first]).length, size).toBeGreaterThan(0);
    }
    // In the tiny dataset, people with Help Center content also have tickets or suspended e-mails.
    const state = sim.state;
    const both = [...byUserIndex(state.ds).keys()].filter((i) => {
      if (state.ds.isAgentIndex(i)) return false;
      const id = state.ds.userId(i);
      const email = state.ds.primaryEmail(i);
      return groundTruth(state, id).tickets.length > 0 || (email !== null && suspendedOf(state, [id], [email]).length > 0);
    });
    expect(both.length).toBeGreaterThan(5);
  });
});
