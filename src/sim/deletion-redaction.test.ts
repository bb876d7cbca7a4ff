import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { api, waitJob } from './testing';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 3, noLimits: true, jobDelayMs: 60_000, faults: { jobFailIds: [5] } });
});
afterAll(async () => {
  await sim.close();
});

const ds = () => sim.state.ds;

/** First live ticket (current state, not the generated one) matching pred. */
function findTicket(pred: (i: number) => boolean): number {
  for (let i = 0; i < ds().ticketCount; i++) if (sim.state.ticketPeople(i).state === 'live' && pred(i)) return i + 1;
  throw new Error('no such ticket in the dataset');
}

describe('user deletion', () => {
  it('refuses to delete the requester of a non-closed ticket, then soft and permanent deletion work', async () => {
    const admin = api(sim);
    const tid = findTicket((i) => {
      const sk = ds().ticketSkeleton(i);
      return sk.status !== 'closed' && !ds().isAgentIndex(sk.requester);
    });
    const ticket = (await admin.get(`/api/v2/tickets/${tid}.json`)).body.ticket;
    const userId = ticket.requester_id as number;
    const refused = await admin.del(`/api/v2/users/${userId}.json`);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: 'RecordInvalid', description: 'Record validation errors' });
    expect(refused.body.details.base[0].description).toMatch(/requester/);
    expect((await admin.get(`/api/v2/users/${userId}.json`)).body.user.active).toBe(true);

    // Close every open ticket the user requests; then deletion is allowed.
    for (const id of sim.state.openRequestedTickets(userId)) {
      const r = await admin.put(`/api/v2/tickets/${id}.json`, { ticket: { status: 'closed' } });
      expect(r.status).toBe(200);
    }
    const requested = (await admin.get(`/api/v2/users/${userId}/tickets/requested.json`)).body.tickets.map((t: { id: number }) => t.id);
    const deleted = await admin.del(`/api/v2/users/${userId}.json`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.user).toMatchObject({ id: userId, active: false });
    expect((await admin.get(`/api/v2/users/${userId}.json`)).body.user.active).toBe(false);

    // Deleting the user keeps their tickets.
    for (const id of requested) {
      const t = await admin.get(`/api/v2/tickets/${id}.json`);
      expect(t.status).toBe(200);
      expect(t.body.ticket.requester_id).toBe(userId);
    }

    expect((await admin.get(`/api/v2/deleted_users/${userId}.json`)).body.deleted_user).toMatchObject({ id: userId, active: false });
    const purge = await admin.del(`/api/v2/deleted_users/${userId}.json`);
    expect(purge.status).toBe(200);
    for (let k = 0; k < 2; k++) {
      expect((await admin.get(`/api/v2/users/${userId}.json`)).status).toBe(404);
      expect((await admin.get(`/api/v2/deleted_users/${userId}.json`)).status).toBe(404);
      expect((await admin.del(`/api/v2/deleted_users/${userId}.json`)).status).toBe(404);
      expect((await admin.put(`/api/v2/users/${userId}.json`, { user: { name: 'Back' } })).status).toBe(404);
    }
    const statuses = (await admin.get(`/api/v2/users/${userId}/compliance_deletion_statuses.json`)).body.compliance_deletion_statuses;
    // Zendesk's products report progress over time (compliance.test.ts): right away, the request and Support's start.
    expect(statuses.slice(0, 2).map((x: { action: string }) => x.action)).toEqual(['request_deletion', 'started']);
    const list = (await admin.get('/api/v2/deleted_users.json')).body.deleted_users;
    expect(list.find((u: { id: number }) => u.id === userId)).toMatchObject({ name: 'Permanently Deleted User', email: null, phone: null });
    expect((await admin.get(`/api/v2/users/show_many.json?ids=${userId}&include_deleted=true`)).body.users).toEqual([]);
  });

  it('refuses to delete the caller itself', async () => {
    const r = await api(sim).del(`/api/v2/users/${ds().userId(0)}.json`);
    expect(r.status).toBe(422);
    expect((await api(sim).get('/api/v2/users/me.json')).body.user.active).toBe(true);
  });

  it('refuses to permanently delete a user that is not soft-deleted', async () => {
    const r = await api(sim).del(`/api/v2/deleted_users/${ds().userId(1)}.json`);
    expect(r.status).toBe(404);
  });

  it('suspends, revokes sessions, and manages identities (email update adds a secondary identity)', async () => {
    const admin = api(sim);
    const id = ds().userId(ds().spec.agents + 3);
    expect((await admin.put(`/api/v2/users/${id}.json`, { user: { suspended: true } })).body.user.suspended).toBe(true);
    expect((await admin.del(`/api/v2/users/${id}/sessions.json`)).status).toBe(204);
    expect(sim.state.sessionsRevoked.get(id)).toBe(1);
    const before = (await admin.get(`/api/v2/users/${id}.json`)).body.user.email;
    await admin.put(`/api/v2/users/${id}.json`, { user: { email: 'new.address@example.com' } });
    const after = (await admin.get(`/api/v2/users/${id}.json`)).body.user;
    expect(after.email).toBe(before);
    const identities = (await admin.get(`/api/v2/users/${id}/identities.json`)).body.identities;
    const added = identities.find((i: { value: string }) => i.value === 'new.address@example.com');
    expect(added).toMatchObject({ type: 'email' });
    const made = await admin.put(`/api/v2/users/${id}/identities/${added.id}/make_primary.json`);
    expect(made.status).toBe(200);
    expect((await admin.get(`/api/v2/users/${id}.json`)).body.user.email).toBe('new.address@example.com');
    const old = identities.find((i: { value: string }) => i.value === before);
    if (old) expect((await admin.del(`/api/v2/users/${id}/identities/${old.id}.json`)).status).toBe(204);
    // Duplicate email on another user is refused.
    const other = ds().userId(ds().spec.agents + 4);
    const dup = await admin.post(`/api/v2/users/${other}/identities.json`, {
      identity: { type: 'email', value: 'NEW.address@example.com' },
    });
    expect(dup.status).toBe(422);
    expect(dup.body.details.value[0].error).toBe('DuplicateValue');
  });
});

describe('tickets: closed immutability, deletion, jobs', () => {
  it('refuses updates to closed tickets', async () => {
    const tid = findTicket((i) => ds().ticketSkeleton(i).status === 'closed');
    const r = await api(sim).put(`/api/v2/tickets/${tid}.json`, { ticket: { subject: 'changed' } });
    expect(r.status).toBe(422);
    expect(r.body.details.status[0].description).toMatch(/closed prevents/);
  });

  it('soft-deletes, lists, restores, and permanently deletes tickets through jobs with per-item failures', async () => {
    const admin = api(sim);
    const a = findTicket((i) => i > 10 && ds().ticketSkeleton(i).status === 'solved');
    expect((await admin.del(`/api/v2/tickets/${a}.json`)).status).toBe(204);
    expect((await admin.get(`/api/v2/tickets/${a}.json`)).status).toBe(404);
    expect((await admin.get(`/api/v2/tickets/${a}/comments.json`)).status).toBe(404);
    const listed = (await admin.get('/api/v2/deleted_tickets.json')).body.deleted_tickets;
    expect(listed.find((t: { id: number }) => t.id === a)).toMatchObject({ previous_state: 'solved' });
    expect((await admin.put(`/api/v2/deleted_tickets/${a}/restore.json`)).status).toBe(200);
    expect((await admin.get(`/api/v2/tickets/${a}.json`)).status).toBe(200);

    // Bulk soft delete: 5 is forced to fail by injection, 99999 does not exist.
    const r = await admin.del(`/api/v2/tickets/destroy_many.json?ids=${a},5,99999`);
    expect(r.body.job_status.status).toBe('queued');
    const { job, seen } = await waitJob(admin, r.body.job_status.id);
    expect(seen).toEqual(['working', 'working', 'completed']);
    expect(job.results).toEqual([
      { id: a, action: 'delete', success: true, status: 'Deleted' },
      expect.objectContaining({ id: 5, success: false }),
      expect.objectContaining({ id: 99999, success: false, error: 'TicketNotFound' }),
    ]);
    expect((await admin.get('/api/v2/tickets/5.json')).status).toBe(200);

    const p = await admin.del(`/api/v2/deleted_tickets/destroy_many.json?ids=${a},7`);
    const purged = (await waitJob(admin, p.body.job_status.id)).job;
    expect(purged.results[0]).toMatchObject({ id: a, success: true });
    expect(purged.results[1]).toMatchObject({ id: 7, success: false });
    expect((await admin.get(`/api/v2/tickets/${a}.json`)).status).toBe(404);
    expect((await admin.put(`/api/v2/deleted_tickets/${a}/restore.json`)).status).toBe(404);
    expect((await admin.get('/api/v2/deleted_tickets.json')).body.deleted_tickets.find((t: { id: number }) => t.id === a)).toBeUndefined();

    const many = await admin.get(`/api/v2/job_statuses/show_many.json?ids=${r.body.job_status.id},${p.body.job_status.id}`);
    expect(many.body.job_statuses.map((j: { status: string }) => j.status)).toEqual(['completed', 'completed']);
  });

  it('bulk user deletion reports the open-ticket rule per item', async () => {
    const admin = api(sim);
    const tid = findTicket((i) => {
      const sk = ds().ticketSkeleton(i);
      return sk.status === 'open' && !ds().isAgentIndex(sk.requester);
    });
    const blocked = (await admin.get(`/api/v2/tickets/${tid}.json`)).body.ticket.requester_id;
    const r = await admin.del(`/api/v2/users/destroy_many.json?ids=${blocked},12`);
    const { job } = await waitJob(admin, r.body.job_status.id);
    expect(job.results[0]).toMatchObject({ id: blocked, success: false, error: 'UserIsRequesterOfOpenTickets' });
    expect(job.results[1]).toMatchObject({ id: 12, success: false, error: 'UserNotFound' });
  });
});

describe('redaction', () => {
  const blocks = (s: string) => '▇'.repeat([...s].length);

  it('legacy redaction works on open tickets and is refused on closed ones', async () => {
    const admin = api(sim);
    const open = findTicket((i) => sim.state.ticketPeople(i).status !== 'closed' && sim.state.ticketPeople(i).status !== 'solved');
    const c = (await admin.get(`/api/v2/tickets/${open}/comments.json`)).body.comments[0];
    const word = c.body.split(/\s+/).find((w: string) => w.length > 4) as string;
    const r = await admin.put(`/api/v2/tickets/${open}/comments/${c.id}/redact.json`, { text: word });
    expect(r.status).toBe(200);
    expect(r.body.comment.body).toContain(blocks(word));
    expect(r.body.comment.body).not.toContain(word);
    const again = (await admin.get(`/api/v2/tickets/${open}/comments.json`)).body.comments[0];
    expect(again.body).not.toContain(word);

    const closed = findTicket((i) => ds().ticketSkeleton(i).status === 'closed');
    const cc = (await admin.get(`/api/v2/tickets/${closed}/comments.json`)).body.comments[0];
    const refused = await admin.put(`/api/v2/tickets/${closed}/comments/${cc.id}/redact.json`, { text: cc.body.slice(0, 5) });
    expect(refused.status).toBe(422);
    expect((await admin.get(`/api/v2/tickets/${closed}/comments.json`)).body.comments[0].body).toBe(cc.body);
  });

  it('comment_redactions works on closed and archived tickets, including attachments', async () => {
    const admin = api(sim);
    const archived = findTicket(
      (i) =>
        ds().ticketSkeleton(i).archived &&
        ds()
          .ticketSkeleton(i)
          .comments.some((c) => c.attachments.length > 0),
    );
    const comments = (await admin.get(`/api/v2/tickets/${archived}/comments.json?include_inline_images=true`)).body.comments;
    const c = comments.find((x: { attachments: unknown[] }) => x.attachments.length > 0);
    const name = c.body.trim().split('\n').pop() as string;
    const html = c.html_body.replace(name.replace(/&/g, '&amp;').replace(/</g, '&lt;'), `<redact>${name}</redact>`);
    const att = c.attachments[0];
    const r = await admin.put(`/api/v2/comment_redactions/${c.id}.json`, {
      ticket_id: archived,
      html_body: html,
      external_attachment_urls: [att.content_url],
    });
    expect(r.status).toBe(200);
    expect(r.body.comment.body).toContain(blocks(name));
    const redactedAtt = r.body.comment.attachments.find((a: { id: number }) => a.id === att.id);
    expect(redactedAtt).toMatchObject({ file_name: 'redacted.txt', size: 0, content_type: 'text/plain' });
    const bytes = Buffer.from(await (await fetch(redactedAtt.content_url)).arrayBuffer());
    expect(bytes.length).toBe(0);
    expect(sim.state.redactions.some((x) => x.kind === 'comment_redactions' && x.commentId === c.id)).toBe(true);
    // Wrong ticket id for the comment → 404.
    expect(
      (await admin.put(`/api/v2/comment_redactions/${c.id}.json`, { ticket_id: archived === 1 ? 2 : 1, html_body: '<redact>x</redact>' }))
        .status,
    ).toBe(404);
  });

  it('attachment redaction replaces the file with an empty redacted.txt, not on closed tickets', async () => {
    const admin = api(sim);
    const pick = (closed: boolean) =>
      findTicket((i) => {
        const sk = ds().ticketSkeleton(i);
        return (sim.state.ticketPeople(i).status === 'closed') === closed && sk.comments.some((c) => c.attachments.length > 0);
      });
    for (const closed of [false, true]) {
      const tid = pick(closed);
      const c = (await admin.get(`/api/v2/tickets/${tid}/comments.json?include_inline_images=true`)).body.comments.find(
        (x: { attachments: unknown[] }) => x.attachments.length > 0,
      );
      const a = c.attachments[0];
      const r = await admin.put(`/api/v2/tickets/${tid}/comments/${c.id}/attachments/${a.id}/redact.json`);
      if (closed) {
        expect(r.status).toBe(422);
        expect((await fetch(a.content_url)).status).toBe(200);
      } else {
        expect(r.status).toBe(200);
        expect(r.body.attachment).toMatchObject({ id: a.id, file_name: 'redacted.txt', size: 0 });
        const res = await fetch(r.body.attachment.content_url);
        expect((await res.arrayBuffer()).byteLength).toBe(0);
      }
    }
  });
});
