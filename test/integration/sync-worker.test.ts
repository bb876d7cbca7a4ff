import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SyncStatus } from '../../src/shared/contract/groups/sync';
import { readSyncState, type SqliteDb } from '../../src/main/core/db';
import { RateLimitScheduler } from '../../src/main/core/helpdesk';
import { SyncService } from '../../src/main/core/sync';
import { createSyncHarness, pastHoldBack, type SyncHarness } from '../../src/main/core/sync/testing/harness';
import { expectedCache } from '../../src/main/core/sync/testing/truth';
import { THREAD_HEAP_LIMITS } from '../../src/main/core/sync/worker-entry';
import type { WorkerMemory } from '../../src/main/core/sync/worker-protocol';
import { threadNices } from '../support/thread-nices';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

/** Rows this connection has inserted, updated or deleted since it opened. */
const totalChanges = (db: SqliteDb): number => db.prepare('SELECT total_changes()').pluck().get() as number;

describe('the sync runs in a worker thread', () => {
  it('the pages are written by another thread, not through the main thread connection', async () => {
    // Only the sync's own writes here: the side-conversation index's fill after it writes from this
    // thread (through writeWhenFree, like the other main-thread writes) and is tested on its own.
    h = await createSyncHarness({ sim: { size: 'small', seed: 11, noLimits: true }, sync: { indexFill: false } });
    pastHoldBack(h.sim);
    const main = (await h.ctx.core.services.caches.open(h.workspaceId)).db;
    const changesBefore = totalChanges(main);

    const status = await h.syncNow();

    expect(status.outcome).toBe('done');
    const expected = expectedCache(h.sim);
    expect(status.counts.tickets).toBe(expected.tickets);
    expect(status.counts.comments).toBe(expected.comments);
    const writer = h.service.writerThreadId(h.workspaceId);
    expect(writer).not.toBeNull();
    expect(writer).not.toBe(threadId);
    // The pages were fetched by a third thread, whose requests still went through this thread's scheduler.
    const fetcher = h.service.fetcherThreadId(h.workspaceId);
    expect(fetcher).not.toBeNull();
    expect(fetcher).not.toBe(threadId);
    expect(fetcher).not.toBe(writer);
    expect(h.requests.filter((r) => r.template === '/api/v2/incremental/ticket_events').length).toBeGreaterThan(0);
    // Every row arrived, and this thread's connection changed none of them.
    expect(totalChanges(main)).toBe(changesBefore);
    // The worker indexed the mentions in the comments it wrote: the first dossier finds nothing to do.
    expect(main.prepare('SELECT count(*) FROM comment_keys_pending').pluck().get()).toBe(0);
    expect(main.prepare('SELECT count(DISTINCT comment_id) FROM comment_identity_keys').pluck().get()).toBeGreaterThan(0);
    // The run ended with a TRUNCATE checkpoint: the WAL holds nothing left to fold back.
    const wal = main.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>;
    expect(wal[0]?.log).toBe(0);
  });
});

describe("the sync's threads yield the CPU to the one that serves the UI", () => {
  it('the writer runs 5 below it and the fetching thread 10 below it; nothing else changes', async () => {
    h = await createSyncHarness({
      sim: { size: 'small', seed: 11, noLimits: true },
      // Two exports a minute: the second page waits, so the threads are there to be looked at.
      sync: {
        perPage: 5,
        indexFill: false,
        transport: { scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000, exportRequestsPerMinute: 2 }) },
      },
    });
    const before = process.platform === 'linux' ? threadNices() : null;
    await h.call('sync.start', { workspaceId: h.workspaceId });
    // A committed page: the fetching thread has fetched it, so both threads have set their priority.
    await vi.waitFor(() => expect(h!.events.some((e) => e.done > 0)).toBe(true), { timeout: 10_000 });
    if (before) {
      const mainNice = before.get(process.pid)!;
      const now = threadNices();
      const added = [...now].filter(([tid]) => !before.has(tid)).map(([, nice]) => nice);
      // Linux: each by its own thread id; the process and the threads it had keep their priority.
      expect(added.filter((nice) => nice === Math.min(19, mainNice + 5))).toHaveLength(1);
      expect(added.filter((nice) => nice === Math.min(19, mainNice + 10))).toHaveLength(1);
      for (const [tid, nice] of before) if (now.has(tid)) expect(now.get(tid), `thread ${tid}`).toBe(nice);
    }
    await h.call('sync.cancel', { workspaceId: h.workspaceId });
    expect((await h.service.wait(h.workspaceId))?.outcome).toBe('cancelled');
  });
});

describe("the worker's memory report (benches)", () => {
  it("posts each thread's own heap while it runs when asked, and the run is unchanged", async () => {
    const reports: Array<WorkerMemory & { thread: string }> = [];
    h = await createSyncHarness({
      sim: { size: 'small', seed: 11, noLimits: true },
      sync: { indexFill: false, workerMemory: { everyMs: 10, report: (usage, thread) => reports.push({ ...usage, thread }) } },
    });
    pastHoldBack(h.sim);

    const status = await h.syncNow();

    expect(status.outcome).toBe('done');
    expect(status.counts.comments).toBe(expectedCache(h.sim).comments);
    // One report as the worker starts, then one every 10 ms.
    expect(reports.length).toBeGreaterThan(0);
    expect(new Set(reports.map((r) => r.thread))).toEqual(new Set(['writer', 'fetcher']));
    for (const usage of reports) {
      expect(usage.heapUsed).toBeGreaterThan(0);
      expect(usage.heapUsed).toBeLessThanOrEqual(usage.heapTotal);
      expect(usage.heapTotal).toBeLessThanOrEqual(usage.heapLimit);
      expect(usage.arrayBuffers).toBeLessThanOrEqual(usage.external);
    }
  });

  it("each thread's heap is bounded by its own limit, not by the machine's memory", async () => {
    const limits = new Map<string, number>();
    h = await createSyncHarness({
      sim: { size: 'small', seed: 11, noLimits: true },
      sync: { indexFill: false, workerMemory: { everyMs: 10, report: (usage, thread) => limits.set(thread, usage.heapLimit) } },
    });
    pastHoldBack(h.sim);

    expect((await h.syncNow()).outcome).toBe('done');

    // V8's limit is the old generation's plus one and a half young generations' (the semispaces and
    // the new large-object space). Without resourceLimits it is sized from the machine's memory:
    // 4 GB on a 24 GB machine.
    const MB = 2 ** 20;
    for (const [thread, name] of [
      ['writer', 'sync-worker'],
      ['fetcher', 'page-fetcher'],
    ] as const) {
      const { maxOldGenerationSizeMb = 0, maxYoungGenerationSizeMb = 0 } = THREAD_HEAP_LIMITS[name];
      expect(limits.get(thread)).toBe((maxOldGenerationSizeMb + 1.5 * maxYoungGenerationSizeMb) * MB);
    }
  });
});

describe('a worker that dies', () => {
  const crashes = async (kind: 'exit' | 'throw' | 'fetcher-exit'): Promise<{ status: SyncStatus; harness: SyncHarness }> => {
    const harness = await createSyncHarness({
      sync: { perPage: 5, pagesPerTransaction: 1, workerFaultForTestsOnly: { afterPages: 2, kind } },
    });
    h = harness;
    pastHoldBack(harness.sim);
    const status = await harness.syncNow();
    expect(status.outcome).toBe('failed');
    expect(status.running).toBe(false);
    expect(status.error?.code).toBe('internal_error');
    expect(status.errors[0]).toMatchObject({ resource: 'users', code: 'internal_error' });
    expect(status.resources.find((r) => r.resource === 'users')?.state).toBe('failed');
    expect(status.resources.find((r) => r.resource === 'users')?.lastError?.code).toBe('internal_error');
    expect(harness.events.at(-1)).toMatchObject({ resource: 'all', phase: 'failed' });
    return { status, harness };
  };

  /** A new service (the app after a restart) on the same core and cache finishes the sync from the stored cursor. */
  const resumes = async (harness: SyncHarness, stored: string): Promise<void> => {
    const requests: URL[] = [];
    const service = new SyncService(harness.ctx.core.services, {
      perPage: 5,
      transport: {
        scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000, exportRequestsPerMinute: 100_000 }),
        onRequest: (info) => {
          if (info.template === '/api/v2/incremental/users/cursor') requests.push(info.url);
        },
      },
    });
    await service.start(harness.workspaceId);
    const result = await service.wait(harness.workspaceId);
    expect(result?.outcome).toBe('done');
    expect(requests[0]?.searchParams.get('cursor')).toBe(stored);
    const status = await service.status(harness.workspaceId);
    const expected = expectedCache(harness.sim);
    expect(status.counts.users).toBe(expected.users);
    expect(status.counts.tickets).toBe(expected.tickets);
    expect(status.counts.comments).toBe(expected.comments);
    await service.close();
  };

  it('exit code other than 0: a recorded internal_error; the cache keeps exactly the pages committed', async () => {
    const { status, harness } = await crashes('exit');
    // Two pages of five, one page per transaction, then the exit.
    expect(status.counts.users).toBe(10);
    const cache = (await harness.ctx.core.services.caches.open(harness.workspaceId)).db;
    expect(cache.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = readSyncState(cache, 'users')?.cursor;
    expect(stored).toBeTruthy();
    await resumes(harness, stored!);
  });

  it('an uncaught error: a recorded internal_error; the next run resumes', async () => {
    const { status, harness } = await crashes('throw');
    expect(status.counts.users).toBeGreaterThanOrEqual(10);
    const cache = (await harness.ctx.core.services.caches.open(harness.workspaceId)).db;
    expect(cache.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = readSyncState(cache, 'users')?.cursor;
    // The stored cursor belongs to the last committed page: its users are all in.
    expect(readSyncState(cache, 'users')?.items).toBe(status.counts.users);
    await resumes(harness, stored!);
  });

  it('its fetching thread dies: a recorded internal_error, the run stops there, the cache keeps exactly the pages committed', async () => {
    const { status, harness } = await crashes('fetcher-exit');
    // Two pages of five handed over and committed, then the fetching thread is gone.
    expect(status.counts.users).toBe(10);
    // One failure, not one per stream: the streams after it were not started without a fetcher.
    expect(status.errors.filter((e) => e.code === 'internal_error')).toHaveLength(1);
    expect(status.resources.find((r) => r.resource === 'tickets')?.lastError ?? null).toBeNull();
    expect(status.counts.tickets).toBe(0);
    const cache = (await harness.ctx.core.services.caches.open(harness.workspaceId)).db;
    expect(cache.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = readSyncState(cache, 'users')?.cursor;
    expect(stored).toBeTruthy();
    await resumes(harness, stored!);
  });
});
