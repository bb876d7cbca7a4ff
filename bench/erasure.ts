/**
 * Erasure on the `medium` dataset (about 100,000 tickets, 20,000 users, 500,000 comments) for the
 * end user with the most tickets (about 1,000):
 * - preview_ms: `erasure.plan` through the router, offline from the encrypted cache (median of 5);
 * - api_calls_per_deleted_ticket: the requests deleting needs (bulk soft-delete and purge jobs,
 *   their polling, the deleted_tickets pass and the show_many calls of verification) over the
 *   tickets permanently deleted; all_run_calls_per_deleted_ticket divides every request of the run
 *   (redactions and the execute-time live re-check included) by the same number;
 * - api_calls_per_redaction: redaction requests over redacted comments, and with their share of
 *   verification (one comments listing per redacted ticket);
 * - surfaces: per surface of the plan, its items and the requests made for it during the
 *   revalidation and the run (its live look, its journal operations, its verification; the client
 *   names them through `withRequestScope`), and calls per item;
 * - wall time of the run at the simulator's default rate limit (700 requests a minute): the
 *   simulator enforces it (only its separate export budget is raised, so filling the cache does
 *   not take an hour), and the client's scheduler is set to the same budget.
 * The cache is filled from the simulator's exports with the db write API (test helper), without
 * per-user identity calls: subjects are found by their profile e-mail.
 *
 *   npm run bench -- erasure      (or: npx tsx bench/erasure.ts [size])
 */
import { performance } from 'node:perf_hooks';
import { mergeContract } from '../src/shared/contract/define';
import { erasureOperations, type ErasurePlan, type RunStatus } from '../src/shared/contract/groups/erasure';
import { startSimulator, type DatasetSize } from '../src/sim';
import { createTestCore } from '../test/support/core';
import { RateLimitScheduler, ZendeskClient, type RequestInfo } from '../src/main/core/helpdesk';
import { createRouter } from '../src/main/core/router/router';
import { createErasureHandlers, ErasureService } from '../src/main/core/erasure';
import { fillCacheFromHelpdesk } from '../src/main/core/erasure/testing/fill-cache';

const size = (process.argv[2] ?? 'medium') as DatasetSize;
const emit = (line: Record<string, unknown>): void => console.log(JSON.stringify(line));
const DEFAULT_RATE = 700;

const sim = await startSimulator({ size, seed: 1, rateLimitPerMinute: DEFAULT_RATE, exportLimitPerMinute: 1_000_000 });
const ctx = await createTestCore();
try {
  const created = await ctx.call('workspaces.create', {
    name: 'Bench',
    address: { baseUrl: sim.url },
    email: sim.admin.email,
    apiToken: sim.admin.token,
  });
  if (!created.ok) throw new Error(created.error.message);
  const workspaceId = created.value.id;
  const cache = await ctx.core.services.caches.open(workspaceId);
  const fillStart = performance.now();
  const filler = new ZendeskClient(
    { baseUrl: sim.url, email: sim.admin.email, token: sim.admin.token },
    { scheduler: new RateLimitScheduler({ requestsPerMinute: DEFAULT_RATE, exportRequestsPerMinute: 1_000_000 }) },
  );
  await fillCacheFromHelpdesk(cache.db, filler, { identities: false });
  sim.advanceClock(120);
  emit({
    step: 'fill',
    seconds: +((performance.now() - fillStart) / 1000).toFixed(1),
    tickets: cache.db.prepare('SELECT count(*) FROM tickets').pluck().get(),
  });

  const top = cache.db
    .prepare(
      `SELECT u.email, count(DISTINCT p.ticket_id) AS n FROM participants p JOIN users u ON u.id = p.user_id
       WHERE u.role = 'end-user' AND u.email IS NOT NULL GROUP BY p.user_id ORDER BY n DESC LIMIT 1`,
    )
    .get() as { email: string; n: number };
  emit({ step: 'subject', tickets: top.n });

  const requests: RequestInfo[] = [];
  const service = new ErasureService(ctx.core.services, {
    transport: { scheduler: new RateLimitScheduler({ requestsPerMinute: DEFAULT_RATE }), onRequest: (info) => requests.push(info) },
    pollIntervalMs: 300,
  });
  const router = createRouter(
    mergeContract(erasureOperations),
    createErasureHandlers(ctx.core.services, { service }),
    ctx.core.services.log,
  );
  const call = async <T>(name: keyof typeof erasureOperations, input: unknown): Promise<T> => {
    const r = await router.call(name, input);
    if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };

  const times: number[] = [];
  let plan: ErasurePlan | undefined;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    plan = await call<ErasurePlan>('erasure.plan', { workspaceId, subject: top.email });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const previewMs = times[2]!;
  emit({
    step: 'preview',
    median_ms: +previewMs.toFixed(1),
    min_ms: +times[0]!.toFixed(1),
    max_ms: +times[4]!.toFixed(1),
    tickets: plan!.tickets.length,
    counts: plan!.counts.tickets,
  });

  const beforeRevalidate = requests.length;
  plan = await call<ErasurePlan>('erasure.revalidate', { workspaceId, planId: plan!.id });
  const revalidateCalls = requests.length - beforeRevalidate;
  const beforeRun = requests.length;
  const t0 = performance.now();
  await call<RunStatus>('erasure.execute', {
    workspaceId,
    planId: plan.id,
    confirm: {
      subject: top.email,
      deleteTickets: plan.counts.tickets.delete,
      redactTickets: plan.counts.tickets.redact,
      mentionsReviewed: plan.counts.mentionsForReview,
    },
  });
  await service.wait(plan.id);
  const wallSeconds = (performance.now() - t0) / 1000;
  const status = await call<RunStatus>('erasure.status', { workspaceId, runId: plan.id });
  const runRequests = requests.slice(beforeRun);
  const runCalls = runRequests.length;
  const deleted = status.byKind['ticket.purge']?.done ?? 0;
  const redactionOps = status.byKind['comment.redact']?.done ?? 0;
  const redactionCalls = runRequests.filter((r) => r.template.includes('redact')).length;
  const commentListings = runRequests.filter((r) => r.template === '/api/v2/tickets/{ticket_id}/comments').length;
  const byTemplate: Record<string, number> = {};
  for (const r of runRequests) byTemplate[`${r.method} ${r.template}`] = (byTemplate[`${r.method} ${r.template}`] ?? 0) + 1;
  emit({
    step: 'run',
    state: status.state,
    verified: status.verification?.ok ?? false,
    operations: status.operations,
    requests_by_endpoint: byTemplate,
  });

  // Calls that exist because tickets are deleted: the bulk jobs, their polling, the deleted_tickets
  // pass and the show_many calls of verification (those after the last bulk purge). The redaction
  // calls and the execute-time live re-check are reported on their own lines.
  const lastPurge = runRequests.map((r) => r.template).lastIndexOf('/api/v2/deleted_tickets/destroy_many');
  const deletionCalls = runRequests.filter(
    (r, i) =>
      r.template === '/api/v2/tickets/destroy_many' ||
      r.template === '/api/v2/deleted_tickets/destroy_many' ||
      r.template.startsWith('/api/v2/job_statuses') ||
      r.template === '/api/v2/deleted_tickets' ||
      (r.template === '/api/v2/tickets/show_many' && i > lastPurge),
  ).length;
  const perDeleted = deleted ? deletionCalls / deleted : null;

  // Per surface: the requests its look, operations and verification made (revalidation and run),
  // over the plan's items on it.
  const erasureRequests = requests.slice(beforeRevalidate);
  const surfaces: Record<
    string,
    { searched: boolean; reason: string | null; items: number; calls: number; calls_per_item: number | null }
  > = {};
  const itemsOf = new Map<string, number>();
  for (const i of plan.surfaceItems) itemsOf.set(i.surface, (itemsOf.get(i.surface) ?? 0) + 1);
  for (const c of plan.coverage) {
    const items = itemsOf.get(c.surface) ?? 0;
    const calls = erasureRequests.filter((r) => r.scope === `surface:${c.surface}`).length;
    // Surfaces Lethe does not read (not supported), and synced ones the plan lists elsewhere
    // (accounts, tickets, comments: the lines above), cost nothing here and say nothing.
    if (items === 0 && calls === 0 && (c.reason === 'not_supported' || c.read === 'synced')) continue;
    surfaces[c.surface] = {
      searched: c.searched,
      reason: c.reason,
      items,
      calls,
      calls_per_item: items ? +(calls / items).toFixed(3) : null,
    };
  }
  emit({
    bench: 'erasure',
    size,
    subject_tickets: top.n,
    preview_ms: +previewMs.toFixed(1),
    preview_target_ms: 200,
    deleted_tickets: deleted,
    redacted_comments: redactionOps,
    run_api_calls: runCalls,
    revalidate_api_calls: revalidateCalls,
    deletion_api_calls: deletionCalls,
    api_calls_per_deleted_ticket: perDeleted === null ? null : +perDeleted.toFixed(3),
    all_run_calls_per_deleted_ticket: deleted ? +(runCalls / deleted).toFixed(3) : null,
    api_calls_per_deleted_ticket_target: 0.1,
    api_calls_per_redaction: redactionOps ? +(redactionCalls / redactionOps).toFixed(3) : null,
    api_calls_per_redaction_with_verification: redactionOps ? +((redactionCalls + commentListings) / redactionOps).toFixed(3) : null,
    surfaces,
    wall_seconds: +wallSeconds.toFixed(1),
    rate_limit_per_minute: DEFAULT_RATE,
    state: status.state,
  });
} finally {
  await ctx.dispose();
  await sim.close();
}
