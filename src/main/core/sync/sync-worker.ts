/**
 * The sync worker: a whole sync run on threads of its own, so the thread that serves the UI never
 * waits for it. This thread writes (SQLite, through its own connection to the workspace cache);
 * a fetching thread it starts (page-fetcher.ts) does the HTTP, JSON, validation and mapping, so
 * the writes are not kept waiting behind them. The cache is in WAL mode: the main thread keeps
 * reading through its connection, and busy_timeout covers its rare writes (an error record, a
 * subject refresh) overlapping ours.
 *
 * The rate-limit budget stays the account's, shared with the main thread's client: every request
 * the fetching thread sends asks the main thread's scheduler first, on a channel of its own.
 *
 * Started by worker-host.ts; built as its own entry (out/main/sync-worker.js).
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { openCache, type Cache } from '../db';
import { catchUpMentionIndex } from '../subjects/mention-index';
import { FetchingThread } from './fetching-thread';
import { relayedLogger } from './relayed-scheduler';
import { reportHeapEvery } from './thread-memory';
import { lowerThisThreadPriority } from './thread-priority';
import { runSync, toErrorInfo, type RunSyncResult } from './run-sync';
import type { MainToWorker, MentionIndexRun, SyncWorkerData, WorkerToMain } from './worker-protocol';

if (!parentPort) throw new Error('sync-worker.ts runs only as a worker thread');
const port = parentPort;
const data = workerData as SyncWorkerData;
const post = (message: WorkerToMain): void => port.postMessage(message);

const controller = new AbortController();
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
  }
});

/** Waits until the main thread has handled every event sent: a cancel it sent meanwhile is seen before the next write. */
function mainCaughtUp(): Promise<void> | void {
  if (eventsAcked >= eventsSent) return;
  return new Promise<void>((resolve) => ackWaiters.push(resolve));
}

const SYNC_WAL_AUTOCHECKPOINT_PAGES = 40_000;

/**
 * The writer yields the CPU to the thread that serves the UI, as the fetching thread does (which
 * is lower still: it starts before this thread lowers itself, so it keeps its own +10 over the
 * UI's). On two cores the writer, the fetching thread and whatever serves the helpdesk's pages
 * (in the benches, the simulator) can all want a CPU at once.
 */
const WRITER_NICENESS = 5;

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
  if (!fault || fault.kind === 'fetcher-exit' || ++committedPages < fault.afterPages) return;
  if (fault.kind === 'exit') process.exit(3);
  setImmediate(() => {
    throw new Error('injected sync worker fault (tests only)');
  });
}

async function main(): Promise<void> {
  reportHeapEvery(data.reportMemoryEveryMs, (usage) => post({ type: 'memory', usage }));
  let cache: Cache | undefined;
  let result: RunSyncResult;
  let mentionIndex: MentionIndexRun | null = null;
  let fetcher: FetchingThread | undefined;
  let fetcherThreadId: number | null = null;
  try {
    cache = openCache({
      path: data.cache.path,
      key: data.cache.key,
      log: relayedLogger(post, 'db'),
      ...(data.cache.nativeBinding ? { nativeBinding: data.cache.nativeBinding } : {}),
      ...(data.cache.busyTimeoutMs !== undefined ? { busyTimeoutMs: data.cache.busyTimeoutMs } : {}),
      ...(data.cache.unencryptedForBenchmarkOnly ? { unencryptedForBenchmarkOnly: true } : {}),
    });
    // A bulk writer's checkpoint policy: every checkpoint decrypts and re-encrypts the pages it
    // copies, and a sync rewrites the same index pages commit after commit, so a longer WAL copies
    // each of them fewer times. bench/sync.ts (medium, in-process): 93.7 s at the connection's
    // 10,000 pages, 80.0 s at 40,000 (a WAL of up to ~160 MB, truncated when the run ends).
    cache.db.pragma(`wal_autocheckpoint = ${SYNC_WAL_AUTOCHECKPOINT_PAGES}`);
    const fault = data.faultForTestsOnly;
    fetcher = new FetchingThread(
      {
        auth: data.auth,
        transport: data.transport,
        reportRequests: data.reportRequests ?? false,
        mainPort: data.fetcherPort,
        ...(data.reportMemoryEveryMs ? { reportMemoryEveryMs: data.reportMemoryEveryMs } : {}),
        ...(fault?.kind === 'fetcher-exit' ? { exitAfterPagesForTestsOnly: fault.afterPages } : {}),
      },
      controller.signal,
    );
    fetcherThreadId = fetcher.threadId;
    lowerThisThreadPriority(WRITER_NICENESS);
    const db = cache.db;
    result = await runSync({
      db,
      source: { pages: fetcher.pages },
      signal: controller.signal,
      ...(data.perPage !== undefined ? { perPage: data.perPage } : {}),
      ...(data.pagesPerTransaction !== undefined ? { pagesPerTransaction: data.pagesPerTransaction } : {}),
      ...(data.holdMs !== undefined ? { holdMs: data.holdMs } : {}),
      ...(data.streams ? { streams: data.streams } : {}),
      beforeTransaction: mainCaughtUp,
      onPage: data.faultForTestsOnly ? injectFault : undefined,
      onEvent: (event) => post({ type: 'event', seq: ++eventsSent, event }),
    });
    await fetcher.close();
    fetcher = undefined;
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
    await fetcher?.close();
    try {
      cache?.db.close();
    } catch {
      // Closing cannot lose anything committed.
    }
  }
  post({ type: 'done', result, threadId, fetcherThreadId, mentionIndex });
}

await main();
port.close();
