/**
 * The sync's fetching thread: HTTP, decoding, JSON, validation and mapping of the export pages, for
 * the writer thread (sync-worker.ts) that started it. The writer gets each page as the records it
 * writes (streams.ts FetchedPage), so its own thread does SQLite work and little else.
 *
 * Why a thread of its own: bench/sync.ts (medium, 2-core machine) had the writer spend about
 * 16 s of a 135 s sync decoding, parsing and validating pages between its writes. Per ticket
 * events page (1,000 events, 1.35 MB of JSON): UTF-8 decoding 6 ms, JSON.parse 11 ms, validation
 * 10-13 ms, mapping 1.5 ms, against 2.1 ms to receive the mapped comments as a structured clone
 * (0.34 MB; .probe measurement, 35 pages, three rounds).
 *
 * Flow: the writer sends `start` for a stream with the position it read from the cache; this
 * thread fetches from there and posts pages, at most FETCH_AHEAD not yet taken by the writer
 * (memory stays bounded while the writer is slower than the helpdesk). `stop` ends a stream early
 * (the writer failed or was cancelled), `cancel` ends everything. Nothing here writes anything.
 *
 * Started by sync-worker.ts; built as its own entry (out/main/page-fetcher.js).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ZendeskClient } from '../helpdesk';
import { RelayedScheduler, relayedLogger } from './relayed-scheduler';
import { toErrorInfo } from './run-sync';
import { localPages } from './streams';
import { reportHeapEvery } from './thread-memory';
import { lowerThisThreadPriority } from './thread-priority';
import type { FetcherData, FetcherToMain, FetcherToWriter, WriterToFetcher } from './worker-protocol';

if (!parentPort) throw new Error('page-fetcher.ts runs only as a worker thread');
const writer = parentPort;
const data = workerData as FetcherData;
const main = data.mainPort;
const toWriter = (message: FetcherToWriter): void => writer.postMessage(message);
const toMain = (message: FetcherToMain): void => main.postMessage(message);

/**
 * This thread runs ahead of the writer, so it can yield the CPU: on two cores the writer, this
 * thread and the UI's thread compete, and the UI's must not wait (see thread-priority.ts).
 * bench/sync.ts (medium, 2 cores): the main thread's worst stall 68.9 and 100.3 ms in two runs
 * without it (53.9 ms of the second waiting for a CPU), 62.5 ms with it; the sync 109.9 and
 * 116.1 s without, 106.9 s with.
 */
const FETCHER_NICENESS = 10;

/** Pages posted and not yet taken by the writer, at most: the writer's own read-ahead is on top of these. */
const FETCH_AHEAD = 2;

lowerThisThreadPriority(FETCHER_NICENESS);
reportHeapEvery(data.reportMemoryEveryMs, (usage) => toMain({ type: 'memory', usage }));

const everything = new AbortController();
const client = new ZendeskClient(data.auth, {
  ...data.transport,
  scheduler: new RelayedScheduler(main),
  logger: relayedLogger(toMain, 'helpdesk'),
  ...(data.reportRequests
    ? {
        onRequest: (info) =>
          toMain({ type: 'request', info: { method: info.method, template: info.template, url: info.url.href, attempt: info.attempt } }),
      }
    : {}),
});

interface Running {
  run: number;
  stop: AbortController;
  ahead: number;
  wake: (() => void) | null;
}
let running: Running | null = null;
let handedOver = 0;

async function fetchStream(message: Extract<WriterToFetcher, { type: 'start' }>): Promise<void> {
  const current: Running = { run: message.run, stop: new AbortController(), ahead: 0, wake: null };
  running = current;
  const signal = AbortSignal.any([everything.signal, current.stop.signal]);
  const pages = localPages(client.transport, signal)(message.stream, message.start, message.perPage);
  let failure: unknown = null;
  try {
    for await (const page of pages) {
      if (signal.aborted) break;
      if (handedOver++ === data.exitAfterPagesForTestsOnly) process.exit(3);
      toWriter({ type: 'page', run: current.run, page });
      current.ahead++;
      while (current.ahead >= FETCH_AHEAD && !signal.aborted) await new Promise<void>((resolve) => (current.wake = resolve));
      if (signal.aborted) break;
    }
  } catch (error) {
    failure = error;
  } finally {
    if (running === current) running = null;
  }
  // A stopped stream's ending is nobody's: the writer has moved on. Every other ending is said,
  // a cancel included, so that a writer waiting for its next page never waits for ever.
  if (current.stop.signal.aborted) return;
  if (everything.signal.aborted) toWriter({ type: 'failed', run: current.run, error: { code: 'cancelled', message: 'Sync cancelled' } });
  else if (failure !== null) toWriter({ type: 'failed', run: current.run, error: toErrorInfo(failure) });
  else toWriter({ type: 'end', run: current.run });
}

writer.on('message', (message: WriterToFetcher) => {
  switch (message.type) {
    case 'start':
      void fetchStream(message);
      break;
    case 'taken':
      if (running?.run === message.run) {
        running.ahead--;
        running.wake?.();
      }
      break;
    case 'stop':
      if (running?.run === message.run) {
        running.stop.abort();
        running.wake?.();
      }
      break;
    case 'cancel':
      everything.abort();
      running?.wake?.();
      break;
  }
});
