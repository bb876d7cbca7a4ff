import { describe, expect, it } from 'vitest';
import { Dataset, ID, MAX_WRITTEN_REL } from './dataset';
import { startSimulator } from './index';
import { RUNTIME_ID, SimState } from './state';
import { api } from './testing';

const sample = (ds: Dataset) => {
  const out: unknown[] = [];
  for (const i of [0, 1, 7, 19, 39]) out.push(ds.baseTicket(i), ds.ticketSkeleton(i));
  for (const u of [0, 3, 17, 33]) out.push(ds.baseUser(u));
  for (let i = 0; i < ds.ticketCount; i++) {
    const sk = ds.ticketSkeleton(i);
    sk.comments.forEach((c, j) => {
      out.push(ds.baseComment(i, j));
      c.attachments.forEach((_, k) => out.push(ds.attachmentBytes(i, j, k).toString('base64')));
    });
  }
  return JSON.stringify(out);
};

describe('dataset generator', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(sample(new Dataset(42, 'tiny'))).toBe(sample(new Dataset(42, 'tiny')));
    expect(sample(new Dataset(42, 'tiny'))).not.toBe(sample(new Dataset(43, 'tiny')));
    expect(new Dataset(42, 'tiny').epochMs).toBe(new Dataset(42, 'tiny').epochMs);
  });

  it('serves the same data over HTTP from two simulators with the same seed', async () => {
    const strip = (page: { tickets: Record<string, unknown>[] }) => page.tickets.map(({ url: _url, ...rest }) => rest);
    const [a, b, c] = await Promise.all([
      startSimulator({ seed: 9, noLimits: true }),
      startSimulator({ seed: 9, noLimits: true }),
      startSimulator({ seed: 10, noLimits: true }),
    ]);
    try {
      const path = '/api/v2/incremental/tickets/cursor.json?start_time=0';
      const [pa, pb, pc] = await Promise.all([api(a).get(path), api(b).get(path), api(c).get(path)]);
      expect(strip(pa.body)).toEqual(strip(pb.body));
      expect(strip(pa.body)).not.toEqual(strip(pc.body));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('is realistic and messy even at the tiny size', () => {
    for (const seed of [1, 2, 3, 42]) {
      const ds = new Dataset(seed, 'tiny');
      const statuses = new Set<string>();
      let archived = 0;
      let legalHold = 0;
      let mentions = 0;
      let ccs = 0;
      let followers = 0;
      const kinds = new Set<string>();
      for (let i = 0; i < ds.ticketCount; i++) {
        const sk = ds.ticketSkeleton(i);
        statuses.add(sk.status);
        if (sk.archived) archived++;
        if (sk.legalHold) legalHold++;
        if (sk.ccs.length) ccs++;
        if (sk.followers.length) followers++;
        for (const c of sk.comments) {
          if (c.mention) mentions++;
          for (const a of c.attachments) kinds.add(a.kind);
        }
        expect(ds.baseTicket(i).tags.includes('legal_hold')).toBe(sk.legalHold);
      }
      expect([...statuses].sort()).toEqual(['closed', 'hold', 'new', 'open', 'pending', 'solved']);
      expect(archived).toBeGreaterThan(0);
      expect(legalHold).toBeGreaterThan(0);
      expect(mentions).toBeGreaterThan(0);
      expect(ccs).toBeGreaterThan(0);
      expect(followers).toBeGreaterThan(0);
      expect([...kinds].sort()).toEqual(['pdf', 'png', 'text']);
      const users = Array.from({ length: ds.userCount }, (_, u) => ds.baseUser(u));
      expect(users.some((u) => u.email === null && u.role === 'end-user')).toBe(true);
      expect(users.some((u) => u.identities.length >= 2)).toBe(true);
      expect(users.some((u) => u.role === 'admin')).toBe(true);
      expect(users.filter((u) => u.role === 'agent').length).toBeGreaterThan(1);
      expect(Array.from({ length: ds.userCount }, (_, u) => ds.twinOf(u)).some((t) => t !== undefined)).toBe(true);
      const names = users.map((u) => u.name).join(' ');
      expect(/[\u00C0-\u017F]|[\u0400-\u04FF]|[\u0370-\u03FF]|[\u3040-\u9FFF]|[\u0600-\u06FF]/.test(names)).toBe(true);
    }
  });

  it('keeps ids unique: emails across users, comment and attachment ids invert to their position', () => {
    const ds = new Dataset(4, 'small');
    const emails = new Set<string>();
    for (let u = 0; u < ds.userCount; u++) {
      for (const i of ds.baseUser(u).identities) {
        if (i.type !== 'email') continue;
        const key = i.value.toLowerCase();
        expect(emails.has(key)).toBe(false);
        emails.add(key);
      }
    }
    for (const ti of [0, 500, 1999]) {
      const sk = ds.ticketSkeleton(ti);
      sk.comments.forEach((c, j) => {
        expect(ds.commentPosition(ds.commentId(ti, j))).toEqual([ti, j]);
        c.attachments.forEach((_, k) => expect(ds.attachmentPosition(ds.attachmentId(ti, j, k))).toEqual([ti, j, k]));
      });
    }
  });

  it('numbers comments, attachments and audits as they were written: ascending with time to within a minute, strictly within a ticket', () => {
    const ds = new Dataset(4, 'small');
    const written: { ms: number; id: number; audit: number }[] = [];
    for (let ti = 0; ti < ds.ticketCount; ti++) {
      const sk = ds.ticketSkeleton(ti);
      const ids = sk.comments.map((_, j) => ds.commentId(ti, j));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
      sk.comments.forEach((c, j) => {
        expect(c.createdMs).toBe(ds.commentCreatedMs(ti, j));
        written.push({ ms: c.createdMs, id: ds.commentId(ti, j), audit: ds.auditId(ti, j) });
      });
    }
    written.sort((a, b) => a.ms - b.ms);
    const MINUTE = 60_000;
    let below = 0;
    for (let k = 1; k < written.length; k++) {
      const [prev, cur] = [written[k - 1]!, written[k]!];
      if (cur.id < prev.id) {
        below += 1;
        // Only comments written within the same minute may arrive below the one before.
        expect(Math.floor((cur.ms - ds.startMs) / MINUTE)).toBe(Math.floor((prev.ms - ds.startMs) / MINUTE));
      }
      expect(Math.sign(cur.audit - prev.audit)).toBe(Math.sign(cur.id - prev.id));
    }
    expect(below / written.length).toBeLessThan(0.01);
    // An id of the right shape whose minute is not the comment's names nothing.
    expect(ds.commentPosition(ds.commentId(3, 0) + 64 * ds.ticketCount)).toBeUndefined();
    expect(ds.commentPosition(ID.comment - 1)).toBeUndefined();
  });

  it('keeps the id ranges of every size apart and within exact integers', () => {
    expect(ID.comment + MAX_WRITTEN_REL).toBeLessThan(ID.attachment);
    expect(ID.attachment + MAX_WRITTEN_REL * 4).toBeLessThan(ID.audit);
    // Audit child events are numbered id * 8 + k; a running audit's, id * 10 + k.
    expect((ID.audit + MAX_WRITTEN_REL) * 8 + 8).toBeLessThan(Number.MAX_SAFE_INTEGER);
    expect(ID.comment + MAX_WRITTEN_REL).toBeLessThan(RUNTIME_ID.comment);
    expect(ID.audit + MAX_WRITTEN_REL).toBeLessThan(RUNTIME_ID.event);
    expect((RUNTIME_ID.event + 1_000_000) * 10 + 10).toBeLessThan(Number.MAX_SAFE_INTEGER);
    const ds = new Dataset(1, 'large');
    const last = ds.ticketCount - 1;
    const j = ds.ticketSkeleton(last).comments.length - 1;
    expect(ds.commentId(last, j) - ID.comment).toBeLessThan(MAX_WRITTEN_REL);
    expect(ds.commentPosition(ds.commentId(last, j))).toEqual([last, j]);
  });

  it('derives the large size lazily: the last ticket and user exist without generating the others', async () => {
    const sim = await startSimulator({ size: 'large', seed: 1, noLimits: true });
    try {
      const admin = api(sim);
      expect((await admin.get('/api/v2/tickets/1000000.json')).body.ticket.id).toBe(1_000_000);
      expect((await admin.get('/api/v2/tickets/1000001.json')).status).toBe(404);
      const last = sim.dataset.userId(199_999);
      expect((await admin.get(`/api/v2/users/${last}.json`)).body.user.id).toBe(last);
      const comments = (await admin.get('/api/v2/tickets/1000000/comments.json')).body.comments;
      expect(comments.length).toBeGreaterThan(0);
      expect(sim.state.tickets.size).toBe(0);
    } finally {
      await sim.close();
    }
  });

  it('keeps recent skeletons shared and frozen, and draws an evicted one again the same', () => {
    const ds = new Dataset(7, 'small');
    const first = ds.ticketSkeleton(3);
    expect(ds.ticketSkeleton(3)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.comments) && first.comments.every((c) => Object.isFrozen(c))).toBe(true);
    expect(() => (first.comments as unknown[]).push({})).toThrow(TypeError);
    // Walk far more tickets than the cache holds, so ticket 3's entry is evicted.
    for (let ti = 0; ti < ds.ticketCount; ti++) ds.ticketSkeleton(ti);
    const redrawn = ds.ticketSkeleton(3);
    expect(redrawn).not.toBe(first);
    expect(redrawn).toEqual(first);
    const again = new Dataset(7, 'small');
    expect(ds.baseSubject(3)).toBe(ds.baseTicket(3).subject);
    for (let ti = 0; ti < 200; ti++) expect(ds.baseSubject(ti)).toBe(again.baseTicket(ti).subject);
  });

  it('SimState overlays never change the generated records', () => {
    const ds = new Dataset(8, 'tiny');
    const st = new SimState(ds);
    const before = JSON.stringify(ds.baseTicket(3));
    const rec = st.touchTicket(4);
    rec.subject = 'changed';
    expect(JSON.stringify(ds.baseTicket(3))).toBe(before);
    expect(st.ticketView(4)?.rec.subject).toBe('changed');
    expect(ds.baseTicket(3).subject).not.toBe('changed');
  });
});
