import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { api, type Json } from './testing';

/**
 * Ground truth is computed from state; here it is recomputed the way a client would, over HTTP,
 * with a separately written matcher, and the two must agree for every end user of the tiny dataset.
 */

let sim: Simulator;
let tickets: Json[];
const comments = new Map<number, Json[]>();
let users: Json[];

beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 21, noLimits: true });
  const admin = api(sim);
  tickets = (await admin.get('/api/v2/incremental/tickets/cursor.json?start_time=0')).body.tickets;
  users = (await admin.get('/api/v2/incremental/users/cursor.json?start_time=0')).body.users;
  // Talk voice comments are the Talk surface's (talk.ts has its own ground truth): the sync's ground truth is the written comments.
  for (const t of tickets)
    comments.set(
      t.id,
      (await admin.get(`/api/v2/tickets/${t.id}/comments.json?per_page=100`)).body.comments.filter((c: Json) => c.type !== 'VoiceComment'),
    );
});
afterAll(async () => {
  await sim.close();
});

/** Independent matcher: collapse separators between digits, then look for the exact digit run. */
function mentions(body: string, emails: string[], phones: string[]): boolean {
  const lower = body.toLowerCase();
  if (
    emails.some((e) => new RegExp(`(^|[^a-z0-9._%+-])${e.toLowerCase().replace(/[.+]/g, '\\$&')}($|[^a-z0-9-]|\\.(?![a-z]))`).test(lower))
  )
    return true;
  const collapsed = body.replace(/(?<=[\d)])[\s().-]+(?=[\d(+])/g, '').replace(/\+/g, '');
  return phones.some((p) => new RegExp(`(^|\\D)${p.replace(/\D/g, '')}(\\D|$)`).test(collapsed));
}

async function overHttp(userId: number) {
  const admin = api(sim);
  const identities: Json[] = (await admin.get(`/api/v2/users/${userId}/identities.json`)).body.identities;
  const emails = identities.filter((i) => i.type === 'email').map((i) => i.value as string);
  const phones = identities.filter((i) => i.type === 'phone_number').map((i) => i.value as string);
  const roles = new Map<number, string[]>();
  const mentionMap = new Map<number, number[]>();
  for (const t of tickets) {
    if (t.status === 'deleted') continue;
    const r: string[] = [];
    if (t.requester_id === userId) r.push('requester');
    if (t.submitter_id === userId) r.push('submitter');
    if (t.email_cc_ids.includes(userId) || t.collaborator_ids.includes(userId)) r.push('cc');
    if (t.follower_ids.includes(userId)) r.push('follower');
    if (t.assignee_id === userId) r.push('assignee');
    const cs = comments.get(t.id) ?? [];
    if (cs.some((c) => c.author_id === userId)) r.push('commenter');
    if (r.length) roles.set(t.id, r);
    const hits = cs.filter((c) => c.author_id !== userId && mentions(c.body, emails, phones)).map((c) => c.id as number);
    if (hits.length) mentionMap.set(t.id, hits);
  }
  const others = new Set<number>();
  for (const v of [...emails, ...phones]) {
    const found = (await admin.get(`/api/v2/users/search.json?query=${encodeURIComponent(v)}`)).body.users;
    for (const u of found)
      if (u.id !== userId && u.name !== 'Permanently Deleted User') {
        const theirs: Json[] = (await admin.get(`/api/v2/users/${u.id}/identities.json`)).body.identities;
        if (theirs.some((i) => i.value.replace(/\D/g, '') === v.replace(/\D/g, '') || i.value.toLowerCase() === v.toLowerCase()))
          others.add(u.id);
      }
  }
  return { roles, mentionMap, others: [...others].sort((a, b) => a - b) };
}

describe('ground truth', () => {
  it('agrees with what a client can reconstruct over HTTP, for every end user', async () => {
    let withMentions = 0;
    let withOthers = 0;
    for (const u of users.filter((x) => x.role === 'end-user')) {
      const truth = sim.groundTruth(u.id);
      const http = await overHttp(u.id);
      expect(new Map(truth.tickets.map((t) => [t.ticketId, [...t.roles].sort()]))).toEqual(
        new Map([...http.roles].map(([k, v]) => [k, [...v].sort()])),
      );
      expect(new Map(truth.mentions.map((m) => [m.ticketId, m.commentIds]))).toEqual(http.mentionMap);
      expect(truth.otherAccounts).toEqual(http.others);
      if (truth.mentions.length) withMentions++;
      if (truth.otherAccounts.length) withOthers++;
    }
    expect(withMentions).toBeGreaterThan(0);
    expect(withOthers).toBeGreaterThanOrEqual(2);
  });

  it('links both accounts of the same person and resolves a subject by email', () => {
    const ds = sim.state.ds;
    const twin = Array.from({ length: ds.userCount }, (_, i) => i).find((i) => ds.twinOf(i) !== undefined);
    expect(twin).toBeDefined();
    const original = ds.twinOf(twin ?? 0) ?? 0;
    expect(sim.groundTruth(ds.userId(original)).otherAccounts).toEqual([ds.userId(twin ?? 0)]);
    expect(sim.groundTruth(ds.userId(twin ?? 0)).otherAccounts).toEqual([ds.userId(original)]);
    const email = ds.primaryEmail(original);
    if (email) expect(sim.groundTruth(email.toUpperCase()).userId).toBe(ds.userId(original));
  });

  it('follows state changes: a redacted mention and a deleted ticket disappear from the truth', async () => {
    const admin = api(sim);
    const subject = users.find((u) => u.role === 'end-user' && sim.groundTruth(u.id).mentions.length > 0);
    const truth = sim.groundTruth(subject.id);
    const m = truth.mentions[0];
    if (!m) throw new Error('expected a mention');
    const c = (comments.get(m.ticketId) ?? []).find((x) => x.id === m.commentIds[0]);
    // Redact with the agent-workspace endpoint (works whatever the status) every identity mentioned.
    const strings: string[] = [];
    for (const match of c.body.matchAll(/[^\s<>()]+@[^\s<>()]+|\(?\+[\d\s().-]{6,}\d/g)) strings.push(match[0].replace(/[.,]$/, ''));
    const html = strings.map((s) => `<redact>${s}</redact>`).join(' ');
    expect((await admin.put(`/api/v2/comment_redactions/${c.id}.json`, { ticket_id: m.ticketId, html_body: html })).status).toBe(200);
    const after = sim.groundTruth(subject.id);
    expect(after.mentions.find((x) => x.ticketId === m.ticketId)?.commentIds ?? []).not.toContain(c.id);

    const t = truth.tickets[0];
    if (!t) throw new Error('expected a ticket');
    expect((await admin.del(`/api/v2/tickets/${t.ticketId}.json`)).status).toBe(204);
    expect(sim.groundTruth(subject.id).tickets.map((x) => x.ticketId)).not.toContain(t.ticketId);
  });
});
