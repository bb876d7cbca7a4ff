import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { api } from './testing';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('rate limits', () => {
  it('sends X-Rate-Limit headers and answers 429 with Retry-After once the account budget is spent', async () => {
    sim = await startSimulator({ size: 'tiny', rateLimitPerMinute: 3 });
    const admin = api(sim);
    const remaining: string[] = [];
    for (let k = 0; k < 3; k++) {
      const r = await admin.get('/api/v2/users/me.json');
      expect(r.status).toBe(200);
      expect(r.headers.get('x-rate-limit')).toBe('3');
      remaining.push(r.headers.get('x-rate-limit-remaining') ?? '');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await admin.get('/api/v2/tickets/1.json');
    expect(limited.status).toBe(429);
    const retry = Number(limited.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(limited.body.error).toBe('APIRateLimitExceeded');
  });

  it('keeps a separate budget for incremental exports', async () => {
    sim = await startSimulator({ size: 'tiny', rateLimitPerMinute: 100, exportLimitPerMinute: 2 });
    const admin = api(sim);
    for (let k = 0; k < 2; k++) expect((await admin.get('/api/v2/incremental/tickets/cursor.json?start_time=0')).status).toBe(200);
    const limited = await admin.get('/api/v2/incremental/users/cursor.json?start_time=0');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('zendesk-ratelimit-incremental-exports')).toMatch(/total=2; remaining=0/);
    // The account budget still has room for everything else.
    const other = await admin.get('/api/v2/users/me.json');
    expect(other.status).toBe(200);
    expect(Number(other.headers.get('x-rate-limit-remaining'))).toBe(100 - 3);
  });

  it('noLimits disables both budgets', async () => {
    sim = await startSimulator({ size: 'tiny', rateLimitPerMinute: 1, exportLimitPerMinute: 1, noLimits: true });
    const admin = api(sim);
    for (let k = 0; k < 5; k++) {
      expect((await admin.get('/api/v2/users/me.json')).status).toBe(200);
      expect((await admin.get('/api/v2/incremental/tickets/cursor.json?start_time=0')).status).toBe(200);
    }
  });
});

describe('faults', () => {
  it('answers 500 at errorRate 1', async () => {
    sim = await startSimulator({ size: 'tiny', noLimits: true, faults: { errorRate: 1 } });
    const r = await api(sim).get('/api/v2/users/me.json');
    expect(r.status).toBe(500);
    expect(r.body.error).toBe('InternalServerError');
    // Inspection stays reachable so tests can still look inside.
    expect((await api(sim).get('/__sim/state')).status).toBe(200);
  });

  it('destroys the connection at dropRate 1', async () => {
    sim = await startSimulator({ size: 'tiny', noLimits: true, faults: { dropRate: 1 } });
    await expect(api(sim).get('/api/v2/users/me.json')).rejects.toThrow();
  });

  it('still answers correctly when slowed down', async () => {
    sim = await startSimulator({ size: 'tiny', noLimits: true, faults: { slowMs: 30 } });
    const r = await api(sim).get('/api/v2/users/me.json');
    expect(r.status).toBe(200);
    expect(r.body.user.email).toBe(sim.admin.email);
  });

  it('a partial error rate fails some requests and not others', async () => {
    sim = await startSimulator({ size: 'tiny', noLimits: true, faults: { errorRate: 0.5 } });
    const statuses = new Set<number>();
    for (let k = 0; k < 60 && statuses.size < 2; k++) statuses.add((await api(sim).get('/api/v2/users/me.json')).status);
    expect([...statuses].sort()).toEqual([200, 500]);
  });
});
