import { SYNC_STREAMS, type SyncProgress, type SyncStatus, type SyncStream } from '../../../shared/contract/groups/sync';
import { LetheError, type ErrorInfo } from '../../../shared/errors';
import {
  countRows,
  dataAsOf,
  getOrCreateDbKey,
  readSyncErrors,
  readSyncStates,
  recordSyncError,
  resolveNativeBinding,
  type Cache,
  type CountedTable,
} from '../db';
import type { TransportOptions, ZendeskClient } from '../helpdesk';
import type { CoreServices } from '../services';
import { WorkspaceDomain } from '../workspaces/workspace-clients';
import { toErrorInfo, type RunSyncResult, type StreamEvent } from './run-sync';
import { refreshSubject, type SubjectRefreshOutcome } from './subject-refresh';
import type { SubjectLook } from '../../../shared/schemas/subject-first';
import { stmt } from '../db/sqlite';
import { openLinkRegister } from '../subjects/links';
import { runSubjectFirstLook } from './subject-first/look';
import { runSyncInWorker, type WorkerRunOptions } from './worker-host';
import type { SyncWorkerData, WorkerMemory } from './worker-protocol';
import type { FillOptions, FillResult } from '../surfaces/side-conversation-fill';
import { IndexFills } from './index-fill';

type StreamState = SyncStatus['resources'][number]['state'];

interface StreamView {
  state: StreamState;
  progress: SyncProgress | null;
}

interface RunRecord {
  startedAt: string;
  finishedAt: string | null;
  controller: AbortController;
  done: Promise<RunSyncResult>;
  streams: Map<SyncStream, StreamView>;
  result: RunSyncResult | null;
  /** The thread that wrote this run's pages (the worker's threadId), for diagnostics and tests. */
  writerThreadId: number | null;
  fetcherThreadId: number | null;
}

export interface SyncServiceOptions {
  /** Tests: observe requests, use a virtual clock, fewer retries. */
  transport?: TransportOptions;
  /** Tests: smaller pages, to have many of them on a small dataset. */
  perPage?: number;
  /** Export pages per transaction at most (default in run-sync.ts, measured). */
  pagesPerTransaction?: number;
  /** How long a fetched page may wait for the next to share its transaction. */
  holdMs?: number;
  /** TESTS ONLY: the sync worker ends abruptly after this many committed pages. */
  workerFaultForTestsOnly?: SyncWorkerData['faultForTestsOnly'];
  /** How long counts are reused while a sync runs (counting 500k rows is not free). */
  countsTtlMs?: number;
  /**
   * The side-conversation index's background fill after a sync that reached the end of its
   * exports (surfaces/side-conversation-fill.ts); false turns it off. Default: half the budget,
   * 5,000 tickets a pass.
   */
  indexFill?: Partial<Pick<FillOptions, 'share' | 'perPass'>> | false;
  /** Benches: the sync worker's own heap every `everyMs` (the process RSS does not split by thread). */
  workerMemory?: { everyMs: number; report: (usage: WorkerMemory, thread: 'writer' | 'fetcher') => void };
}

const SHOWN_COUNTS = ['users', 'identities', 'organizations', 'tickets', 'participants', 'comments', 'attachments'] as const;
const ERRORS_SHOWN = 50;

/**
 * One sync at a time per workspace, in this process. The run itself happens in a worker thread
 * with its own connection to the cache (worker-host.ts); this thread starts and cancels it, relays
 * its progress to the event bus and answers status from its own connection. The helpdesk client
 * (and with it the rate-limit scheduler) is kept per workspace here, and the worker asks that
 * scheduler before each request, so the background export and subject refreshes share the
 * account's budget while the export also keeps its own.
 */
export class SyncService extends WorkspaceDomain<SyncServiceOptions> {
  readonly #runs = new Map<string, RunRecord>();
  readonly #counts = new Map<string, { at: number; counts: SyncStatus['counts'] }>();
  readonly #refreshes = new Set<AbortController>();
  readonly #fills: IndexFills;
  #closed = false;

  constructor(s: CoreServices, options: SyncServiceOptions = {}) {
    super(s, options);
    this.#fills = new IndexFills(s.log);
  }

  isRunning(workspaceId: string): boolean {
    const run = this.#runs.get(workspaceId);
    return run !== undefined && run.result === null;
  }

  /** Starts a sync, or returns the status of the one already running. */
  async start(workspaceId: string): Promise<SyncStatus> {
    if (this.#closed) throw new LetheError('conflict', 'Lethe is shutting down');
    if (this.isRunning(workspaceId)) return this.status(workspaceId);
    // Both before anything starts: a cache that cannot open or a missing token is the caller's answer.
    const cache = await this.s.caches.open(workspaceId);
    const client = await this.clients.client(workspaceId);
    if (this.isRunning(workspaceId)) return this.status(workspaceId);

    const controller = new AbortController();
    const streams = new Map<SyncStream, StreamView>(SYNC_STREAMS.map((r) => [r, { state: 'queued', progress: null }]));
    const run: RunRecord = {
      startedAt: new Date().toISOString(),
      finishedAt: null,
      controller,
      streams,
      result: null,
      writerThreadId: null,
      fetcherThreadId: null,
      done: Promise.resolve(null as unknown as RunSyncResult),
    };
    run.done = this.#execute(workspaceId, cache, client, run);
    this.#runs.set(workspaceId, run);
    return this.status(workspaceId);
  }

  async #execute(workspaceId: string, cache: Cache, client: ZendeskClient, run: RunRecord): Promise<RunSyncResult> {
    // Let start() return first: the caller gets "running" before the first request goes out.
    await Promise.resolve();
    let result: RunSyncResult;
    try {
      const data = await this.#workerData(workspaceId, cache);
      const ran = await runSyncInWorker({
        data,
        scheduler: client.scheduler,
        signal: run.controller.signal,
        onEvent: (event) => this.#onStreamEvent(workspaceId, run, event),
        ...(this.options.transport?.onRequest ? { onRequest: this.options.transport.onRequest } : {}),
        ...(this.options.workerMemory ? { onWorkerMemory: this.options.workerMemory.report } : {}),
        log: this.s.log.child('sync-worker'),
      });
      result = ran.result;
      run.writerThreadId = ran.threadId;
      run.fetcherThreadId = ran.fetcherThreadId;
      // The worker died without filing its failure: the history must still show it.
      if (ran.threadId === null && result.error) this.#fileCrash(workspaceId, cache, run, ran.lastStream ?? SYNC_STREAMS[0], result.error);
    } catch (error) {
      result = { outcome: 'failed', streams: [], error: toErrorInfo(error) };
    }
    run.result = result;
    run.finishedAt = new Date().toISOString();
    this.#counts.delete(workspaceId);
    for (const [resource, view] of run.streams) {
      if (view.state === 'queued' || view.state === 'running')
        run.streams.set(resource, { ...view, state: result.outcome === 'cancelled' ? 'cancelled' : 'idle' });
    }
    const total = [...run.streams.values()].reduce((n, v) => n + (v.progress?.done ?? 0), 0);
    this.#emit(workspaceId, 'all', result.outcome, { done: total, total, ratePerSecond: 0, etaSeconds: 0 }, result.error ?? undefined);
    if (result.outcome === 'done') this.#startIndexFill(workspaceId, cache, client);
    return result;
  }

  #startIndexFill(workspaceId: string, cache: Cache, client: ZendeskClient): void {
    if (this.options.indexFill === false || this.#closed) return;
    this.#fills.start(workspaceId, cache.db, client, this.options.indexFill ?? {}, (resource, phase, progress) =>
      this.#emit(workspaceId, resource, phase, progress),
    );
  }

  /** Waits for the side-conversation index's background fill of a workspace (if one runs). */
  waitIndexFill(workspaceId: string): Promise<FillResult | null> {
    return this.#fills.wait(workspaceId);
  }

  /** What the worker needs to open the same cache and reach the same account. Never logged. */
  async #workerData(workspaceId: string, cache: Cache): Promise<WorkerRunOptions['data']> {
    const credentials = await this.s.workspaces.credentials(workspaceId);
    // The key exists: the cache was opened with it just before.
    const key = await getOrCreateDbKey(this.s.workspaces.secretStoreFor(workspaceId), workspaceId, cache.path);
    const nativeBinding = resolveNativeBinding({ electron: this.s.face === 'electron' });
    const t = this.options.transport;
    return {
      cache: { path: cache.path, key, ...(nativeBinding ? { nativeBinding } : {}) },
      auth: { baseUrl: credentials.baseUrl, email: credentials.email, token: credentials.token },
      transport: {
        ...(t?.maxAttempts !== undefined ? { maxAttempts: t.maxAttempts } : {}),
        ...(t?.backoff ? { backoff: t.backoff } : {}),
        ...(t?.timeoutMs !== undefined ? { timeoutMs: t.timeoutMs } : {}),
      },
      ...(this.options.perPage ? { perPage: this.options.perPage } : {}),
      ...(this.options.pagesPerTransaction ? { pagesPerTransaction: this.options.pagesPerTransaction } : {}),
      ...(this.options.holdMs !== undefined ? { holdMs: this.options.holdMs } : {}),
      ...(this.options.workerFaultForTestsOnly ? { faultForTestsOnly: this.options.workerFaultForTestsOnly } : {}),
      ...(this.options.workerMemory ? { reportMemoryEveryMs: this.options.workerMemory.everyMs } : {}),
    };
  }

  #fileCrash(workspaceId: string, cache: Cache, run: RunRecord, resource: SyncStream, error: ErrorInfo): void {
    const progress = run.streams.get(resource)?.progress ?? { done: 0, total: null, ratePerSecond: 0, etaSeconds: null };
    run.streams.set(resource, { state: 'failed', progress });
    this.#record(cache, resource, error);
    this.#emit(workspaceId, resource, 'failed', progress, error);
  }

  #record(cache: Cache, resource: SyncStream, error: ErrorInfo): void {
    try {
      recordSyncError(cache.db, resource, error);
    } catch (e) {
      // Best effort, as in runSync: a cache that cannot take the error cannot take pages either.
      this.s.log.warn('sync error not recorded', { code: error.code, sqlite: (e as { code?: unknown }).code ?? null });
    }
  }

  /** Diagnostics: which thread wrote the last run (null: none yet, or it died before saying). */
  writerThreadId(workspaceId: string): number | null {
    return this.#runs.get(workspaceId)?.writerThreadId ?? null;
  }

  /** Diagnostics: which thread fetched the last run's pages for the writer. */
  fetcherThreadId(workspaceId: string): number | null {
    return this.#runs.get(workspaceId)?.fetcherThreadId ?? null;
  }

  #onStreamEvent(workspaceId: string, run: RunRecord, event: StreamEvent): void {
    run.streams.set(event.resource, { state: event.phase, progress: event.progress });
    this.#emit(workspaceId, event.resource, event.phase, event.progress, event.error);
  }

  #emit(workspaceId: string, resource: string, phase: StreamEvent['phase'], progress: SyncProgress, error?: ErrorInfo): void {
    try {
      this.s.events.emit('sync.progress', {
        workspaceId,
        resource,
        phase,
        done: progress.done,
        total: progress.total,
        ratePerSecond: progress.ratePerSecond,
        etaSeconds: progress.etaSeconds,
        ...(error ? { message: `${error.code}: ${error.message}` } : {}),
      });
    } catch (e) {
      this.s.log.warn('sync progress event refused', e);
    }
  }

  /** Waits for the running sync of a workspace (if any) to end. */
  async wait(workspaceId: string): Promise<RunSyncResult | null> {
    const run = this.#runs.get(workspaceId);
    return run ? run.done : null;
  }

  async cancel(workspaceId: string): Promise<SyncStatus> {
    const run = this.#runs.get(workspaceId);
    if (run && run.result === null) {
      run.controller.abort(new LetheError('cancelled', 'Sync cancelled'));
      await run.done;
    }
    return this.status(workspaceId);
  }

  async status(workspaceId: string): Promise<SyncStatus> {
    const cache = await this.s.caches.open(workspaceId);
    const db = cache.db;
    const run = this.#runs.get(workspaceId);
    const running = run !== undefined && run.result === null;
    const states = new Map(readSyncStates(db).map((st) => [st.resource, st]));
    const resources = SYNC_STREAMS.map((resource) => {
      const stored = states.get(resource);
      const live = run?.streams.get(resource);
      const lastError = parseLastError(stored?.lastError ?? null);
      let state: StreamState = stored?.lastSuccessAt ? 'idle' : 'never';
      if (live && live.state !== 'idle') state = live.state;
      else if (lastError) state = 'failed';
      return {
        resource,
        state,
        items: stored?.items ?? 0,
        lastPageAt: stored?.lastPageAt ?? null,
        lastSuccessAt: stored?.lastSuccessAt ?? null,
        lastError,
        progress: live?.progress ?? null,
      };
    });
    return {
      workspaceId,
      running,
      startedAt: run?.startedAt ?? null,
      finishedAt: run?.finishedAt ?? null,
      outcome: run?.result?.outcome ?? null,
      error: run?.result?.error ? { code: run.result.error.code, message: run.result.error.message } : null,
      dataAsOf: dataAsOf(db),
      counts: this.#countsOf(workspaceId, cache, running),
      resources,
      errors: readSyncErrors(db, ERRORS_SHOWN),
    };
  }

  #countsOf(workspaceId: string, cache: Cache, running: boolean): SyncStatus['counts'] {
    const ttl = this.options.countsTtlMs ?? 3000;
    const cached = this.#counts.get(workspaceId);
    if (running && cached && Date.now() - cached.at < ttl) return cached.counts;
    const all = countRows(cache.db);
    const counts = Object.fromEntries(SHOWN_COUNTS.map((t: CountedTable) => [t, all[t]])) as SyncStatus['counts'];
    this.#counts.set(workspaceId, { at: Date.now(), counts });
    return counts;
  }

  async refreshSubject(workspaceId: string, userId: number): Promise<SubjectRefreshOutcome & { refreshedAt: string }> {
    const cache = await this.s.caches.open(workspaceId);
    const client = await this.clients.client(workspaceId);
    const controller = new AbortController();
    this.#refreshes.add(controller);
    try {
      const outcome = await refreshSubject(cache.db, client, userId, controller.signal);
      this.#counts.delete(workspaceId);
      return { ...outcome, refreshedAt: new Date().toISOString() };
    } finally {
      this.#refreshes.delete(controller);
    }
  }

  /**
   * A subject-first look (subject-first/look.ts): the person behind `email`, fetched now through
   * the account budget, whether or not a sync runs. Progress per surface goes out as sync.progress
   * events on `subject-first:<surface>`, so the UI shows what is being fetched as it happens.
   */
  async subjectFirst(workspaceId: string, email: string): Promise<SubjectLook> {
    if (this.#closed) throw new LetheError('conflict', 'Lethe is shutting down');
    const cache = await this.s.caches.open(workspaceId);
    const client = await this.clients.client(workspaceId);
    const register = await openLinkRegister(this.s, workspaceId, cache.db);
    const confirmed = (userId: number): number[] =>
      stmt(
        register,
        `SELECT linked_user_id FROM identity_links WHERE user_id = ? AND decision = 'confirmed'
         UNION SELECT user_id FROM identity_links WHERE linked_user_id = ? AND decision = 'confirmed'`,
      )
        .pluck()
        .all(userId, userId) as number[];
    const controller = new AbortController();
    this.#refreshes.add(controller);
    const started = Date.now();
    const told = new Map<string, string>();
    try {
      const look = await runSubjectFirstLook(cache.db, client, email, {
        signal: controller.signal,
        confirmed,
        onProgress: (l) => {
          const seconds = Math.max(0.001, (Date.now() - started) / 1000);
          for (const p of l.surfaces) {
            const seen = `${p.state}:${p.items}`;
            if (p.state === 'queued' || p.state === 'skipped' || told.get(p.id) === seen) continue;
            told.set(p.id, seen);
            const phase = p.state === 'failed' ? 'failed' : p.state === 'done' ? 'done' : 'running';
            this.#emit(
              workspaceId,
              `subject-first:${p.id}`,
              phase,
              { done: p.items, total: null, ratePerSecond: p.items / seconds, etaSeconds: null },
              p.error ? { code: p.error.code as ErrorInfo['code'], message: p.error.message } : undefined,
            );
          }
        },
      });
      this.#counts.delete(workspaceId);
      return look;
    } finally {
      this.#refreshes.delete(controller);
    }
  }

  /** Deletes the cache (the user's explicit choice); a running sync is cancelled first. */
  async resetCache(workspaceId: string): Promise<{ removedFiles: number }> {
    await this.s.workspaces.get(workspaceId);
    await this.cancel(workspaceId).catch(() => undefined);
    await this.#fills.cancel(workspaceId);
    this.#runs.delete(workspaceId);
    this.#counts.delete(workspaceId);
    const { removed } = await this.s.caches.reset(workspaceId);
    return { removedFiles: removed };
  }

  /** Cancels everything running; the core closes caches after this. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const controller of this.#refreshes) controller.abort(new LetheError('cancelled', 'Lethe is shutting down'));
    const pending = [...this.#runs.values()].filter((r) => r.result === null);
    for (const run of pending) run.controller.abort(new LetheError('cancelled', 'Lethe is shutting down'));
    await Promise.all(pending.map((r) => r.done.catch(() => undefined)));
    await this.#fills.close();
  }
}

function parseLastError(raw: string | null): { code: string; message: string } | null {
  if (!raw) return null;
  const at = raw.indexOf(': ');
  return at < 0 ? { code: raw, message: '' } : { code: raw.slice(0, at), message: raw.slice(at + 2) };
}
