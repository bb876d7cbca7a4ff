import { MessageChannel, Worker } from 'node:worker_threads';
import type { SyncStream } from '../../../shared/contract/groups/sync';
import type { ErrorInfo } from '../../../shared/errors';
import type { RateLimitScheduler, RequestInfo } from '../helpdesk';
import type { Logger } from '../log/logger';
import type { RunSyncResult, StreamEvent } from './run-sync';
import { THREAD_HEAP_LIMITS, workerEntry } from './worker-entry';
import type {
  FetcherToMain,
  MainToFetcher,
  MainToWorker,
  MentionIndexRun,
  SchedulerOp,
  SyncWorkerData,
  WorkerMemory,
  WorkerToMain,
} from './worker-protocol';

export interface WorkerRunOptions {
  data: Omit<SyncWorkerData, 'fetcherPort' | 'reportRequests'>;
  /** The account's scheduler, shared with the main thread's client (subject refreshes). */
  scheduler: RateLimitScheduler;
  signal: AbortSignal;
  onEvent?: (event: StreamEvent) => void;
  onRequest?: (info: RequestInfo) => void;
  /** Each sync thread's own heap, every `data.reportMemoryEveryMs` (benches). */
  onWorkerMemory?: (usage: WorkerMemory, thread: 'writer' | 'fetcher') => void;
  log?: Logger;
}

export interface WorkerRunResult {
  result: RunSyncResult;
  /** The thread that wrote (null when the worker died before saying). */
  threadId: number | null;
  /** The thread that fetched the pages for it (null when none started, or the worker died before saying). */
  fetcherThreadId: number | null;
  /** The stream that was running when the worker ended (to file a crash under). */
  lastStream: SyncStream | null;
  /** The mention index catch-up after the streams; null when it did not run (cancelled, failed to open). */
  mentionIndex: MentionIndexRun | null;
}

/** A worker that ended without its result: an uncaught error, an out-of-memory kill, a native crash. */
export const WORKER_CRASHED_MESSAGE = 'The sync stopped unexpectedly; the cache keeps every page committed before';

/**
 * Runs one sync in a worker thread and relays what it says: progress events and its log lines, and
 * on the channel of its fetching thread (page-fetcher.ts) the requests that one sends (tests), its
 * log lines and its rate-limit questions to the shared scheduler. Aborting `signal` asks the worker
 * to stop after the page it is on; the result then says 'cancelled'.
 */
export function runSyncInWorker(options: WorkerRunOptions): Promise<WorkerRunResult> {
  const entry = workerEntry('sync-worker');
  const fetcherChannel = new MessageChannel();
  const fetcherPort = fetcherChannel.port1;
  const worker = new Worker(entry.file, {
    workerData: {
      ...options.data,
      reportRequests: options.onRequest !== undefined,
      fetcherPort: fetcherChannel.port2,
    } satisfies SyncWorkerData,
    transferList: [fetcherChannel.port2],
    eval: entry.eval,
    resourceLimits: THREAD_HEAP_LIMITS['sync-worker'],
    // The worker's own stdout/stderr would bypass the log (and its redaction).
    stdout: true,
    stderr: true,
  });
  // Drained, never forwarded: nothing the worker prints may reach a terminal or a log unfiltered.
  worker.stdout.resume();
  worker.stderr.resume();
  const post = (message: MainToWorker): void => {
    try {
      worker.postMessage(message);
    } catch {
      // The worker is gone; its exit settles the run.
    }
  };
  const acquires = new Map<number, AbortController>();
  const answerFetcher = (message: MainToFetcher): void => {
    try {
      fetcherPort.postMessage(message);
    } catch {
      // The thread is gone; nothing waits for the answer.
    }
  };
  let lastStream: SyncStream | null = null;
  let crash: { name: string } | null = null;

  const onAbort = (): void => post({ type: 'cancel' });
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener('abort', onAbort, { once: true });

  return new Promise<WorkerRunResult>((resolve) => {
    let settled = false;
    const settle = (outcome: WorkerRunResult): void => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      for (const c of acquires.values()) c.abort();
      acquires.clear();
      fetcherPort.close();
      resolve(outcome);
    };

    worker.on('message', (message: WorkerToMain) => {
      switch (message.type) {
        case 'event':
          if (message.event.phase === 'running') lastStream = message.event.resource;
          try {
            options.onEvent?.(message.event);
          } finally {
            // After the listeners: a cancel they sent is queued before this ack (see sync-worker.ts).
            post({ type: 'ack', seq: message.seq });
          }
          break;
        case 'log':
          options.log?.[message.level](message.message);
          break;
        case 'memory':
          options.onWorkerMemory?.(message.usage, 'writer');
          break;
        case 'done':
          settle({
            result: message.result,
            threadId: message.threadId,
            fetcherThreadId: message.fetcherThreadId,
            lastStream,
            mentionIndex: message.mentionIndex,
          });
          // Everything is committed and the worker's connection closed: nothing left to wait for.
          void worker.terminate();
          break;
      }
    });

    fetcherPort.on('message', (message: FetcherToMain) => {
      switch (message.type) {
        case 'request':
          options.onRequest?.({ ...message.info, url: new URL(message.info.url) });
          break;
        case 'log':
          options.log?.[message.level](message.message);
          break;
        case 'scheduler':
          relayScheduler(message.call);
          break;
        case 'memory':
          options.onWorkerMemory?.(message.usage, 'fetcher');
          break;
      }
    });

    const relayScheduler = (call: SchedulerOp): void => {
      const scheduler = options.scheduler;
      switch (call.op) {
        case 'acquire': {
          const controller = new AbortController();
          acquires.set(call.id, controller);
          scheduler.acquire({ export: call.export, signal: controller.signal }).then(
            () => {
              if (acquires.delete(call.id)) answerFetcher({ type: 'acquired', id: call.id });
            },
            () => {
              if (acquires.delete(call.id)) answerFetcher({ type: 'acquire-failed', id: call.id });
            },
          );
          break;
        }
        case 'acquire-cancel':
          acquires.get(call.id)?.abort();
          acquires.delete(call.id);
          break;
        case 'noteRetry':
          scheduler.noteRetry();
          break;
        case 'noteRateLimited':
          scheduler.noteRateLimited();
          break;
        case 'pauseUntil':
          scheduler.pauseUntil(call.until);
          break;
        case 'observe':
          scheduler.observe(new Headers(call.headers));
          break;
      }
    };

    worker.on('error', (error) => {
      // Only the kind: an uncaught error's message may quote a record.
      crash = { name: error instanceof Error ? error.name : typeof error };
    });
    worker.on('exit', (code) => {
      if (settled) return;
      options.log?.error('sync worker ended without a result', { exitCode: code, error: crash?.name ?? null });
      const error: ErrorInfo = {
        code: 'internal_error',
        message: WORKER_CRASHED_MESSAGE,
        details: { reason: 'sync_worker_crashed', exitCode: code },
      };
      settle({ result: { outcome: 'failed', streams: [], error }, threadId: null, fetcherThreadId: null, lastStream, mentionIndex: null });
    });
  });
}
