/**
 * The sync worker: a whole sync run (HTTP, JSON, validation, mapping, SQLite writes) on its own
 * thread with its own connection to the workspace cache, so the thread that serves the UI never
 * waits for it. The cache is in WAL mode: the main thread keeps reading through its connection,
 * and busy_timeout covers its rare writes (an error record, a subject refresh) overlapping ours.
 *
 * The rate-limit budget stays the account's, shared with the main thread's client: every request
 * asks the main thread's scheduler first (a few messages per 1,000 records).
 *
 * Started by worker-host.ts; built as its own entry (out/main/sync-worker.js).
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { openCache, type Cache } from '../db';
import { RateLimitScheduler, ZendeskClient } from '../helpdesk';
import type { AcquireOptions } from '../helpdesk/scheduler';
import type { Logger } from '../log/logger';
import { catchUpMentionIndex } from '../subjects/mention-index';
import { runSync, toErrorInfo, type RunSyncResult } from './run-sync';
import {
  RATE_LIMIT_HEADERS,
  type MainToWorker,
  type MentionIndexRun,
  type SchedulerOp,
  type SyncWorkerData,
  type WorkerToMain,
} from './worker-protocol';

if (!parentPort) throw new Error('sync-worker.ts runs only as a worker thread');
const port = parentPort;
const data = workerData as SyncWorkerData;
const post = (message: WorkerToMain): void => port.postMessage(message);
const schedulerCall = (call: SchedulerOp): void => post({ type: 'scheduler', call });

const controller = new AbortController();
const acquires = new Map<number, { resolve: () => void; reject: (reason: unknown) => void }>();
let nextAcquire = 0;
let eventsSent = 0;
let eventsAcked = 0;
let ackWaiters: Array<() => void> = [];

port.on('message', (message: MainToWorker) => {
  switch (message.type) {
    case 'cancel':
      controller.abort();
      break;
    case 'ack':
      eventsAcked = Math.max(eventsAcked, message.seq);
      if (eventsAcked >= eventsSent) {
        const waiters = ackWaiters;
        ackWaiters = [];
        for (const w of waiters) w();
      }
      break;
    case 'acquired':
    case 'acquire-failed': {
      const pending = acquires.get(message.id);
      acquires.delete(message.id);
      if (message.type === 'acquired') pending?.resolve();
      else pending?.reject(new Error('rate-limit wait refused'));
      break;
    }
  }
});

/**
 * The transport's gate, answered by the main thread's scheduler. The local budget is unlimited:
 * the main thread's windows, pause and header learning are the only ones that count.
 */
class RelayedScheduler extends RateLimitScheduler {
  constructor() {
    super({ requestsPerMinute: 1e9, exportRequestsPerMinute: 1e9 });
  }

  override acquire(options: AcquireOptions = {}): Promise<void> {
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason ?? new DOMException('Aborted', 'AbortError'));
    const id = ++nextAcquire;
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        acquires.delete(id);
        schedulerCall({ op: 'acquire-cancel', id });
        reject(signal?.reason ?? new DOMException('Aborted', 'AbortError'));
      };
      acquires.set(id, {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (reason) => {
          signal?.removeEventListener('abort', onAbort);
          reject(reason);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      schedulerCall({ op: 'acquire', id, export: options.export ?? false });
    });
  }

  override pauseUntil(until: number): void {
    schedulerCall({ op: 'pauseUntil', until });
  }

  override noteRetry(): void {
    schedulerCall({ op: 'noteRetry' });
  }

  override noteRateLimited(): void {
    schedulerCall({ op: 'noteRateLimited' });
  }

  override observe(headers: Headers): void {
    const picked: Record<string, string> = {};
    for (const name of RATE_LIMIT_HEADERS) {
      const value = headers.get(name);
      if (value !== null) picked[name] = value;
    }
    if (Object.keys(picked).length > 0) schedulerCall({ op: 'observe', headers: picked });
  }
}

/** Messages only: the transport's and the db's log lines hold operation names and codes, not data. */
function relayedLogger(scope: string): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string): void =>
      post({ type: 'log', level, message: `${scope}: ${message}` });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (s) => relayedLogger(`${scope}.${s}`) };
}

/** Waits until the main thread has handled every event sent: a cancel it sent meanwhile is seen before the next write. */
function mainCaughtUp(): Promise<void> | void {
  if (eventsAcked >= eventsSent) return;
  return new Promise<void>((resolve) => ackWaiters.push(resolve));
}

const SYNC_WAL_AUTOCHECKPOINT_PAGES = 40_000;

/**
 * The subjects' mention index (which comments quote which e-mail or phone number) is derived from
 * the comment text by JavaScript, queued by triggers as comments are written. Indexing the queue
 * here, off the main thread, is what keeps the first dossier after a sync from doing it there:
 * 9.1 s for the medium dataset's 500k comments, a frozen window. Small transactions, so the main
 * thread (which indexes whatever is left when a dossier opens) waits little for the lock.
 * A failure or a cancel leaves the rest queued for the next run or the dossier: nothing is lost.
 */
async function indexMentions(db: Cache['db']): Promise<MentionIndexRun | null> {
  const started = performance.now();
  try {
    const comments = await catchUpMentionIndex(db, { batch: MENTION_INDEX_BATCH, signal: controller.signal });
    return { comments, ms: Math.round(performance.now() - started) };
  } catch (error) {
    post({ type: 'log', level: 'warn', message: `sync: mention index catch-up failed (${toErrorInfo(error).code})` });
    return null;
  }
}
const MENTION_INDEX_BATCH = 1_000;

let committedPages = 0;
function injectFault(): void {
  const fault = data.faultForTestsOnly;
  if (!fault || ++committedPages < fault.afterPages) return;
  if (fault.kind === 'exit') process.exit(3);
  setImmediate(() => {
    throw new Error('injected sync worker fault (tests only)');
  });
}

function reportMemory(everyMs: number | undefined): void {
  if (!everyMs) return;
  const send = (): void => {
    // In a worker, memoryUsage's heap figures are this isolate's; rss is the whole process's and left out.
    const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    post({ type: 'memory', usage: { heapUsed, heapTotal, external, arrayBuffers } });
  };
  send();
  setInterval(send, everyMs).unref();
}

async function main(): Promise<void> {
  reportMemory(data.reportMemoryEveryMs);
  let cache: Cache | undefined;
  let result: RunSyncResult;
  let mentionIndex: MentionIndexRun | null = null;
  try {
    cache = openCache({
      path: data.cache.path,
      key: data.cache.key,
      log: relayedLogger('db'),
      ...(data.cache.nativeBinding ? { nativeBinding: data.cache.nativeBinding } : {}),
      ...(data.cache.busyTimeoutMs !== undefined ? { busyTimeoutMs: data.cache.busyTimeoutMs } : {}),
      ...(data.cache.unencryptedForBenchmarkOnly ? { unencryptedForBenchmarkOnly: true } : {}),
    });
    // A bulk writer's checkpoint policy: every checkpoint decrypts and re-encrypts the pages it
    // copies, and a sync rewrites the same index pages commit after commit, so a longer WAL copies
    // each of them fewer times. bench/sync.ts (medium, in-process): 93.7 s at the connection's
    // 10,000 pages, 80.0 s at 40,000 (a WAL of up to ~160 MB, truncated when the run ends).
    cache.db.pragma(`wal_autocheckpoint = ${SYNC_WAL_AUTOCHECKPOINT_PAGES}`);
    const client = new ZendeskClient(data.auth, {
      ...data.transport,
      scheduler: new RelayedScheduler(),
      logger: relayedLogger('helpdesk'),
      ...(data.reportRequests
        ? {
            onRequest: (info) =>
              post({ type: 'request', info: { method: info.method, template: info.template, url: info.url.href, attempt: info.attempt } }),
          }
        : {}),
    });
    const db = cache.db;
    result = await runSync({
      db,
      transport: client.transport,
      signal: controller.signal,
      ...(data.perPage !== undefined ? { perPage: data.perPage } : {}),
      ...(data.pagesPerTransaction !== undefined ? { pagesPerTransaction: data.pagesPerTransaction } : {}),
      ...(data.holdMs !== undefined ? { holdMs: data.holdMs } : {}),
      ...(data.streams ? { streams: data.streams } : {}),
      beforeTransaction: mainCaughtUp,
      onPage: data.faultForTestsOnly ? injectFault : undefined,
      onEvent: (event) => post({ type: 'event', seq: ++eventsSent, event }),
    });
    if (result.outcome !== 'cancelled') mentionIndex = await indexMentions(cache.db);
    if (result.outcome === 'done') {
      // Fold the WAL back after a big write so the file on disk is the whole cache and the WAL
      // does not stay tens of megabytes; a reader holding an old snapshot only makes it partial.
      try {
        cache.checkpoint('TRUNCATE');
      } catch {
        // The next checkpoint (or close) does it.
      }
    }
  } catch (error) {
    // Opening the cache failed (wrong key, damaged file, locked): the main thread records it.
    result = { outcome: 'failed', streams: [], error: toErrorInfo(error) };
  } finally {
    try {
      cache?.db.close();
    } catch {
      // Closing cannot lose anything committed.
    }
  }
  post({ type: 'done', result, threadId, mentionIndex });
}

await main();
port.close();
