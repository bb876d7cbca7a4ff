import { mergeContract } from '../../../../shared/contract/define';
import { erasureOperations, type ErasurePlan, type RunStatus } from '../../../../shared/contract/groups/erasure';
import type { SimulatorOptions } from '../../../../sim';
import { RateLimitScheduler, type RequestInfo } from '../../helpdesk';
import { createRouter, type Router } from '../../router/router';
import { createSyncHarness, pastHoldBack, type SyncHarness } from '../../sync/testing/harness';
import { createErasureHandlers } from '../erasure-handlers';
import { ErasureService } from '../service';

/**
 * A real core, a real simulator and a cache filled by the real sync engine (through the sync
 * module's own test harness), with the erasure operations on their own router: the lead wires
 * them into the core's router; these tests do not depend on that.
 */
export interface ErasureHarness {
  sync: SyncHarness;
  router: Router;
  service: ErasureService;
  workspaceId: string;
  /** Every request the erasure's client sent. */
  requests: RequestInfo[];
  call<T = unknown>(name: keyof typeof erasureOperations, input: unknown): Promise<T>;
  callResult(name: keyof typeof erasureOperations, input: unknown): ReturnType<Router['call']>;
  /** plan → revalidate → execute with the right confirmation → wait; returns the final status. */
  planAndRun(subject: string, tweak?: (plan: ErasurePlan) => Promise<ErasurePlan> | ErasurePlan): Promise<{ plan: ErasurePlan; status: RunStatus }>;
  dispose(): Promise<void>;
}

export async function createErasureHarness(options: { sim?: SimulatorOptions; maxAttempts?: number } = {}): Promise<ErasureHarness> {
  const sync = await createSyncHarness({ sim: { size: 'tiny', seed: 7, noLimits: true, jobDelayMs: 20, ...options.sim } });
  const status = await sync.syncNow();
  if (status.outcome !== 'done') throw new Error(`sync: ${status.error?.message ?? status.outcome}`);
  pastHoldBack(sync.sim);
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
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
  const router = createRouter(mergeContract(erasureOperations), createErasureHandlers(sync.ctx.core.services, { service }), sync.ctx.core.services.log);
  const call = async <T,>(name: keyof typeof erasureOperations, input: unknown): Promise<T> => {
    const result = await router.call(name, input);
    if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
    return result.value as T;
  };
  const workspaceId = sync.workspaceId;
  return {
    sync,
    router,
    service,
    workspaceId,
    requests,
    call,
    callResult: (name, input) => router.call(name, input),
    async planAndRun(subject, tweak) {
      let plan = await call<ErasurePlan>('erasure.plan', { workspaceId, subject });
      if (tweak) plan = await tweak(plan);
      plan = await call<ErasurePlan>('erasure.revalidate', { workspaceId, planId: plan.id });
      await call<RunStatus>('erasure.execute', {
        workspaceId,
        planId: plan.id,
        confirm: { subject, deleteTickets: plan.counts.tickets.delete, redactTickets: plan.counts.tickets.redact },
      });
      await service.wait(plan.id);
      return { plan, status: await call<RunStatus>('erasure.status', { workspaceId, runId: plan.id }) };
    },
    async dispose() {
      await service.close();
      await sync.dispose();
    },
  };
}
