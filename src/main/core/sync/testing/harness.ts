import type { SyncStatus } from '../../../../shared/contract/groups/sync';
import { syncOperations } from '../../../../shared/contract/groups/sync';
import { mergeContract } from '../../../../shared/contract/define';
import type { EventPayload } from '../../../../shared/contract/events';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../../sim';
import { createTestCore, type TestCore } from '../../../../../test/support/core';
import { createRouter, type Router } from '../../router/router';
import { RateLimitScheduler, type RequestInfo } from '../../helpdesk';
import { SyncService, type SyncServiceOptions } from '../sync-service';
import { createSyncHandlers } from '../sync-handlers';

/**
 * A real core over a temp dir, a real simulator over HTTP, and the sync operations on their own
 * router (the lead wires them into the core's router; these tests do not depend on that).
 */
export interface SyncHarness {
  sim: Simulator;
  ctx: TestCore;
  router: Router;
  service: SyncService;
  workspaceId: string;
  /** Every request the client sent, with its query string. */
  requests: RequestInfo[];
  events: Array<EventPayload<'sync.progress'>>;
  call<T = unknown>(name: keyof typeof syncOperations, input: unknown): Promise<T>;
  callResult(name: keyof typeof syncOperations, input: unknown): Promise<Awaited<ReturnType<Router['call']>>>;
  /** Starts a sync and waits for it to end; returns the final status. */
  syncNow(): Promise<SyncStatus>;
  dispose(): Promise<void>;
}

export async function createSyncHarness(
  options: {
    sim?: SimulatorOptions;
    simulator?: Simulator;
    sync?: SyncServiceOptions;
    who?: 'admin' | 'agent';
    baseUrl?: string;
  } = {},
): Promise<SyncHarness> {
  const sim = options.simulator ?? (await startSimulator({ size: 'tiny', seed: 7, noLimits: true, ...options.sim }));
  const ctx = await createTestCore();
  const requests: RequestInfo[] = [];
  const events: Array<EventPayload<'sync.progress'>> = [];
  ctx.core.events.subscribe((name, payload) => {
    if (name === 'sync.progress') events.push(payload as EventPayload<'sync.progress'>);
  });
  const service = new SyncService(ctx.core.services, {
    ...options.sync,
    transport: {
      // The simulator runs without limits; a real account's 10 exports a minute would make tests wait.
      scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000, exportRequestsPerMinute: 100_000 }),
      maxAttempts: 2,
      backoff: { baseMs: 10, capMs: 50 },
      timeoutMs: 10_000,
      ...options.sync?.transport,
      onRequest: (info) => requests.push(info),
    },
  });
  const router = createRouter(mergeContract(syncOperations), createSyncHandlers(ctx.core.services, { service }), ctx.core.services.log);
  const who = sim[options.who ?? 'admin'];
  const created = await ctx.call('workspaces.create', {
    name: 'Simulator',
    address: { baseUrl: options.baseUrl ?? sim.url },
    email: who.email,
    apiToken: who.token,
  });
  if (!created.ok) throw new Error(`workspace: ${created.error.message}`);
  const workspaceId = created.value.id;
  const call = async <T>(name: keyof typeof syncOperations, input: unknown): Promise<T> => {
    const result = await router.call(name, input);
    if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
    return result.value as T;
  };
  return {
    sim,
    ctx,
    router,
    service,
    workspaceId,
    requests,
    events,
    call,
    callResult: (name, input) => router.call(name, input),
    async syncNow() {
      await call('sync.start', { workspaceId });
      await service.wait(workspaceId);
      // The side-conversation index's background fill too, so a test reads a settled account.
      await service.waitIndexFill(workspaceId);
      return call<SyncStatus>('sync.status', { workspaceId });
    },
    async dispose() {
      await ctx.dispose();
      if (!options.simulator) await sim.close();
    },
  };
}

/** Simulated time moves past the exports' one-minute hold-back, so recent changes become visible. */
export function pastHoldBack(sim: Simulator): void {
  sim.advanceClock(120);
}
