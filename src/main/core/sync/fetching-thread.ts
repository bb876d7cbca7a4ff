import { Worker } from 'node:worker_threads';
import { LetheError, type ErrorInfo } from '../../../shared/errors';
import { FETCHER_CRASHED_MESSAGE, FETCHER_CRASHED_REASON } from './fetcher-crash';
import type { FetchedPage, PageSource } from './streams';
import { THREAD_HEAP_LIMITS, workerEntry } from './worker-entry';
import type { FetcherData, FetcherToWriter, WriterToFetcher } from './worker-protocol';

/**
 * The writer's side of page-fetcher.ts: starts the thread and turns what it posts back into a
 * PageSource for runSync. One stream at a time, as runSync runs them. A page is acknowledged
 * ("taken") as the writer takes it, which lets the fetching thread fetch one more.
 */
export class FetchingThread {
  readonly #worker: Worker;
  #run = 0;
  readonly #inbox: FetcherToWriter[] = [];
  #wake: (() => void) | null = null;
  #ended: ErrorInfo | null = null;
  #cancelled = false;

  constructor(data: FetcherData, signal: AbortSignal) {
    const entry = workerEntry('page-fetcher');
    this.#worker = new Worker(entry.file, {
      workerData: data satisfies FetcherData,
      transferList: [data.mainPort],
      eval: entry.eval,
      resourceLimits: THREAD_HEAP_LIMITS['page-fetcher'],
      // Drained, never forwarded: nothing the thread prints may reach a terminal or a log unfiltered.
      stdout: true,
      stderr: true,
    });
    this.#worker.stdout.resume();
    this.#worker.stderr.resume();
    this.#worker.on('message', (message: FetcherToWriter) => {
      if (message.run !== this.#run) return;
      this.#inbox.push(message);
      this.#wake?.();
    });
    this.#worker.on('error', () => undefined);
    this.#worker.on('exit', (code) => {
      this.#ended = {
        code: 'internal_error',
        message: FETCHER_CRASHED_MESSAGE,
        details: { reason: FETCHER_CRASHED_REASON, exitCode: code },
      };
      this.#wake?.();
    });
    const cancel = (): void => {
      // The writer stops waiting at once, whatever the fetching thread says or fails to say.
      this.#cancelled = true;
      this.#wake?.();
      this.#post({ type: 'cancel' });
    };
    if (signal.aborted) cancel();
    else signal.addEventListener('abort', cancel, { once: true });
  }

  #post(message: WriterToFetcher): void {
    try {
      this.#worker.postMessage(message);
    } catch {
      // The thread is gone; its exit is what the stream reports.
    }
  }

  async #next(): Promise<FetcherToWriter | ErrorInfo> {
    for (;;) {
      const message = this.#inbox.shift();
      if (message) return message;
      if (this.#cancelled) return { code: 'cancelled', message: 'Sync cancelled' };
      if (this.#ended) return this.#ended;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = null;
    }
  }

  readonly pages: PageSource = (stream, start, perPage) => {
    const run = ++this.#run;
    this.#inbox.length = 0;
    this.#post({ type: 'start', run, stream, start, perPage });
    return this.#received(run);
  };

  async *#received(run: number): AsyncGenerator<FetchedPage<unknown>> {
    let finished = false;
    try {
      for (;;) {
        const message = await this.#next();
        if (!('type' in message)) throw new LetheError(message.code, message.message, message.details);
        if (message.type === 'end') {
          finished = true;
          return;
        }
        if (message.type === 'failed') {
          finished = true;
          throw new LetheError(message.error.code, message.error.message, message.error.details);
        }
        this.#post({ type: 'taken', run });
        yield message.page;
      }
    } finally {
      if (!finished) this.#post({ type: 'stop', run });
    }
  }

  get threadId(): number {
    return this.#worker.threadId;
  }

  /** Ends the thread (after the streams, or when the writer gives up). */
  async close(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }
}
