/** Time as the scheduler sees it, injectable so scheduler tests run instantly and deterministically. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('Aborted', 'AbortError');
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

/**
 * A clock whose time only moves when someone sleeps: each sleep resolves on the next turn of the
 * event loop and moves `now` to at least its wake time. Time never goes backwards, and nobody ever
 * wakes before the time they asked for, which is what "no request before the wait is over" needs;
 * the order in which concurrent sleepers wake is registration order, which is good enough for tests.
 */
export class VirtualClock implements Clock {
  #now: number;
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    this.sleeps.push(ms);
    const wake = this.#now + Math.max(0, ms);
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        if (signal?.aborted) {
          reject(abortReason(signal));
          return;
        }
        this.#now = Math.max(this.#now, wake);
        resolve();
      });
    });
  }
}
