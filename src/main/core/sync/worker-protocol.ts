import type { MessagePort } from 'node:worker_threads';
import type { SyncStream } from '../../../shared/contract/groups/sync';
import type { ErrorInfo } from '../../../shared/errors';
import type { BackoffOptions } from '../helpdesk/retry-policy';
import type { RunSyncResult, StreamEvent } from './run-sync';
import type { FetchedPage, StreamStart } from './streams';

/**
 * What crosses between the main thread and the sync worker. Everything is structured-clonable.
 * The key and the credentials travel only in `workerData` (same process, never posted back,
 * never logged, never in an event).
 */

export interface SyncWorkerData {
  cache: {
    path: string;
    key: string;
    nativeBinding?: string;
    busyTimeoutMs?: number;
    /** BENCH ONLY (bench/sync.ts measures what encryption costs); never set by the app. */
    unencryptedForBenchmarkOnly?: boolean;
  };
  auth: { baseUrl: string; email: string; token: string };
  /** The serialisable part of the transport options; the scheduler stays in the main thread. */
  transport: { maxAttempts?: number; backoff?: BackoffOptions; timeoutMs?: number };
  perPage?: number;
  pagesPerTransaction?: number;
  holdMs?: number;
  streams?: SyncStream[];
  /** Report each request (tests observe them through the main thread's onRequest). */
  reportRequests?: boolean;
  /** Post the worker's own heap figures every this many ms (benches: the process RSS does not split by thread). */
  reportMemoryEveryMs?: number;
  /**
   * TESTS ONLY: end the worker abruptly after this many committed pages ('exit', 'throw'), or its
   * fetching thread after this many pages handed over ('fetcher-exit').
   */
  faultForTestsOnly?: { afterPages: number; kind: 'exit' | 'throw' | 'fetcher-exit' };
  /**
   * The fetching thread's line to the main thread (its rate-limit questions, requests and log
   * lines), handed on to it by the writer: a channel of its own, so an acquire is answered while
   * the writer is busy writing.
   */
  fetcherPort: MessagePort;
}

/** What the writer hands the fetching thread it starts (page-fetcher.ts). */
export interface FetcherData {
  auth: SyncWorkerData['auth'];
  transport: SyncWorkerData['transport'];
  reportRequests: boolean;
  mainPort: MessagePort;
  /** Post the thread's own heap figures every this many ms (benches), as the writer does. */
  reportMemoryEveryMs?: number;
  /** TESTS ONLY: the thread exits instead of handing over the page after this many. */
  exitAfterPagesForTestsOnly?: number;
}

/** The writer to its fetching thread. `run` numbers the streams, so nothing of a stopped one is taken for the next. */
export type WriterToFetcher =
  | { type: 'start'; run: number; stream: SyncStream; start: StreamStart; perPage: number }
  /** The writer took a page: one more may be fetched ahead. */
  | { type: 'taken'; run: number }
  | { type: 'stop'; run: number }
  | { type: 'cancel' };

export type FetcherToWriter =
  | { type: 'page'; run: number; page: FetchedPage<unknown> }
  | { type: 'end'; run: number }
  | { type: 'failed'; run: number; error: ErrorInfo };

/** What the fetching thread says to the main thread, and hears back, on its own channel (SyncWorkerData.fetcherPort). */
export type FetcherToMain =
  | { type: 'scheduler'; call: SchedulerOp }
  | { type: 'request'; info: { method: string; template: string; url: string; attempt: number } }
  | { type: 'memory'; usage: WorkerMemory }
  | LogLine;
export type MainToFetcher = { type: 'acquired'; id: number } | { type: 'acquire-failed'; id: number };

export type SchedulerOp =
  | { op: 'acquire'; id: number; export: boolean }
  | { op: 'acquire-cancel'; id: number }
  | { op: 'noteRetry' }
  | { op: 'noteRateLimited' }
  | { op: 'pauseUntil'; until: number }
  | { op: 'observe'; headers: Record<string, string> };

export type LogLine = { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string };

/** The writer (sync-worker.ts) to the main thread. */
export type WorkerToMain =
  | { type: 'event'; seq: number; event: StreamEvent }
  | LogLine
  | { type: 'memory'; usage: WorkerMemory }
  | { type: 'done'; result: RunSyncResult; threadId: number; fetcherThreadId: number | null; mentionIndex: MentionIndexRun | null };

/** The worker isolate's heap (V8's figures for this thread alone) and the buffers it holds outside it, in bytes. */
export interface WorkerMemory {
  heapUsed: number;
  heapTotal: number;
  /** The most this thread's heap may grow to (worker-entry.ts THREAD_HEAP_LIMITS). */
  heapLimit: number;
  external: number;
  arrayBuffers: number;
}

/** The worker's catch-up of the subjects' mention index after the streams (see sync-worker.ts). */
export interface MentionIndexRun {
  comments: number;
  ms: number;
}

export type MainToWorker = { type: 'cancel' } | { type: 'ack'; seq: number };

/** The rate-limit headers the main thread's scheduler learns from (see RateLimitScheduler.observe). */
export const RATE_LIMIT_HEADERS = ['x-rate-limit', 'x-rate-limit-remaining', 'ratelimit-remaining', 'ratelimit-reset'] as const;
