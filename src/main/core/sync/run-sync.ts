import { SYNC_STREAMS, type SyncProgress, type SyncStream } from '../../../shared/contract/groups/sync';
import { LetheError, type ErrorCode, type ErrorInfo } from '../../../shared/errors';
import { recordSyncError, type SqliteDb } from '../db';
import { sqliteCode } from '../db/sqlite';
import type { HelpdeskTransport } from '../helpdesk/transport';
import { FETCHER_CRASHED_REASON } from './fetcher-crash';
import { ProgressMeter } from './progress';
import { fetchedAhead, localPages, runStream, VALIDATE_SLICE, type PageSource } from './streams';

export type StreamOutcome = 'done' | 'failed' | 'cancelled' | 'skipped';

export interface StreamEvent {
  resource: SyncStream;
  phase: 'running' | 'done' | 'failed' | 'cancelled';
  progress: SyncProgress;
  error?: ErrorInfo;
}

export interface RunSyncOptions {
  db: SqliteDb;
  /**
   * Where the export pages come from: a transport fetches them on this thread, between the writes;
   * `pages` gets them from elsewhere (the sync worker's fetching thread, see page-fetcher.ts).
   */
  source: { transport: HelpdeskTransport } | { pages: PageSource };
  signal: AbortSignal;
  streams?: readonly SyncStream[];
  perPage?: number;
  /** Export pages per transaction at most (default DEFAULT_PAGES_PER_TRANSACTION). */
  pagesPerTransaction?: number;
  /** How long a transaction stays open for more pages after its first (default DEFAULT_HOLD_MS). */
  holdMs?: number;
  /** Awaited before each transaction opens: the worker's barrier with the main thread (see sync-worker.ts). */
  beforeTransaction?: () => Promise<void> | void;
  onEvent?: (event: StreamEvent) => void;
  /** After each committed page: the crash test's acknowledgement. */
  onPage?: (resource: SyncStream, page: { items: number; endOfStream: boolean; ids: () => number[] }) => void;
  nowMs?: () => number;
}

/**
 * bench/sync.ts, medium: each commit writes the shared index and FTS pages again, encrypted, and
 * FTS5 writes a new index segment per commit, so pages share transactions. Measured in-process on
 * the 2-core machine with pages written as they arrive: 10 pages / 1 s hold 80.0 s, 20 pages / 2 s
 * 80.6 s, so the shorter hold (other connections wait for the write lock meanwhile). Earlier, with
 * pages written at commit time: 5 pages 296 s, 10 pages 238 s; more pages hold more parsed JSON in
 * memory (peak RSS 317 MB at 5, 351 MB at 10).
 */
export const DEFAULT_PAGES_PER_TRANSACTION = 10;
export const DEFAULT_HOLD_MS = 1000;

export interface RunSyncResult {
  outcome: 'done' | 'failed' | 'cancelled';
  streams: Array<{ resource: SyncStream; outcome: StreamOutcome; items: number; error?: ErrorInfo }>;
  /** The first error that stopped the whole run (or the first stream error). */
  error: ErrorInfo | null;
}

/**
 * These say nothing about one stream: the next stream would meet them too, so the run stops.
 * Other failures (a page Lethe cannot read, an unexpected HTTP status) stop only their stream.
 */
const FATAL: ReadonlySet<ErrorCode> = new Set([
  'helpdesk_auth_failed',
  'helpdesk_forbidden',
  'helpdesk_unreachable',
  'helpdesk_rate_limited',
  'db_key_invalid',
  'db_corrupt',
  'db_locked',
  'cancelled',
]);

/** A fetching thread that died is gone for every stream after this one too (see fetching-thread.ts). */
function stopsTheRun(error: ErrorInfo): boolean {
  return FATAL.has(error.code) || error.details?.reason === FETCHER_CRASHED_REASON;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof LetheError) return error.toInfo();
  const code = sqliteCode(error);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
    return { code: 'db_locked', message: 'The cache is busy in another Lethe process' };
  if (code?.startsWith('SQLITE_CORRUPT')) return { code: 'db_corrupt', message: 'The cache file is damaged; reset it and sync again' };
  // Never the raw message: driver and runtime messages can carry values from records.
  return { code: 'internal_error', message: `Sync failed unexpectedly${code ? ` (${code})` : ''}` };
}

/**
 * Runs the export streams one after the other against an open cache. Each committed page moves
 * that stream's stored position, so a cancelled, failed or killed run resumes where it stopped.
 * Failures go into the cache's error history (codes and operation names only, no personal data).
 */
export async function runSync(options: RunSyncOptions): Promise<RunSyncResult> {
  const nowMs = options.nowMs ?? Date.now;
  const streams = options.streams ?? SYNC_STREAMS;
  const result: RunSyncResult = { outcome: 'done', streams: [], error: null };
  // On this thread the writes wait while a page is validated, so validation is sliced for them.
  const pages =
    'pages' in options.source ? options.source.pages : fetchedAhead(localPages(options.source.transport, options.signal, VALIDATE_SLICE));
  let stopped = false;
  for (const resource of streams) {
    if (stopped || options.signal.aborted) {
      result.streams.push({ resource, outcome: options.signal.aborted ? 'cancelled' : 'skipped', items: 0 });
      continue;
    }
    const meter = new ProgressMeter(nowMs);
    options.onEvent?.({ resource, phase: 'running', progress: meter.snapshot() });
    try {
      await runStream(
        {
          db: options.db,
          pages,
          signal: options.signal,
          perPage: options.perPage ?? 1000,
          pagesPerTransaction: Math.max(1, options.pagesPerTransaction ?? DEFAULT_PAGES_PER_TRANSACTION),
          holdMs: options.holdMs ?? DEFAULT_HOLD_MS,
          ...(options.beforeTransaction ? { beforeTransaction: options.beforeTransaction } : {}),
          nowSeconds: () => Math.floor(nowMs() / 1000),
          onPage: (page) => {
            meter.page(page.items, page.position);
            options.onPage?.(resource, page);
            options.onEvent?.({ resource, phase: 'running', progress: meter.snapshot() });
          },
        },
        resource,
      );
      options.onEvent?.({ resource, phase: 'done', progress: meter.snapshot(true) });
      result.streams.push({ resource, outcome: 'done', items: meter.done });
    } catch (thrown) {
      const error = options.signal.aborted ? { code: 'cancelled' as const, message: 'Sync cancelled' } : toErrorInfo(thrown);
      if (error.code === 'cancelled') {
        options.onEvent?.({ resource, phase: 'cancelled', progress: meter.snapshot(), error });
        result.streams.push({ resource, outcome: 'cancelled', items: meter.done });
        result.outcome = 'cancelled';
        stopped = true;
        continue;
      }
      try {
        recordSyncError(options.db, resource, error);
      } catch {
        // The history is best effort: a cache that cannot take the error cannot take pages either.
      }
      options.onEvent?.({ resource, phase: 'failed', progress: meter.snapshot(), error });
      result.streams.push({ resource, outcome: 'failed', items: meter.done, error });
      result.outcome = 'failed';
      result.error ??= error;
      if (stopsTheRun(error)) stopped = true;
    }
  }
  return result;
}
