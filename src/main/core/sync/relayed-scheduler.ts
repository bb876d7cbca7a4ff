import type { MessagePort } from 'node:worker_threads';
import { RateLimitScheduler } from '../helpdesk';
import type { AcquireOptions } from '../helpdesk/scheduler';
import type { Logger } from '../log/logger';
import { RATE_LIMIT_HEADERS, type FetcherToMain, type LogLine, type MainToFetcher, type SchedulerOp } from './worker-protocol';

/**
 * A transport's gate in a thread that sends requests, answered by the main thread's scheduler over
 * `port`. The rate-limit budget stays the account's, shared with the main thread's client: every
 * request asks there first (a few messages per 1,000 records). The local budget is unlimited: the
 * main thread's windows, pause and header learning are the only ones that count.
 */
export class RelayedScheduler extends RateLimitScheduler {
  readonly #port: MessagePort;
  readonly #acquires = new Map<number, { resolve: () => void; reject: (reason: unknown) => void }>();
  #nextAcquire = 0;

  constructor(port: MessagePort) {
    super({ requestsPerMinute: 1e9, exportRequestsPerMinute: 1e9 });
    this.#port = port;
    port.on('message', (message: MainToFetcher) => {
      const pending = this.#acquires.get(message.id);
      this.#acquires.delete(message.id);
      if (message.type === 'acquired') pending?.resolve();
      else pending?.reject(new Error('rate-limit wait refused'));
    });
  }

  #call(call: SchedulerOp): void {
    this.#port.postMessage({ type: 'scheduler', call } satisfies FetcherToMain);
  }

  override acquire(options: AcquireOptions = {}): Promise<void> {
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason ?? new DOMException('Aborted', 'AbortError'));
    const id = ++this.#nextAcquire;
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#acquires.delete(id);
        this.#call({ op: 'acquire-cancel', id });
        reject(signal?.reason ?? new DOMException('Aborted', 'AbortError'));
      };
      this.#acquires.set(id, {
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
      this.#call({ op: 'acquire', id, export: options.export ?? false });
    });
  }

  override pauseUntil(until: number): void {
    this.#call({ op: 'pauseUntil', until });
  }

  override noteRetry(): void {
    this.#call({ op: 'noteRetry' });
  }

  override noteRateLimited(): void {
    this.#call({ op: 'noteRateLimited' });
  }

  override observe(headers: Headers): void {
    const picked: Record<string, string> = {};
    for (const name of RATE_LIMIT_HEADERS) {
      const value = headers.get(name);
      if (value !== null) picked[name] = value;
    }
    if (Object.keys(picked).length > 0) this.#call({ op: 'observe', headers: picked });
  }
}

/** Messages only: the transport's and the db's log lines hold operation names and codes, not data. */
export function relayedLogger(post: (message: LogLine) => void, scope: string): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string): void =>
      post({ type: 'log', level, message: `${scope}: ${message}` });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (s) => relayedLogger(post, `${scope}.${s}`) };
}
