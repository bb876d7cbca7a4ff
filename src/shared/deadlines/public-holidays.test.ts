import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { computeDeadlines } from './compute';
import { calendarName, dateHolidaysSource, defaultCalendarCode, listHolidayCalendars, provideHolidayLibrary } from './public-holidays';
import type { DeadlineSettingsInput } from './settings';
import type { DeadlineRequest } from './types';

interface Row {
  name: string;
  request: DeadlineRequest;
  settings?: DeadlineSettingsInput;
  due: string;
  acknowledgeBy?: string;
  /** A phrase the explanation must contain: it names the calendar used. */
  says: string;
}

provideHolidayLibrary(() => Holidays);

const rows: Row[] = [
  {
    // Tue 1 Dec 2026 + 1 month = Fri 1 Jan 2027, New Year's Day in Germany → Mon 4 Jan.
    name: 'GDPR, Berlin: due on New Year’s Day rolls past it by default',
    request: { regulation: 'GDPR', type: 'access', receivedAt: '2026-12-01T12:00:00+01:00', timeZone: 'Europe/Berlin' },
    due: '2027-01-04',
    says: "Public holidays of Germany (DE) are not working days: the organisation's country (time zone Europe/Berlin), by default.",
  },
  {
    name: 'GDPR with the calendar switched off: New Year’s Day counts as a working day',
    request: { regulation: 'GDPR', type: 'access', receivedAt: '2026-12-01T12:00:00+01:00', timeZone: 'Europe/Berlin' },
    settings: { GDPR: { publicHolidays: 'none' } },
    due: '2027-01-01',
    says: 'No public-holiday calendar is chosen for GDPR',
  },
  {
    name: 'GDPR with a chosen state calendar',
    request: { regulation: 'GDPR', type: 'erasure', receivedAt: '2026-05-14T12:00:00+02:00', timeZone: 'Europe/Berlin' },
    settings: { GDPR: { publicHolidays: 'DE-BY' } },
    // Thu 14 May 2026 + 1 month = Sun 14 Jun → Mon 15 Jun.
    due: '2026-06-15',
    says: 'Public holidays of Germany, Bayern (DE-BY) are not working days: as chosen in the deadline settings.',
  },
  {
    name: 'GDPR in Dublin: Ireland by default',
    request: { regulation: 'GDPR', type: 'access', receivedAt: '2026-11-25T12:00:00Z', timeZone: 'Europe/Dublin' },
    // Wed 25 Nov + 1 month = Fri 25 Dec, Christmas Day → Sat 26 (St. Stephen's Day), Sun 27 → Mon 28 Dec.
    due: '2026-12-28',
    says: 'Public holidays of Ireland (IE)',
  },
  {
    name: 'GDPR with an organisation outside the EEA: no calendar, and the explanation says to choose one',
    request: { regulation: 'GDPR', type: 'access', receivedAt: '2026-12-01T12:00:00Z', timeZone: 'UTC' },
    due: '2027-01-01',
    says: 'choose the supervisory authority',
  },
  {
    // Received Sat 25 Apr 2026 + 1 month = Mon 25 May, the Spring bank holiday → Tue 26 May.
    name: 'UK GDPR: England and Wales bank holidays by default',
    request: { regulation: 'UK_GDPR', type: 'access', receivedAt: '2026-04-25T12:00:00+01:00', timeZone: 'Europe/London' },
    due: '2026-05-26',
    says: "Public holidays of United Kingdom, England (GB-ENG) are not working days: the UK GDPR supervisory authority's, by default.",
  },
  {
    // Received Fri 13 Nov 2026: business days 16…20 Nov (5), 23, 24, 25 (8); Thanksgiving Thu 26 and
    // the day after, Fri 27, are California holidays; 30 Nov (9), 1 Dec (10). 45 days: Mon 28 Dec.
    name: 'CCPA: California holidays skipped in business-day counts',
    request: { regulation: 'CCPA', type: 'access', receivedAt: '2026-11-13T12:00:00-08:00', timeZone: 'America/Los_Angeles' },
    due: '2026-12-28',
    acknowledgeBy: '2026-12-01',
    says: 'United States of America, California (US-CA)',
  },
  {
    // LGPD access: Mon 6 Apr 2026 + 15 days = Tue 21 Apr, Tiradentes → Wed 22 Apr when rolling is on.
    name: 'LGPD: Brazil by default, with rolling switched on',
    request: { regulation: 'LGPD', type: 'access', receivedAt: '2026-04-06T12:00:00-03:00', timeZone: 'America/Sao_Paulo' },
    settings: { LGPD: { rollToWorkingDay: true } },
    due: '2026-04-22',
    says: 'Public holidays of Brazil (BR)',
  },
];

describe('public-holiday calendars (date-holidays)', () => {
  for (const row of rows) {
    it(row.name, () => {
      const d = computeDeadlines(row.request, row.settings ?? {}, dateHolidaysSource);
      expect(d.due).toBe(row.due);
      if (row.acknowledgeBy) expect(d.acknowledgeBy).toBe(row.acknowledgeBy);
      expect(d.rule).toContain(row.says);
    });
  }

  it('names the holiday a deadline rolls past', () => {
    const d = computeDeadlines(rows[0]!.request, {}, dateHolidaysSource);
    expect(d.rule).toContain("2027-01-01 (Friday) is a public holiday (New Year's Day)");
  });

  it('picks the default calendar per regulation', () => {
    expect(defaultCalendarCode('GDPR', 'Europe/Paris')).toBe('FR');
    expect(defaultCalendarCode('GDPR', 'Atlantic/Canary')).toBe('ES');
    expect(defaultCalendarCode('GDPR', 'America/New_York')).toBeNull();
    expect(defaultCalendarCode('UK_GDPR', 'Europe/Berlin')).toBe('GB-ENG');
    expect(defaultCalendarCode('CCPA', 'UTC')).toBe('US-CA');
    expect(defaultCalendarCode('LGPD', 'UTC')).toBe('BR');
  });

  it('refuses a code the library does not know, and says so', () => {
    expect(calendarName('ZZ')).toBeNull();
    const d = computeDeadlines(
      { regulation: 'GDPR', type: 'access', receivedAt: '2026-12-01T12:00:00+01:00', timeZone: 'Europe/Berlin' },
      { GDPR: { publicHolidays: 'ZZ' } },
      dateHolidaysSource,
    );
    expect(d.due).toBe('2027-01-01');
    expect(d.rule).toContain('"ZZ" is not known');
  });

  it('lists countries and states with valid codes', () => {
    const list = listHolidayCalendars();
    expect(list.find((c) => c.code === 'DE')?.name).toBe('Germany');
    expect(list.find((c) => c.code === 'US-CA')?.name).toBe('United States of America, California');
    expect(list.every((c) => /^[A-Z]{2}(-[A-Z0-9]{1,4})?$/.test(c.code))).toBe(true);
  });
});
