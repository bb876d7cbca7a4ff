import { describe, expect, it } from 'vitest';
import { computeDeadlines } from './compute';
import { DeadlineSettings, type DeadlineSettingsInput } from './settings';
import type { DeadlineRequest } from './types';

const BERLIN = 'Europe/Berlin';
const LA = 'America/Los_Angeles';
const SAO_PAULO = 'America/Sao_Paulo';

/** Noon local time in Berlin in winter, so the receipt date is never in doubt. */
const berlinNoon = (date: string) => `${date}T12:00:00+01:00`;
const laNoon = (date: string) => `${date}T12:00:00-08:00`;

interface Row {
  name: string;
  request: DeadlineRequest;
  settings?: DeadlineSettingsInput;
  due: string;
  initialDue?: string;
  extendedDue?: string;
  acknowledgeBy?: string;
}

function check(row: Row) {
  const d = computeDeadlines(row.request, row.settings ?? {});
  expect(d.due).toBe(row.due);
  if (row.initialDue !== undefined) expect(d.initialDue).toBe(row.initialDue);
  if (row.extendedDue !== undefined) expect(d.extendedDue).toBe(row.extendedDue);
  if (row.acknowledgeBy !== undefined) expect(d.acknowledgeBy).toBe(row.acknowledgeBy);
}

describe('GDPR / UK GDPR: one month, Reg. 1182/71 Art. 3', () => {
  const rows: Row[] = [
    {
      // 31 Jan 2024 + 1 month: no 31 Feb, leap year → Thu 29 Feb, a working day.
      // Extension: 31 Jan + 3 months → no 31 Apr → Tue 30 Apr.
      name: 'receipt 31 Jan in a leap year → 29 Feb',
      request: { regulation: 'GDPR', type: 'access', receivedAt: berlinNoon('2024-01-31'), timeZone: BERLIN },
      due: '2024-02-29',
      extendedDue: '2024-04-30',
    },
    {
      // 31 Jan 2023 + 1 month → Tue 28 Feb 2023. Extension: 30 Apr 2023 is a Sunday → Mon 1 May.
      name: 'receipt 31 Jan in a common year → 28 Feb',
      request: { regulation: 'GDPR', type: 'erasure', receivedAt: berlinNoon('2023-01-31'), timeZone: BERLIN },
      due: '2023-02-28',
      extendedDue: '2023-05-01',
    },
    {
      // Same, with 1 May a holiday: Sun 30 Apr → Mon 1 May (holiday) → Tue 2 May.
      name: 'extended deadline on a Sunday followed by a holiday',
      request: { regulation: 'GDPR', type: 'erasure', receivedAt: berlinNoon('2023-01-31'), timeZone: BERLIN },
      settings: { GDPR: { holidays: ['2023-05-01'] } },
      due: '2023-02-28',
      extendedDue: '2023-05-02',
    },
    {
      // Fri 2 Feb 2024 + 1 month = Sat 2 Mar → Mon 4 Mar.
      name: 'deadline on a Saturday rolls to Monday',
      request: { regulation: 'GDPR', type: 'access', receivedAt: berlinNoon('2024-02-02'), timeZone: BERLIN },
      due: '2024-03-04',
      initialDue: '2024-03-04',
    },
    {
      // Same request with rolling switched off: Sat 2 Mar stays.
      name: 'roll switched off',
      request: { regulation: 'GDPR', type: 'access', receivedAt: berlinNoon('2024-02-02'), timeZone: BERLIN },
      settings: { GDPR: { rollToWorkingDay: false } },
      due: '2024-03-02',
    },
    {
      // 31 May + 1 month: June has 30 days → Sun 30 Jun → Mon 1 Jul.
      name: '31-day month into a 30-day month, then a Sunday',
      request: { regulation: 'GDPR', type: 'rectification', receivedAt: berlinNoon('2024-05-31'), timeZone: BERLIN },
      due: '2024-07-01',
    },
    {
      // 31 May 2023 + 1 month → Fri 30 Jun 2023 (last day of June, a working day).
      name: '31 May 2023 → 30 Jun',
      request: { regulation: 'GDPR', type: 'restriction', receivedAt: berlinNoon('2023-05-31'), timeZone: BERLIN },
      due: '2023-06-30',
    },
    {
      // Sun 30 Apr 2023 (30-day month) + 1 month → Tue 30 May: same date, not "last day of May".
      name: 'receipt on a Sunday in a 30-day month → same date next month',
      request: { regulation: 'GDPR', type: 'objection', receivedAt: berlinNoon('2023-04-30'), timeZone: BERLIN },
      due: '2023-05-30',
    },
    {
      // Sun 31 Mar 2024: receipt on a weekend does not move the start. + 1 month → no 31 Apr → Tue 30 Apr.
      name: 'receipt on Sunday 31 Mar → 30 Apr',
      request: { regulation: 'GDPR', type: 'portability', receivedAt: berlinNoon('2024-03-31'), timeZone: BERLIN },
      due: '2024-04-30',
    },
    {
      // Receipt on a holiday (Wed 25 Dec 2024) counts like any day: + 1 month = Sat 25 Jan 2025 → Mon 27 Jan.
      name: 'receipt on a holiday',
      request: { regulation: 'GDPR', type: 'access', receivedAt: berlinNoon('2024-12-25'), timeZone: BERLIN },
      settings: { GDPR: { holidays: ['2024-12-25', '2024-12-26'] } },
      due: '2025-01-27',
    },
    {
      // Tue 18 Mar 2025 + 1 month = Fri 18 Apr (Good Friday, holiday) → Sat, Sun → Mon 21 Apr
      // (Easter Monday, holiday) → Tue 22 Apr.
      name: 'deadline on a holiday before a weekend and another holiday',
      request: { regulation: 'GDPR', type: 'access', receivedAt: berlinNoon('2025-03-18'), timeZone: BERLIN },
      settings: { GDPR: { holidays: ['2025-04-18', '2025-04-21'] } },
      due: '2025-04-22',
    },
    {
      // Holidays configured for GDPR do not leak into UK GDPR: UK due stays Fri 18 Apr.
      name: 'holiday calendars are per regulation',
      request: { regulation: 'UK_GDPR', type: 'access', receivedAt: berlinNoon('2025-03-18'), timeZone: 'Europe/London' },
      settings: { GDPR: { holidays: ['2025-04-18'] } },
      due: '2025-04-18',
    },
    {
      // Extended from receipt (default): 2 Feb + 3 months = Thu 2 May 2024.
      name: 'extended, counted from receipt',
      request: {
        regulation: 'GDPR',
        type: 'access',
        receivedAt: berlinNoon('2024-02-02'),
        timeZone: BERLIN,
        extended: true,
        extensionNoticeAt: berlinNoon('2024-02-20'),
      },
      due: '2024-05-02',
      initialDue: '2024-03-04',
    },
    {
      // Extended from the rolled initial deadline: Mon 4 Mar + 2 months = Sat 4 May → Mon 6 May.
      name: 'extended, counted from the initial deadline',
      request: {
        regulation: 'GDPR',
        type: 'access',
        receivedAt: berlinNoon('2024-02-02'),
        timeZone: BERLIN,
        extended: true,
        extensionNoticeAt: berlinNoon('2024-02-20'),
      },
      settings: { GDPR: { extensionFrom: 'initial_deadline' } },
      due: '2024-05-06',
    },
    {
      // From the initial deadline Thu 29 Feb + 2 months = Mon 29 Apr, a day earlier than from receipt (30 Apr).
      name: 'extended from the initial deadline after month-end clamping',
      request: {
        regulation: 'GDPR',
        type: 'access',
        receivedAt: berlinNoon('2024-01-31'),
        timeZone: BERLIN,
        extended: true,
        extensionNoticeAt: berlinNoon('2024-02-01'),
      },
      settings: { GDPR: { extensionFrom: 'initial_deadline' } },
      due: '2024-04-29',
    },
    {
      // 07:30 UTC on 1 Feb 2024 is 23:30 on 31 Jan in Los Angeles: received 31 Jan → Thu 29 Feb.
      name: 'time zone: 23:30 on the 31st in Los Angeles',
      request: { regulation: 'GDPR', type: 'access', receivedAt: '2024-02-01T07:30:00Z', timeZone: LA },
      due: '2024-02-29',
    },
    {
      // The same instant for an organization in UTC: received 1 Feb → Fri 1 Mar.
      name: 'time zone: the same instant is the 1st in UTC',
      request: { regulation: 'GDPR', type: 'access', receivedAt: '2024-02-01T07:30:00Z', timeZone: 'UTC' },
      due: '2024-03-01',
    },
    {
      // 23:30 UTC on 29 Feb is 00:30 CET on 1 Mar in Berlin: + 1 month = Mon 1 Apr (no holidays configured).
      name: 'time zone: after midnight in Berlin, before midnight in UTC',
      request: { regulation: 'UK_GDPR', type: 'access', receivedAt: '2024-02-29T23:30:00Z', timeZone: BERLIN },
      due: '2024-04-01',
    },
  ];
  it.each(rows)('$name', check);

  it('cites the articles and explains the roll', () => {
    const d = computeDeadlines({ regulation: 'GDPR', type: 'erasure', receivedAt: berlinNoon('2024-02-02'), timeZone: BERLIN });
    expect(d.basis).toBe('GDPR Art. 12(3) (request under Art. 17); Reg. (EEC, Euratom) No 1182/71 Art. 3');
    expect(d.rule).toContain('2024-03-02 (Saturday) is not a working day');
    expect(d.extensionNoticeBy).toBe('2024-03-04');
    expect(d.acknowledgeBy).toBeUndefined();
    expect(d.extended).toBe(false);
    const uk = computeDeadlines({ regulation: 'UK_GDPR', type: 'access', receivedAt: berlinNoon('2024-02-02'), timeZone: 'Europe/London' });
    expect(uk.basis).toBe('UK GDPR Art. 12(3) (request under Art. 15)');
  });

  it('gives the end of the due day in the organization zone, across a DST change', () => {
    // Received 00:30 CET on Sun 31 Mar 2024 (23:30 UTC on the 30th) → due Tue 30 Apr, which ends
    // at 23:59:59.999 CEST = 21:59:59.999 UTC.
    const d = computeDeadlines({ regulation: 'GDPR', type: 'access', receivedAt: '2024-03-30T23:30:00Z', timeZone: BERLIN });
    expect(d.receivedOn).toBe('2024-03-31');
    expect(d.due).toBe('2024-04-30');
    expect(d.dueEndInstant).toBe('2024-04-30T21:59:59.999Z');
  });

  it('warns about a missing or late extension notice', () => {
    const base = { regulation: 'GDPR', type: 'access', receivedAt: berlinNoon('2024-01-31'), timeZone: BERLIN } as const;
    expect(computeDeadlines({ ...base, extended: true }).warnings).toEqual(['extension_notice_missing']);
    // Notice on the initial deadline day itself (29 Feb, 23:00 CET) is in time.
    expect(computeDeadlines({ ...base, extended: true, extensionNoticeAt: '2024-02-29T23:00:00+01:00' }).warnings).toEqual([]);
    // 00:30 CET on 1 Mar is a day late, although it is still 29 Feb in UTC.
    const late = computeDeadlines({ ...base, extended: true, extensionNoticeAt: '2024-02-29T23:30:00Z' });
    expect(late.warnings).toEqual(['extension_notice_late']);
    expect(late.due).toBe('2024-04-30');
  });
});

describe('CCPA / CPRA', () => {
  const thanksgiving = { CCPA: { holidays: ['2024-11-28', '2024-11-29'] } };
  const rows: Row[] = [
    {
      // Wed 20 Nov 2024. Ack, 10 business days skipping the weekend and Thanksgiving Thu 28 + Fri 29:
      // 21(1) 22(2) 25(3) 26(4) 27(5) Dec 2(6) 3(7) 4(8) 5(9) 6(10) → Fri 6 Dec.
      // 45 days: 10 days to 30 Nov + 31 (December) + 4 → Sat 4 Jan 2025, not rolled by default.
      // 90 days: 4 Jan + 45 → Tue 18 Feb 2025.
      name: 'acknowledge across a weekend and a holiday; 45 days on a Saturday stays',
      request: { regulation: 'CCPA', type: 'access', receivedAt: laNoon('2024-11-20'), timeZone: LA },
      settings: thanksgiving,
      acknowledgeBy: '2024-12-06',
      due: '2025-01-04',
      extendedDue: '2025-02-18',
    },
    {
      // Without the holidays: 21 22 25 26 27 28 29 Dec 2 3 4 → Wed 4 Dec.
      name: 'acknowledge without configured holidays',
      request: { regulation: 'CCPA', type: 'erasure', receivedAt: laNoon('2024-11-20'), timeZone: LA },
      acknowledgeBy: '2024-12-04',
      due: '2025-01-04',
    },
    {
      // With the roll setting on: Sat 4 Jan 2025 → Mon 6 Jan.
      name: 'roll setting on moves the 45th day to Monday',
      request: { regulation: 'CCPA', type: 'rectification', receivedAt: laNoon('2024-11-20'), timeZone: LA },
      settings: { CCPA: { rollToBusinessDay: true } },
      due: '2025-01-06',
    },
    {
      // Extended: 90 days from receipt → Tue 18 Feb 2025.
      name: 'extended once → 90 days',
      request: {
        regulation: 'CCPA',
        type: 'access',
        receivedAt: laNoon('2024-11-20'),
        timeZone: LA,
        extended: true,
        extensionNoticeAt: laNoon('2024-12-20'),
      },
      due: '2025-02-18',
      initialDue: '2025-01-04',
    },
    {
      // Received Sat 2 Mar 2024: ack Mon 4(1) … Fri 8(5), Mon 11(6) … Fri 15(10) → 15 Mar.
      // 45 days: 29 to 31 Mar + 16 → Tue 16 Apr.
      name: 'received on a Saturday',
      request: { regulation: 'CCPA', type: 'portability', receivedAt: laNoon('2024-03-02'), timeZone: LA },
      acknowledgeBy: '2024-03-15',
      due: '2024-04-16',
    },
    {
      // 31 Jan 2024 + 45 days: 29 (to 29 Feb, leap) + 16 → Sat 16 Mar; + 90 → Tue 30 Apr.
      name: '45 days over a leap February',
      request: { regulation: 'CCPA', type: 'access', receivedAt: laNoon('2024-01-31'), timeZone: LA },
      due: '2024-03-16',
      extendedDue: '2024-04-30',
    },
    {
      // 23:30 PST on Sat 9 Mar 2024 = 07:30 UTC on Sun 10 Mar, a few hours before DST starts.
      // Received 9 Mar: + 45 → 22 days to 31 Mar + 23 → Tue 23 Apr.
      name: 'time zone and DST: late Saturday evening in Los Angeles',
      request: { regulation: 'CCPA', type: 'access', receivedAt: '2024-03-10T07:30:00Z', timeZone: LA },
      due: '2024-04-23',
      acknowledgeBy: '2024-03-22', // Mon 11(1) … Fri 15(5), Mon 18(6) … Fri 22(10)
    },
    {
      // Opt-out, 15 business days from Mon 1 Jul 2024 with 4 July a holiday:
      // 2(1) 3(2) 5(3) 8–12(4–8) 15–19(9–13) 22(14) 23(15) → Tue 23 Jul.
      name: 'opt-out: 15 business days across Independence Day',
      request: { regulation: 'CCPA', type: 'opt-out', receivedAt: laNoon('2024-07-01'), timeZone: LA },
      settings: { CCPA: { holidays: ['2024-07-04'] } },
      due: '2024-07-23',
    },
    {
      // Configured to 10 business days: 2 3 5 8 9 10 11 12 15 16 → Tue 16 Jul.
      name: 'opt-out period is a setting',
      request: { regulation: 'CCPA', type: 'opt-out', receivedAt: laNoon('2024-07-01'), timeZone: LA },
      settings: { CCPA: { holidays: ['2024-07-04'], optOutBusinessDays: 10 } },
      due: '2024-07-16',
    },
    {
      // Limit sensitive PI, 15 business days, same dates as opt-out.
      name: 'limit (restriction): 15 business days',
      request: { regulation: 'CCPA', type: 'restriction', receivedAt: laNoon('2024-07-01'), timeZone: LA },
      settings: { CCPA: { holidays: ['2024-07-04'] } },
      due: '2024-07-23',
    },
  ];
  it.each(rows)('$name', check);

  it('opt-out has neither acknowledgement nor extension', () => {
    const d = computeDeadlines({ regulation: 'CCPA', type: 'opt-out', receivedAt: laNoon('2024-07-01'), timeZone: LA, extended: true });
    expect(d.acknowledgeBy).toBeUndefined();
    expect(d.extendedDue).toBeUndefined();
    expect(d.extended).toBe(false);
    expect(d.warnings).toEqual(['extension_not_available']);
    expect(d.basis).toContain('§1798.120');
  });

  it('extension notice must come within the first 45 days', () => {
    const base = { regulation: 'CCPA', type: 'access', receivedAt: laNoon('2024-11-20'), timeZone: LA, extended: true } as const;
    const d = computeDeadlines({ ...base, extensionNoticeAt: laNoon('2025-01-04') });
    expect(d.extensionNoticeBy).toBe('2025-01-04');
    expect(d.warnings).toEqual([]);
    expect(computeDeadlines({ ...base, extensionNoticeAt: laNoon('2025-01-05') }).warnings).toEqual(['extension_notice_late']);
    expect(d.basis).toContain('§1798.130(a)(2)');
  });

  it('refuses a general objection, which the CCPA does not have', () => {
    expect(() => computeDeadlines({ regulation: 'CCPA', type: 'objection', receivedAt: laNoon('2024-07-01'), timeZone: LA })).toThrow(
      /opt-out/,
    );
  });
});

describe('LGPD', () => {
  const rows: Row[] = [
    {
      // Art. 19 II: Fri 1 Mar 2024 + 15 days → Sat 16 Mar, not rolled by default.
      name: 'access declaration: 15 days',
      request: { regulation: 'LGPD', type: 'access', receivedAt: '2024-03-01T12:00:00-03:00', timeZone: SAO_PAULO },
      due: '2024-03-16',
    },
    {
      // Rolled: Sat 16 Mar → Mon 18 Mar.
      name: 'access declaration, rolled',
      request: { regulation: 'LGPD', type: 'access', receivedAt: '2024-03-01T12:00:00-03:00', timeZone: SAO_PAULO },
      settings: { LGPD: { rollToWorkingDay: true } },
      due: '2024-03-18',
    },
    {
      // Other types default to 15 days too.
      name: 'erasure: default period',
      request: { regulation: 'LGPD', type: 'erasure', receivedAt: '2024-03-01T12:00:00-03:00', timeZone: SAO_PAULO },
      due: '2024-03-16',
    },
    {
      // Configured 30 days: 1 Mar + 30 → Sun 31 Mar.
      name: 'other types: configured period',
      request: { regulation: 'LGPD', type: 'rectification', receivedAt: '2024-03-01T12:00:00-03:00', timeZone: SAO_PAULO },
      settings: { LGPD: { otherRequestDays: 30 } },
      due: '2024-03-31',
    },
    {
      // Small-agent doubling: 30 days for access → Sun 31 Mar.
      name: 'small agent doubling',
      request: { regulation: 'LGPD', type: 'access', receivedAt: '2024-03-01T12:00:00-03:00', timeZone: SAO_PAULO },
      settings: { LGPD: { smallAgentDoubling: true } },
      due: '2024-03-31',
    },
    {
      // 02:30 UTC on 2 Mar is 23:30 on 1 Mar in São Paulo (UTC−3): received 1 Mar → 16 Mar.
      name: 'time zone: late evening in São Paulo',
      request: { regulation: 'LGPD', type: 'access', receivedAt: '2024-03-02T02:30:00Z', timeZone: SAO_PAULO },
      due: '2024-03-16',
    },
  ];
  it.each(rows)('$name', check);

  it('has no extension', () => {
    const d = computeDeadlines({
      regulation: 'LGPD',
      type: 'access',
      receivedAt: '2024-03-01T12:00:00-03:00',
      timeZone: SAO_PAULO,
      extended: true,
    });
    expect(d.due).toBe('2024-03-16');
    expect(d.warnings).toEqual(['extension_not_available']);
    expect(d.basis).toBe('LGPD Art. 18 II, Art. 19 II');
  });
});

describe('input and settings validation', () => {
  const ok = { regulation: 'GDPR', type: 'access', receivedAt: '2024-01-31T12:00:00Z', timeZone: 'UTC' } as const;

  it.each([
    ['unknown regulation', { ...ok, regulation: 'PIPEDA' }],
    ['unknown type', { ...ok, type: 'deletion' }],
    ['date instead of instant', { ...ok, receivedAt: '2024-01-31' }],
    ['instant without offset', { ...ok, receivedAt: '2024-01-31T12:00:00' }],
    ['unknown zone', { ...ok, timeZone: 'Europe/Atlantis' }],
  ])('refuses %s', (_name, request) => {
    expect(() => computeDeadlines(request as DeadlineRequest)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });

  it.each([
    ['a weekend of seven days', { GDPR: { weekend: [1, 2, 3, 4, 5, 6, 7] } }],
    ['a non-date holiday', { CCPA: { holidays: ['2024-02-30'] } }],
    ['an unknown setting', { GDPR: { rollToNextWorkingDay: true } }],
    ['a zero-day opt-out period', { CCPA: { optOutBusinessDays: 0 } }],
  ])('refuses settings with %s', (_name, settings) => {
    expect(() => computeDeadlines(ok, settings as DeadlineSettingsInput)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });

  it('has documented defaults', () => {
    expect(DeadlineSettings.parse({})).toEqual({
      GDPR: { publicHolidays: 'default', holidays: [], weekend: [6, 7], rollToWorkingDay: true, extensionFrom: 'receipt' },
      UK_GDPR: { publicHolidays: 'default', holidays: [], weekend: [6, 7], rollToWorkingDay: true, extensionFrom: 'receipt' },
      CCPA: {
        publicHolidays: 'default',
        holidays: [],
        weekend: [6, 7],
        rollToBusinessDay: false,
        optOutBusinessDays: 15,
        limitBusinessDays: 15,
      },
      LGPD: {
        publicHolidays: 'default',
        holidays: [],
        weekend: [6, 7],
        rollToWorkingDay: false,
        otherRequestDays: 15,
        smallAgentDoubling: false,
      },
    });
  });

  it('honours a different weekend (Friday–Saturday)', () => {
    // Fri 2 Feb 2024 + 1 month = Sat 2 Mar; with a Friday–Saturday weekend → Sun 3 Mar.
    const d = computeDeadlines({ ...ok, receivedAt: '2024-02-02T12:00:00Z' }, { GDPR: { weekend: [5, 6] } });
    expect(d.due).toBe('2024-03-03');
  });

  it('accepts already-parsed settings', () => {
    const settings = DeadlineSettings.parse({ GDPR: { holidays: ['2024-02-29'] } });
    // Thu 29 Feb is a holiday → Fri 1 Mar.
    expect(computeDeadlines(ok, settings).due).toBe('2024-03-01');
  });
});
