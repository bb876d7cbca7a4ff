import { describe, expect, it } from 'vitest';
import { computeDeadlines } from './compute';
import { dueIn } from './due-in';

const LA = 'America/Los_Angeles';

describe('dueIn', () => {
  it.each([
    // Due Thu 29 Feb 2024 in Los Angeles (UTC−8).
    ['2024-02-21T20:00:00Z', 8, 'ok'], // noon 21 Feb: 8 days left
    ['2024-02-22T20:00:00Z', 7, 'due_soon'], // noon 22 Feb: 7 days left
    ['2024-02-29T08:00:00Z', 0, 'due_soon'], // midnight starting 29 Feb: due today
    ['2024-03-01T07:59:59Z', 0, 'due_soon'], // 23:59:59 on 29 Feb local, already 1 Mar in UTC
    ['2024-03-01T08:00:00Z', -1, 'overdue'], // midnight starting 1 Mar local
    ['2024-03-10T20:00:00Z', -10, 'overdue'], // DST starts that day; still whole days
  ])('at %s: %i days, %s', (now, days, urgency) => {
    expect(dueIn('2024-02-29', now, LA)).toEqual({ daysRemaining: days, urgency });
  });

  it('takes a computed deadline and a custom due-soon window', () => {
    const d = computeDeadlines({ regulation: 'GDPR', type: 'access', receivedAt: '2024-02-01T07:30:00Z', timeZone: LA });
    expect(d.due).toBe('2024-02-29');
    expect(dueIn(d, '2024-02-15T20:00:00Z', LA)).toEqual({ daysRemaining: 14, urgency: 'ok' });
    expect(dueIn(d, '2024-02-15T20:00:00Z', LA, 14)).toEqual({ daysRemaining: 14, urgency: 'due_soon' });
  });

  it('counts in the zone it is given', () => {
    // 07:30 UTC on 1 Mar: still 29 Feb in Los Angeles, 1 Mar in UTC.
    expect(dueIn('2024-02-29', '2024-03-01T07:30:00Z', LA).urgency).toBe('due_soon');
    expect(dueIn('2024-02-29', '2024-03-01T07:30:00Z', 'UTC').urgency).toBe('overdue');
  });
});
