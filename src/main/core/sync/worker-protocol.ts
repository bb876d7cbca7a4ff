import type { SyncStream } from '../../../shared/contract/groups/sync';
import type { BackoffOptions } from '../helpdesk/retry-policy';
import type { RunSyncResult, StreamEvent } from './run-sync';

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
  /** TESTS ONLY: end the worker abruptly after this many committed pages. */
  faultForTestsOnly?: { afterPages: number; kind: 'exit' | 'throw' };
}

export type SchedulerOp =
  | { op: 'acquire'; id: number; export: boolean }
  | { op: 'acquire-cancel'; id: number }
  | { op: 'noteRetry' }
  | { op: 'noteRateLimited' }
  | { op: 'pauseUntil'; until: number }
  | { op: 'observe'; headers: Record<string, string> };

export type WorkerToMain =
  | { type: 'event'; seq: number; event: StreamEvent }
  | { type: 'request'; info: { method: string; template: string; url: string; attempt: number } }
  | { type: 'scheduler'; call: SchedulerOp }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
  | { type: 'memory'; usage: WorkerMemory }
  | { type: 'done'; result: RunSyncResult; threadId: number; mentionIndex: MentionIndexRun | null };

/** The worker isolate's heap (V8's figures for this thread alone) and the buffers it holds outside it, in bytes. */
export interface WorkerMemory {
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** The worker's catch-up of the subjects' mention index after the streams (see sync-worker.ts). */
export interface MentionIndexRun {
  comments: number;
  ms: number;
}

export type MainToWorker =
  { type: 'cancel' } | { type: 'ack'; seq: number } | { type: 'acquired'; id: number } | { type: 'acquire-failed'; id: number };

/** The rate-limit headers the main thread's scheduler learns from (see RateLimitScheduler.observe). */
export const RATE_LIMIT_HEADERS = ['x-rate-limit', 'x-rate-limit-remaining', 'ratelimit-remaining', 'ratelimit-reset'] as const;
