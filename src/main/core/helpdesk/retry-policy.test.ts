import { describe, expect, it } from 'vitest';
import { backoffDelay, isIdempotent, isRetryableStatus, parseRetryAfter } from './retry-policy';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('reads delta-seconds, including fractions', () => {
    expect(parseRetryAfter('30', NOW)).toBe(30_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('1.5', NOW)).toBe(1_500);
  });

  it('reads an HTTP date relative to now, and a past date as no wait', () => {
    expect(parseRetryAfter(new Date(NOW + 7_000).toUTCString(), NOW)).toBe(7_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 11:59:00 GMT', NOW)).toBe(0);
  });

  it('ignores absent and unreadable values', () => {
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });
});

describe('backoffDelay (full jitter)', () => {
  const options = { baseMs: 1_000, capMs: 8_000 };

  it('grows exponentially up to the cap', () => {
    const top = () => 0.999999;
    expect(backoffDelay(1, options, top)).toBe(999);
    expect(backoffDelay(2, options, top)).toBe(1_999);
    expect(backoffDelay(4, options, top)).toBe(7_999);
    expect(backoffDelay(10, options, top)).toBe(7_999);
  });

  it('spreads uniformly from zero', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.5)).toBe(2_000);
  });
});

describe('what is retried', () => {
  it('retries 429, 408 and 5xx only', () => {
    for (const status of [429, 408, 500, 502, 503, 504]) expect(isRetryableStatus(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 422, 302]) expect(isRetryableStatus(status)).toBe(false);
  });

  it('treats POST as not idempotent unless marked', () => {
    expect(isIdempotent('GET')).toBe(true);
    expect(isIdempotent('PUT')).toBe(true);
    expect(isIdempotent('DELETE')).toBe(true);
    expect(isIdempotent('POST')).toBe(false);
    expect(isIdempotent('POST', true)).toBe(true);
  });
});
