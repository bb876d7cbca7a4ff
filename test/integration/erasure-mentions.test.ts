import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErasurePlan, Receipt, RunStatus } from '../../src/shared/contract/groups/erasure';
import { createErasureHarness, type ErasureHarness } from '../../src/main/core/erasure/testing/harness';

/**
 * #19 item 6, "is she gone?": another person's comment quoting the subject's address with her name
 * beside it ("Please also copy my colleague عمر الحسن <omar.alhassan9@…>"). The plan offers to redact
 * the name with the address, per mention, and the run removes both where the officer accepted; the
 * mentions left for review are kept only when the officer confirms them, never silently.
 */

let h: ErasureHarness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

// Two comments on ticket 7 (someone else's) quote this address, each with the name before it.
const QUOTED = 'omar.alhassan9@example.com';
const QUOTED_NAME = 'عمر الحسن';
const QUOTED_TICKET = 7;
// One comment on ticket 36, which the subject has no part in: left for review.
const REVIEWED = 'giorgos.papadopoulos5@post.example.de';

const ws = () => ({ workspaceId: h!.workspaceId });

describe('the name beside a quoted address', () => {
  it('is offered per mention with the words and the ticket title, and redacted with the address where the officer accepts', async () => {
    h = await createErasureHarness();
    const sim = h.sync.sim;
    let plan = await h.call<ErasurePlan>('erasure.plan', { ...ws(), subject: QUOTED });
    const mentions = plan.mentions.filter((m) => m.ticketId === QUOTED_TICKET);
    expect(mentions).toHaveLength(2);
    const title = sim.state.ticketView(QUOTED_TICKET)!.rec.subject;
    for (const m of mentions) {
      expect(m).toMatchObject({ ticketTitle: title, decision: 'review', name: { strings: [QUOTED_NAME], redact: true } });
      expect(m.excerpt.toLowerCase()).toContain(QUOTED);
      expect(m.excerpt).toContain(`colleague ${QUOTED_NAME}`);
    }
    // Another person's ticket: left for review until the officer decides; here, redact it.
    plan = await h.call<ErasurePlan>('erasure.override', {
      ...ws(),
      planId: plan.id,
      target: 'ticket',
      id: QUOTED_TICKET,
      decision: 'redact',
      reason: 'The requester only needed the colleague copied; remove her details',
    });
    const [accepted, declined] = plan.mentions.filter((m) => m.ticketId === QUOTED_TICKET);
    expect(plan.counts.namesToRedact).toBe(2);
    const before = plan.fingerprint;
    // Declining one name is a change of plan: a new fingerprint, and the live check goes with it.
    plan = await h.call<ErasurePlan>('erasure.chooseName', { ...ws(), planId: plan.id, commentId: declined!.commentId, redact: false });
    expect(plan.mentions.find((m) => m.commentId === declined!.commentId)?.name).toEqual({ strings: [QUOTED_NAME], redact: false });
    expect(plan.counts.namesToRedact).toBe(1);
    expect(plan.fingerprint).not.toBe(before);
    expect(plan.revalidation).toBeNull();

    // A mention not in the plan, and bad input, change nothing.
    const unknown = await h.callResult('erasure.chooseName', { ...ws(), planId: plan.id, commentId: 1, redact: false });
    expect(unknown.ok ? 'ok' : unknown.error.code).toBe('not_found');
    const bad = await h.callResult('erasure.chooseName', { ...ws(), planId: plan.id, commentId: accepted!.commentId, redact: 'no' });
    expect(bad.ok ? 'ok' : bad.error.code).toBe('invalid_input');
    expect((await h.call<ErasurePlan>('erasure.getPlan', { ...ws(), planId: plan.id })).fingerprint).toBe(plan.fingerprint);

    plan = await h.call<ErasurePlan>('erasure.revalidate', { ...ws(), planId: plan.id });
    await h.call<RunStatus>('erasure.execute', {
      ...ws(),
      planId: plan.id,
      confirm: {
        subject: QUOTED,
        deleteTickets: plan.counts.tickets.delete,
        redactTickets: plan.counts.tickets.redact,
        mentionsReviewed: plan.counts.mentionsForReview,
      },
    });
    await h.service.wait(plan.id);
    const status = await h.call<RunStatus>('erasure.status', { ...ws(), runId: plan.id });
    expect(status.state, JSON.stringify(status.failures)).toBe('completed');
    expect(status.verification?.ok).toBe(true);

    // In the helpdesk: the address is gone from both; the name from the accepted one only.
    const live = new Map(sim.state.ticketComments(QUOTED_TICKET).map((c) => [c.id, c.body]));
    expect(live.get(accepted!.commentId)!.toLowerCase()).not.toContain(QUOTED);
    expect(live.get(accepted!.commentId)).not.toContain(QUOTED_NAME);
    expect(live.get(accepted!.commentId)).toContain('Please also copy my colleague ▇');
    expect(live.get(declined!.commentId)!.toLowerCase()).not.toContain(QUOTED);
    expect(live.get(declined!.commentId)).toContain(`colleague ${QUOTED_NAME} <▇`);

    // In the local cache, the same; the residue scan finds the address nowhere.
    const cache = await h.sync.ctx.core.services.caches.open(h.workspaceId);
    const body = (id: number) => cache.db.prepare('SELECT body FROM comments WHERE id = ?').pluck().get(id) as string;
    expect(body(accepted!.commentId)).not.toContain(QUOTED_NAME);
    expect(body(accepted!.commentId).toLowerCase()).not.toContain(QUOTED);
    expect(body(declined!.commentId)).toContain(QUOTED_NAME);
    expect(status.residue).toMatchObject({ keptTickets: 0, otherComments: 0 });

    // The receipt counts the name and lists the declined one as an override, naming nobody.
    const receipt = JSON.parse(await readFile(status.receipt!.json, 'utf8')) as Receipt;
    expect(receipt.counts.namesRedacted).toBe(1);
    expect(receipt.overrides.filter((o) => o.target === 'name')).toEqual([expect.objectContaining({ from: 'redact', to: 'keep' })]);
    expect(JSON.stringify(receipt)).not.toContain(QUOTED_NAME);
    // The run's document no longer holds the mentions' words.
    expect((await h.call<ErasurePlan>('erasure.getPlan', { ...ws(), planId: plan.id })).mentions).toEqual([]);
  });
});

describe('mentions left for review', () => {
  it('block the run until the confirmation acknowledges exactly them, and are then kept as they are', async () => {
    h = await createErasureHarness();
    const sim = h.sync.sim;
    let plan = await h.call<ErasurePlan>('erasure.plan', { ...ws(), subject: REVIEWED });
    const review = plan.mentions.filter((m) => m.decision === 'review');
    expect(review.length).toBeGreaterThan(0);
    expect(plan.counts.mentionsForReview).toBe(review.length);
    plan = await h.call<ErasurePlan>('erasure.revalidate', { ...ws(), planId: plan.id });
    const confirm = { subject: REVIEWED, deleteTickets: plan.counts.tickets.delete, redactTickets: plan.counts.tickets.redact };
    const sent = h.requests.length;
    const bodies = review.map((m) => sim.state.ticketComments(m.ticketId).find((c) => c.id === m.commentId)!.body);

    for (const mentionsReviewed of [undefined, 0, review.length + 1]) {
      const refused = await h.callResult('erasure.execute', {
        ...ws(),
        planId: plan.id,
        confirm: mentionsReviewed === undefined ? confirm : { ...confirm, mentionsReviewed },
      });
      expect(refused.ok).toBe(false);
      if (refused.ok) continue;
      expect(refused.error.code).toBe('mentions_unreviewed');
      expect(refused.error.message).toContain(`${review.length} mention(s)`);
      expect(refused.error.details).toMatchObject({ mentionsForReview: review.length });
    }
    // Nothing changed: no request, no operation, the plan still a draft, the helpdesk as it was.
    expect(h.requests.length).toBe(sent);
    expect((await h.call<ErasurePlan>('erasure.getPlan', { ...ws(), planId: plan.id })).state).toBe('draft');
    expect(sim.state.ticketDeleted.size).toBe(0);
    expect(sim.state.redactions).toEqual([]);

    await h.call('erasure.execute', { ...ws(), planId: plan.id, confirm: { ...confirm, mentionsReviewed: review.length } });
    await h.service.wait(plan.id);
    const status = await h.call<RunStatus>('erasure.status', { ...ws(), runId: plan.id });
    expect(status.state, JSON.stringify(status.failures)).toBe('completed');
    // Kept as they were, and the residue scan says where.
    review.forEach((m, i) => expect(sim.state.ticketComments(m.ticketId).find((c) => c.id === m.commentId)!.body).toBe(bodies[i]));
    expect(status.residue!.keptTickets).toBe(review.length);

    const listed = await h.sync.ctx.call('audit.list', { workspaceId: h.workspaceId });
    if (!listed.ok) throw new Error(listed.error.message);
    const executed = listed.value.entries.find((e) => e.action === 'erasure.executed');
    expect(executed?.data.mentionsReviewed).toBe(review.length);
    const receipt = JSON.parse(await readFile(status.receipt!.json, 'utf8')) as Receipt;
    expect(receipt.counts.mentionsLeftForReview).toBe(review.length);
  });
});
