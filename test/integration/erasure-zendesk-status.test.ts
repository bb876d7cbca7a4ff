import { readFile } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { Receipt, type RunStatus } from '../../src/shared/contract/groups/erasure';
import { zendeskDeletionSentence } from '../../src/shared/contract/groups/zendesk-deletion';
import { createErasureHarness, type ErasureHarness } from '../../src/main/core/erasure/testing/harness';
import { startFaultProxy, type FaultProxy } from '../../src/main/core/erasure/testing/fault-proxy';

/**
 * Surface 9 of issue #12: Zendesk's own per-product deletion status after the run's permanent
 * deletions, read through the real client from the simulator (whose products finish on its clock),
 * recorded in the run, the receipt (JSON and HTML), and re-checked later.
 */
let h: ErasureHarness | undefined;
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await h?.dispose();
  await proxy?.close();
  h = undefined;
  proxy = undefined;
});

const SUBJECT = 'giorgos.papadopoulos5@post.example.de';
const COMPLIANCE = '/api/v2/users/{user_id}/compliance_deletion_statuses';

const receiptOf = async (s: RunStatus): Promise<Receipt> => Receipt.parse(JSON.parse(await readFile(s.receipt!.json, 'utf8')));

it('records what Zendesk reports per product right after the run, and a later re-check updates the receipt', async () => {
  h = await createErasureHarness();
  const userId = h.sync.sim.groundTruth(SUBJECT).userId;
  const { status } = await h.planAndRun(SUBJECT);
  expect(status.state, JSON.stringify(status.failures)).toBe('completed');
  const first = status.zendeskDeletion!;
  expect(first.polls).toBe(1); // this harness does not wait
  expect(first.accounts).toHaveLength(1);
  expect(first.accounts[0]!.requested).toBe(true);
  expect(first.accounts[0]!.applications.find((a) => a.application === 'support')?.status).toBe('started');
  expect(first.complete).toEqual([]);
  expect(first.pending).toContain('support');
  expect(first.error).toBeNull();
  expect(h.requests.filter((r) => r.template === COMPLIANCE)).toHaveLength(1);

  const receipt = await receiptOf(status);
  expect(receipt.zendeskDeletion).toEqual(first);
  expect(JSON.stringify(receipt)).not.toContain(String(userId));
  expect(await readFile(status.receipt!.html, 'utf8')).toContain('Zendesk reports deletion pending in: support');

  // Hours later, Support, Guide, Talk and Chat are done; Explore is not.
  h.sync.sim.advanceClock(5 * 3600);
  const later = await h.call<RunStatus>('erasure.checkZendeskDeletion', { workspaceId: h.workspaceId, runId: status.runId });
  const z = later.zendeskDeletion!;
  expect(z.polls).toBe(2);
  expect(z.complete).toEqual(['chat', 'guide', 'support', 'talk']);
  expect(z.pending).toEqual(['explore']);
  expect(zendeskDeletionSentence(z)).toMatch(
    /^Zendesk reports deletion complete in: chat, guide, support, talk; still pending in: explore/,
  );
  const rewritten = await receiptOf(later);
  expect(rewritten.zendeskDeletion).toEqual(z);
  // The coverage table's row for this surface: five products reported, one still pending.
  expect(receipt.surfaces.find((r) => r.surface === 'compliance_deletion')).toMatchObject({
    searched: true,
    found: 1,
    leftAfterVerification: 1,
  });
  expect(rewritten.surfaces.find((r) => r.surface === 'compliance_deletion')).toMatchObject({
    searched: true,
    asOf: z.checkedAt,
    found: 5,
    leftAfterVerification: 1,
  });
  // Nothing else in the receipt moved.
  const rest = (r: Receipt) => ({ ...r, zendeskDeletion: null, surfaces: r.surfaces.filter((x) => x.surface !== 'compliance_deletion') });
  expect(rest(rewritten)).toEqual(rest(receipt));
  expect(await readFile(later.receipt!.html, 'utf8')).toContain('Zendesk reports deletion complete in: chat, guide, support, talk');
});

it('waits, bounded, until Support reports complete', async () => {
  h = await createErasureHarness({ zendeskStatus: { waitMs: 60_000, pollMs: 250 } });
  const { status } = await h.planAndRun(SUBJECT);
  const z = status.zendeskDeletion!;
  expect(z.polls).toBeGreaterThan(1);
  expect(z.complete).toContain('support');
  expect(z.pending).toContain('guide'); // minutes away: the run does not wait for it
  expect(z.complete).not.toContain('chat');
  expect(h.requests.filter((r) => r.template === COMPLIANCE)).toHaveLength(z.polls);
});

it('refuses a re-check before the run has a receipt, and for an unknown run, changing nothing', async () => {
  h = await createErasureHarness();
  const plan = await h.call<{ id: string }>('erasure.plan', { workspaceId: h.workspaceId, subject: SUBJECT });
  const early = await h.callResult('erasure.checkZendeskDeletion', { workspaceId: h.workspaceId, runId: plan.id });
  expect(early.ok).toBe(false);
  if (!early.ok) expect(early.error.code).toBe('conflict');
  const bad = await h.callResult('erasure.checkZendeskDeletion', { workspaceId: h.workspaceId, runId: 'not-a-run' });
  expect(bad.ok).toBe(false);
  if (!bad.ok) expect(bad.error.code).toBe('invalid_input');
});

it('a 429 is retried; 500s that outlast the retries are reported with the last good answer, never as nothing reported', async () => {
  let n = 0;
  proxy = await startFaultProxy({ rate429: 0, lostAnswer: 0 }, () => (n++ % 2 === 0 ? 0 : 1));
  h = await createErasureHarness({ baseUrl: proxy.url });
  proxy.target = h.sync.sim.url;
  const { status } = await h.planAndRun(SUBJECT);
  expect(status.state).toBe('completed');
  const first = status.zendeskDeletion!;

  proxy.faults = { rate429: 0.5, lostAnswer: 0 };
  // The proxy's draws restart here (0, 1, 0...): the re-check's first request gets the 429, whatever
  // number of requests the run made before it.
  n = 0;
  h.sync.sim.advanceClock(600);
  const retried = await h.call<RunStatus>('erasure.checkZendeskDeletion', { workspaceId: h.workspaceId, runId: status.runId });
  expect(proxy.stats.injected429).toBe(1);
  expect(retried.zendeskDeletion!.error).toBeNull();
  expect(retried.zendeskDeletion!.complete).toContain('support');

  proxy.faults = { rate429: 0, lostAnswer: 0, rate500: 1 };
  const failing = await h.call<RunStatus>('erasure.checkZendeskDeletion', { workspaceId: h.workspaceId, runId: status.runId });
  expect(proxy.stats.injected500).toBe(4); // the harness's transport makes four attempts
  const z = failing.zendeskDeletion!;
  expect(z.error?.code).toMatch(/^helpdesk_/);
  expect(z.accounts).toEqual(retried.zendeskDeletion!.accounts);
  expect(z.complete).toContain('support');
  expect(z.polls).toBe(first.polls + 2);
  expect(zendeskDeletionSentence(z)).toContain('the last check failed');
  expect((await receiptOf(failing)).zendeskDeletion?.error).not.toBeNull();
});
