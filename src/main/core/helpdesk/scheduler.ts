import { systemClock, type Clock } from './clock';

/** Requests in the last window, oldest first; phantom entries stand for other clients' usage. */
class SlidingWindow {
  readonly #stamps: number[] = [];

  constructor(
    public limit: number,
    readonly windowMs: number,
  ) {}

  #prune(now: number): void {
    let drop = 0;
    while (drop < this.#stamps.length && this.#stamps[drop]! <= now - this.windowMs) drop++;
    if (drop) this.#stamps.splice(0, drop);
  }

  count(now: number): number {
    this.#prune(now);
    return this.#stamps.length;
  }

  /** Milliseconds until one more request fits in the window. */
  waitFor(now: number): number {
    this.#prune(now);
    if (this.#stamps.length < this.limit) return 0;
    const blocker = this.#stamps[this.#stamps.length - this.limit]!;
    return Math.max(1, blocker + this.windowMs - now);
  }

  record(now: number, times = 1): void {
    for (let i = 0; i < times; i++) this.#stamps.push(now);
  }
}

export interface SchedulerOptions {
  /** The account's per-minute budget (plan limit). Zendesk Enterprise: 700. */
  requestsPerMinute?: number;
  /** The separate budget of `/api/v2/incremental/*` exports: 10/min (30 with High Volume). */
  exportRequestsPerMinute?: number;
  windowMs?: number;
  clock?: Clock;
}

export interface SchedulerStats {
  /** Requests let through (first attempts and retries). */
  requests: number;
  exportRequests: number;
  /** Attempts after the first, for any reason. */
  retries: number;
  /** 429 answers seen. */
  rateLimited: number;
  /** Times a caller had to sleep before sending (budget or Retry-After). */
  waits: number;
  /** Sum of those sleeps over all callers (concurrent sleeps add up). */
  waitedMs: number;
  /** The per-minute budget in force now (configured, or lowered by the server's headers). */
  requestsPerMinute: number;
}

export interface AcquireOptions {
  export?: boolean;
  /** Work that can wait (request-scope.ts, isBackgroundScope): it does not count as someone needing the budget. */
  background?: boolean;
  signal?: AbortSignal;
}

/**
 * The one gate every request of a client goes through: the account's per-minute budget, the
 * incremental-export budget (export calls spend both), and a shared pause set by Retry-After so
 * that one 429 holds back every concurrent caller, not just the one that got it.
 */
export class RateLimitScheduler {
  readonly clock: Clock;
  readonly #configuredLimit: number;
  readonly #global: SlidingWindow;
  readonly #exports: SlidingWindow;
  #pausedUntil = 0;
  #lastForegroundAt = Number.NEGATIVE_INFINITY;
  readonly #stats: Omit<SchedulerStats, 'requestsPerMinute'> = {
    requests: 0,
    exportRequests: 0,
    retries: 0,
    rateLimited: 0,
    waits: 0,
    waitedMs: 0,
  };

  constructor(options: SchedulerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    const windowMs = options.windowMs ?? 60_000;
    this.#configuredLimit = positive(options.requestsPerMinute, 700);
    this.#global = new SlidingWindow(this.#configuredLimit, windowMs);
    this.#exports = new SlidingWindow(positive(options.exportRequestsPerMinute, 10), windowMs);
  }

  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  /** Waits until a request may be sent, then counts it. Rejects with the signal's reason on abort. */
  async acquire(options: AcquireOptions = {}): Promise<void> {
    for (;;) {
      if (options.signal?.aborted) throw options.signal.reason ?? new DOMException('Aborted', 'AbortError');
      const now = this.clock.now();
      const wait = Math.max(this.#pausedUntil - now, this.#global.waitFor(now), options.export ? this.#exports.waitFor(now) : 0);
      if (!options.background) this.#lastForegroundAt = now;
      if (wait <= 0) {
        this.#global.record(now);
        this.#stats.requests++;
        if (options.export) {
          this.#exports.record(now);
          this.#stats.exportRequests++;
        }
        return;
      }
      this.#stats.waits++;
      this.#stats.waitedMs += wait;
      await this.clock.sleep(wait, options.signal);
    }
  }

  /** Holds back every caller until `until` (epoch ms). Pauses only ever extend. */
  pauseUntil(until: number): void {
    if (until > this.#pausedUntil) this.#pausedUntil = until;
  }

  noteRetry(): void {
    this.#stats.retries++;
  }

  noteRateLimited(): void {
    this.#stats.rateLimited++;
  }

  /**
   * Learns from the account-wide headers: `X-Rate-Limit` lowers the budget to the real plan limit,
   * and `X-Rate-Limit-Remaining` below what we spent means someone else shares the account's
   * budget, so their usage is counted too. `ratelimit-reset` with nothing remaining pauses until
   * the window resets.
   */
  observe(headers: Headers): void {
    const now = this.clock.now();
    const ceiling = intHeader(headers, 'x-rate-limit');
    if (ceiling !== undefined && ceiling > 0) this.#global.limit = Math.min(this.#configuredLimit, ceiling);
    const remaining = intHeader(headers, 'x-rate-limit-remaining') ?? intHeader(headers, 'ratelimit-remaining');
    if (remaining !== undefined && remaining >= 0) {
      const spentByServer = this.#global.limit - Math.min(remaining, this.#global.limit);
      const spentHere = this.#global.count(now);
      if (spentByServer > spentHere) this.#global.record(now, spentByServer - spentHere);
      const reset = intHeader(headers, 'ratelimit-reset');
      if (remaining === 0 && reset !== undefined && reset > 0) this.pauseUntil(now + reset * 1000);
    }
  }

  stats(): SchedulerStats {
    return { ...this.#stats, requestsPerMinute: this.#global.limit };
  }

  /** Milliseconds since a request that was not background work asked for the budget (Infinity: never). */
  foregroundIdleMs(): number {
    return this.clock.now() - this.#lastForegroundAt;
  }

  /** Requests counted in the account's window now (ours, and the server's count when it told us more). */
  inWindow(): number {
    return this.#global.count(this.clock.now());
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

function intHeader(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || !/^\s*\d+\s*$/.test(raw)) return undefined;
  return Number(raw);
}
