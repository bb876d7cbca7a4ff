import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock';
import { RateLimitScheduler } from './scheduler';

/** Largest number of timestamps inside any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j < sorted.length && sorted[j]! < sorted[i]! + windowMs) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

describe('RateLimitScheduler', () => {
  it('keeps the account budget per sliding minute', async () => {
    const clock = new VirtualClock();
    const scheduler = new RateLimitScheduler({ clock, requestsPerMinute: 5 });
    const times: number[] = [];
    await Promise.all(Array.from({ length: 12 }, () => scheduler.acquire().then(() => times.push(clock.now()))));
    expect(times).toHaveLength(12);
    expect(maxInWindow(times, 60_000)).toBe(5);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(120_000);
    expect(scheduler.stats()).toMatchObject({ requests: 12, exportRequests: 0 });
    expect(scheduler.stats().waits).toBeGreaterThan(0);
  });

  it('tells background work how long nobody else has asked for the budget; its own requests do not count', async () => {
    const clock = new VirtualClock();
    const scheduler = new RateLimitScheduler({ clock, requestsPerMinute: 700 });
    expect(scheduler.foregroundIdleMs()).toBe(Number.POSITIVE_INFINITY);
    await scheduler.acquire();
    expect(scheduler.foregroundIdleMs()).toBe(0);
    await clock.sleep(2_000);
    await scheduler.acquire({ background: true });
    expect(scheduler.foregroundIdleMs()).toBe(2_000);
    expect(scheduler.inWindow()).toBe(2);
    await scheduler.acquire({ export: true });
    expect(scheduler.foregroundIdleMs()).toBe(0);
  });

  it('charges exports to both budgets and holds them to 10 per minute', async () => {
    const clock = new VirtualClock();
    const scheduler = new RateLimitScheduler({ clock, requestsPerMinute: 700 });
    const exportTimes: number[] = [];
    const otherTimes: number[] = [];
    await Promise.all([
      ...Array.from({ length: 25 }, () => scheduler.acquire({ export: true }).then(() => exportTimes.push(clock.now()))),
      ...Array.from({ length: 30 }, () => scheduler.acquire().then(() => otherTimes.push(clock.now()))),
    ]);
    expect(maxInWindow(exportTimes, 60_000)).toBe(10);
    // Ordinary calls are not held back by the export budget.
    expect(new Set(otherTimes).size).toBe(1);
    expect(scheduler.stats()).toMatchObject({ requests: 55, exportRequests: 25 });
  });

  it('holds every caller until a Retry-After pause is over', async () => {
    const clock = new VirtualClock();
    const scheduler = new RateLimitScheduler({ clock });
    const start = clock.now();
    scheduler.pauseUntil(start + 30_000);
    scheduler.pauseUntil(start + 10_000); // a shorter pause never shortens the current one
    const times: number[] = [];
    await Promise.all(Array.from({ length: 8 }, () => scheduler.acquire().then(() => times.push(clock.now()))));
    for (const t of times) expect(t).toBeGreaterThanOrEqual(start + 30_000);
  });

  it('lowers the budget to X-Rate-Limit and counts usage seen in X-Rate-Limit-Remaining', async () => {
    const clock = new VirtualClock();
    const scheduler = new RateLimitScheduler({ clock, requestsPerMinute: 700 });
    await scheduler.acquire();
    scheduler.observe(new Headers({ 'X-Rate-Limit': '10', 'X-Rate-Limit-Remaining': '3' }));
    expect(scheduler.stats().requestsPerMinute).toBe(10);
    // 7 of 10 are spent (1 by us, 6 by someone else): only 3 more fit in this minute.
    const start = clock.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => scheduler.acquire().then(() => times.push(clock.now()))));
    expect(times.filter((t) => t === start)).toHaveLength(3);
    expect(Math.max(...times)).toBeGreaterThanOrEqual(start + 60_000);
    // A higher ceiling never raises the budget above the configured one.
    scheduler.observe(new Headers({ 'X-Rate-Limit': '2500' }));
    expect(scheduler.stats().requestsPerMinute).toBe(700);
  });

  it('pauses until ratelimit-reset when nothing remains', async () => {
    const clock = new VirtualClock();
    const scheduler = new RateLimitScheduler({ clock });
    scheduler.observe(new Headers({ 'ratelimit-remaining': '0', 'ratelimit-reset': '17' }));
    expect(scheduler.pausedUntil).toBe(clock.now() + 17_000);
  });

  it('rejects a waiting caller when its signal aborts', async () => {
    const clock = new VirtualClock();
    const scheduler = new RateLimitScheduler({ clock });
    scheduler.pauseUntil(clock.now() + 3_600_000);
    const controller = new AbortController();
    const waiting = scheduler.acquire({ signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(scheduler.stats().requests).toBe(0);
  });
});
