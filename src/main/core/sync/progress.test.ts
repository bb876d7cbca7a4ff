import { expect, it } from 'vitest';
import { ProgressMeter } from './progress';

it('estimates the total from the share of time covered, and the ETA from the rate', () => {
  let now = 1_000_000_000; // ms
  const meter = new ProgressMeter(() => now, now);
  expect(meter.snapshot()).toEqual({ done: 0, total: null, ratePerSecond: 0, etaSeconds: null });
  // First page reaches t=1000 s; the stream runs to "now" (1,000,000 s).
  meter.page(100, 1000);
  now += 10_000;
  // Second page: half-way in time from the first page's position to now.
  meter.page(100, 1000 + (now / 1000 - 1000) / 2);
  const s = meter.snapshot();
  expect(s.done).toBe(200);
  expect(s.ratePerSecond).toBe(20);
  expect(s.total).toBe(400);
  expect(s.etaSeconds).toBe(10);
  expect(meter.snapshot(true)).toMatchObject({ done: 200, total: 200, etaSeconds: 0 });
});
