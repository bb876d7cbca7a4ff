import { mergeContract } from '../../../../shared/contract/define';
import { erasureOperations, type ErasurePlan, type RunStatus } from '../../../../shared/contract/groups/erasure';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../../sim';
import { createTestCore, type TestCore } from '../../../../../test/support/core';
import { RateLimitScheduler, ZendeskClient, type RequestInfo } from '../../helpdesk';
import { createRouter, type Router } from '../../router/router';
import { fillCacheFromHelpdesk } from './fill-cache';
import { createErasureHandlers } from '../erasure-handlers';
import { ErasureService } from '../service';

/** The simulator and the core the erasure runs against. */
export interface SimAndCore {
  sim: Simulator;
  ctx: TestCore;
  workspaceId: string;
}

/**
 * A real core, a real simulator and a cache filled from the simulator's exports through the real
 * client (fillCacheFromHelpdesk), with the erasure operations on their own router, so these tests
 * depend on neither the sync engine nor the core's wiring.
 */
export interface ErasureHarness {
  sync: SimAndCore;
  router: Router;
  service: ErasureService;
  workspaceId: string;
  /** Every request the erasure's client sent. */
  requests: RequestInfo[];
  call<T = unknown>(name: keyof typeof erasureOperations, input: unknown): Promise<T>;
  callResult(name: keyof typeof erasureOperations, input: unknown): ReturnType<Router['call']>;
  /** plan → revalidate → execute with the right confirmation (mentions for review acknowledged); returns the checked plan. */
  checkAndExecute(subject: string, tweak?: (plan: ErasurePlan) => Promise<ErasurePlan> | ErasurePlan): Promise<ErasurePlan>;
  /** checkAndExecute, then wait for the run; returns the final status. */
  planAndRun(
    subject: string,
    tweak?: (plan: ErasurePlan) => Promise<ErasurePlan> | ErasurePlan,
  ): Promise<{ plan: ErasurePlan; status: RunStatus }>;
  dispose(): Promise<void>;
}

/** The officer's confirmation of exactly this plan: its subject and counts, its mentions for review acknowledged. */
export function confirmationFor(subject: string, plan: ErasurePlan) {
  return {
    subject,
    deleteTickets: plan.counts.tickets.delete,
    redactTickets: plan.counts.tickets.redact,
    mentionsReviewed: plan.counts.mentionsForReview,
  };
}

export async function createErasureHarness(
  options: {
    sim?: SimulatorOptions;
    maxAttempts?: number;
    autoStart?: boolean;
    baseUrl?: string;
    /** The run's wait for Zendesk's own deletion status (default here: one read, no wait). */
    zendeskStatus?: { waitMs: number; pollMs: number };
  } = {},
): Promise<ErasureHarness> {
  const sim = await startSimulator({ size: 'tiny', seed: 7, noLimits: true, jobDelayMs: 20, ...options.sim });
  const ctx = await createTestCore();
  const created = await ctx.call('workspaces.create', {
    name: 'Simulator',
    address: { baseUrl: sim.url },
    email: sim.admin.email,
    apiToken: sim.admin.token,
  });
  if (!created.ok) throw new Error(`workspace: ${created.error.message}`);
  const sync: SimAndCore = { sim, ctx, workspaceId: created.value.id };
  const cache = await ctx.core.services.caches.open(sync.workspaceId);
  const filler = new ZendeskClient(
    { baseUrl: sim.url, email: sim.admin.email, token: sim.admin.token },
    {
      scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000, exportRequestsPerMinute: 100_000 }),
    },
  );
  await fillCacheFromHelpdesk(cache.db, filler);
  sim.advanceClock(120);
  if (options.baseUrl) {
    // Synced straight from the simulator; the erasure then talks through the given address (a fault proxy).
    // A new address needs the token again (it was entered for the old one).
    const updated = await sync.ctx.call('workspaces.update', {
      id: sync.workspaceId,
      address: { baseUrl: options.baseUrl },
      apiToken: sim.admin.token,
    });
    if (!updated.ok) throw new Error(`workspace: ${updated.error.message}`);
  }
  const requests: RequestInfo[] = [];
  const service = new ErasureService(sync.ctx.core.services, {
    transport: {
      scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000 }),
      maxAttempts: 4,
      backoff: { baseMs: 5, capMs: 20 },
      timeoutMs: 10_000,
      onRequest: (info) => requests.push(info),
    },
    pollIntervalMs: 10,
    // The simulator runs jobs within tens of milliseconds: two seconds is ample in-flight time.
    inFlightGraceMs: 2_000,
    zendeskStatus: options.zendeskStatus ?? { waitMs: 0, pollMs: 10 },
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.autoStart !== undefined ? { autoStart: options.autoStart } : {}),
  });
  const router = createRouter(
    mergeContract(erasureOperations),
    createErasureHandlers(sync.ctx.core.services, { service }),
    sync.ctx.core.services.log,
  );
  const call = async <T>(name: keyof typeof erasureOperations, input: unknown): Promise<T> => {
    const result = await router.call(name, input);
    if (!result.ok) {
      const details = result.error.details === undefined ? '' : ` ${JSON.stringify(result.error.details)}`;
      throw Object.assign(new Error(`${result.error.code}: ${result.error.message}${details}`), { code: result.error.code });
    }
    return result.value as T;
  };
  const workspaceId = sync.workspaceId;
  const checkAndExecute: ErasureHarness['checkAndExecute'] = async (subject, tweak) => {
    let plan = await call<ErasurePlan>('erasure.plan', { workspaceId, subject });
    if (tweak) plan = await tweak(plan);
    plan = await call<ErasurePlan>('erasure.revalidate', { workspaceId, planId: plan.id });
    await call<RunStatus>('erasure.execute', {
      workspaceId,
      planId: plan.id,
      confirm: confirmationFor(subject, plan),
    });
    return plan;
  };
  return {
    sync,
    router,
    service,
    workspaceId,
    requests,
    call,
    callResult: (name, input) => router.call(name, input),
    checkAndExecute,
    async planAndRun(subject, tweak) {
      const plan = await checkAndExecute(subject, tweak);
      await service.wait(plan.id);
      return { plan, status: await call<RunStatus>('erasure.status', { workspaceId, runId: plan.id }) };
    },
    async dispose() {
      await service.close();
      await ctx.dispose();
      await sim.close();
    },
  };
}
