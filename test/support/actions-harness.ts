import { mergeContract } from '../../src/shared/contract/define';
import { actionOperations } from '../../src/shared/contract/groups/actions';
import { createActionHandlers } from '../../src/main/core/actions';
import { ActionService } from '../../src/main/core/actions/service';
import { fillCacheFromHelpdesk } from '../../src/main/core/erasure/testing/fill-cache';
import { RateLimitScheduler, ZendeskClient } from '../../src/main/core/helpdesk';
import { createRouter, type Router } from '../../src/main/core/router/router';
import { startSimulator, type Simulator } from '../../src/sim';
import { createTestCore, type TestCore } from './core';

/**
 * A simulator, a core whose cache was filled from it, and the actions operations on their own
 * router, with an action service that gives up fast (two attempts, short back-off) so offline
 * cases stay quick.
 */
export interface ActionsHarness {
  sim: Simulator;
  ctx: TestCore;
  router: Router;
  workspaceId: string;
  dispose(): Promise<void>;
}

export async function createActionsHarness(): Promise<ActionsHarness> {
  const sim = await startSimulator({ size: 'tiny', seed: 7, noLimits: true });
  const ctx = await createTestCore();
  const created = await ctx.call('workspaces.create', {
    name: 'Simulator',
    address: { baseUrl: sim.url },
    email: sim.admin.email,
    apiToken: sim.admin.token,
  });
  if (!created.ok) throw new Error(created.error.message);
  const workspaceId = created.value.id;
  const cache = await ctx.core.services.caches.open(workspaceId);
  const filler = new ZendeskClient(
    { baseUrl: sim.url, email: sim.admin.email, token: sim.admin.token },
    { scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000, exportRequestsPerMinute: 100_000 }) },
  );
  await fillCacheFromHelpdesk(cache.db, filler);
  const service = new ActionService(ctx.core.services, {
    transport: {
      scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000 }),
      maxAttempts: 2,
      backoff: { baseMs: 5, capMs: 20 },
      timeoutMs: 5_000,
    },
  });
  const router = createRouter(mergeContract(actionOperations), createActionHandlers(ctx.core.services, { service }), ctx.core.services.log);
  return {
    sim,
    ctx,
    router,
    workspaceId,
    async dispose() {
      await ctx.dispose();
      await sim.close();
    },
  };
}
