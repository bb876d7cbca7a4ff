import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonthsClamped,
  daysBetween,
  endOfLocalDay,
  isIsoDate,
  isoWeekday,
  localDateOf,
  parseIsoDate,
  wallTimeToInstant,
} from './civil-date';

describe('isIsoDate', () => {
  it.each([
    ['2024-02-29', true], // leap year
    ['2023-02-29', false], // common year
    ['1900-02-29', false], // century, not leap
    ['2000-02-29', true], // divisible by 400, leap
    ['2024-04-31', false], // April has 30 days
    ['2024-13-01', false],
    ['2024-00-10', false],
    ['2024-1-05', false],
    ['2024-01-05T00:00:00Z', false],
  ])('%s → %s', (value, expected) => {
    expect(isIsoDate(value)).toBe(expected);
  });

  it('parseIsoDate refuses what isIsoDate refuses', () => {
    expect(() => parseIsoDate('2023-02-29')).toThrow(/calendar date/);
  });
});

describe('addMonthsClamped (Reg. 1182/71 Art. 3(2)(c))', () => {
  it.each([
    ['2024-01-31', 1, '2024-02-29'], // no 31 Feb; 2024 is leap → 29th
    ['2023-01-31', 1, '2023-02-28'], // common year → 28th
    ['2024-01-30', 1, '2024-02-29'], // no 30 Feb either
    ['2024-01-28', 1, '2024-02-28'], // the date exists
    ['2023-05-31', 1, '2023-06-30'], // June has 30 days
    ['2023-06-30', 1, '2023-07-30'], // same date, not "last day of month"
    ['2023-12-15', 1, '2024-01-15'], // over the year end
    ['2023-11-30', 3, '2024-02-29'], // Nov 30 + 3 months → Feb 30 missing → 29 (leap)
    ['2024-01-31', 3, '2024-04-30'], // April has 30 days
    ['2024-02-29', 12, '2025-02-28'],
  ])('%s + %i months = %s', (from, months, expected) => {
    expect(addMonthsClamped(from, months)).toBe(expected);
  });
});

describe('day arithmetic', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2024-11-20', 45, '2025-01-04'], // 10 (to 30 Nov) + 31 (Dec) + 4
    ['2024-03-01', -1, '2024-02-29'],
  ])('%s + %i days = %s', (from, days, expected) => {
    expect(addDays(from, days)).toBe(expected);
    expect(daysBetween(from, expected)).toBe(days);
  });

  it.each([
    ['1970-01-01', 4], // Thursday
    ['2024-02-29', 4], // Thursday
    ['2024-03-02', 6], // Saturday
    ['2024-03-31', 7], // Sunday
    ['2024-04-01', 1], // Monday
    ['1969-12-31', 3], // Wednesday: before the epoch still works
  ])('%s is ISO weekday %i', (date, expected) => {
    expect(isoWeekday(date)).toBe(expected);
  });
});

describe('localDateOf', () => {
  it.each([
    // 07:30 UTC on 1 Feb is 23:30 PST (UTC−8) on 31 Jan.
    ['2024-02-01T07:30:00Z', 'America/Los_Angeles', '2024-01-31'],
    ['2024-02-01T07:30:00Z', 'UTC', '2024-02-01'],
    // 08:00 UTC is exactly midnight PST: the new day.
    ['2024-02-01T08:00:00Z', 'America/Los_Angeles', '2024-02-01'],
    // An instant with its own offset: the zone, not the offset, decides.
    ['2024-01-31T23:30:00-08:00', 'Europe/Berlin', '2024-02-01'],
    // 23:30 UTC on 30 Mar is 00:30 CET (UTC+1) on 31 Mar, the day Berlin moves to summer time.
    ['2024-03-30T23:30:00Z', 'Europe/Berlin', '2024-03-31'],
    // 18:30 UTC is midnight in India (UTC+5:30).
    ['2024-01-01T18:29:59Z', 'Asia/Kolkata', '2024-01-01'],
    ['2024-01-01T18:30:00Z', 'Asia/Kolkata', '2024-01-02'],
  ])('%s in %s is %s', (instant, zone, expected) => {
    expect(localDateOf(instant, zone)).toBe(expected);
  });

  it('refuses an unknown time zone and a non-instant', () => {
    expect(() => localDateOf('2024-01-01T00:00:00Z', 'Mars/Olympus_Mons')).toThrow(/time zone/);
    expect(() => localDateOf('yesterday', 'UTC')).toThrow(/instant/);
  });
});

describe('endOfLocalDay', () => {
  it.each([
    ['2024-02-29', 'UTC', '2024-02-29T23:59:59.999Z'],
    ['2024-02-29', 'America/Los_Angeles', '2024-03-01T07:59:59.999Z'], // PST, UTC−8
    ['2024-04-23', 'America/Los_Angeles', '2024-04-24T06:59:59.999Z'], // PDT, UTC−7
    ['2024-03-29', 'Europe/Berlin', '2024-03-29T22:59:59.999Z'], // CET, UTC+1
    ['2024-03-31', 'Europe/Berlin', '2024-03-31T21:59:59.999Z'], // spring-forward day (23 h): ends in CEST
    ['2024-10-27', 'Europe/Berlin', '2024-10-27T22:59:59.999Z'], // fall-back day (25 h): ends in CET
    ['2024-01-01', 'Asia/Kolkata', '2024-01-01T18:29:59.999Z'], // UTC+5:30
    // Chile fell back at midnight on 6→7 Apr 2024 (UTC−3 → UTC−4): 23:00–23:59 of 6 Apr happened
    // twice, and the day ends at the second 23:59:59.999, i.e. 03:59:59.999 UTC.
    ['2024-04-06', 'America/Santiago', '2024-04-07T03:59:59.999Z'],
    // Chile sprang forward at midnight on 7→8 Sep 2024: 7 Sep still ends in UTC−4.
    ['2024-09-07', 'America/Santiago', '2024-09-08T03:59:59.999Z'],
    // Samoa skipped 30 Dec 2011 (UTC−10 → UTC+14): that date ends when 31 Dec begins, 10:00 UTC.
    ['2011-12-30', 'Pacific/Apia', '2011-12-30T09:59:59.999Z'],
  ])('%s in %s ends at %s', (date, zone, expected) => {
    expect(endOfLocalDay(date, zone)).toBe(expected);
    // One millisecond later is a later local date.
    const next = new Date(Date.parse(expected) + 1).toISOString();
    expect(localDateOf(next, zone) > date).toBe(true);
  });
});

describe('wallTimeToInstant (the New request form: a time typed in a chosen zone)', () => {
  const rows: [string, string, string | null][] = [
    ['2026-12-01T09:30', 'Europe/Berlin', '2026-12-01T09:30:00+01:00'],
    ['2026-07-01T09:30', 'Europe/Berlin', '2026-07-01T09:30:00+02:00'],
    ['2026-12-01T23:45', 'America/Los_Angeles', '2026-12-01T23:45:00-08:00'],
    ['2026-12-01T09:30', 'Asia/Kolkata', '2026-12-01T09:30:00+05:30'],
    ['2026-12-01T09:30', 'UTC', '2026-12-01T09:30:00+00:00'],
    // Spring forward in Berlin, 29 March 2026: 02:30 does not exist and is read as 03:30 CEST.
    ['2026-03-29T02:30', 'Europe/Berlin', '2026-03-29T03:30:00+02:00'],
    // Fall back, 25 October 2026: 02:30 happens twice; the first (CEST) is taken.
    ['2026-10-25T02:30', 'Europe/Berlin', '2026-10-25T02:30:00+02:00'],
    ['2026-02-30T09:30', 'Europe/Berlin', null],
    ['2026-12-01', 'Europe/Berlin', null],
  ];
  for (const [value, zone, expected] of rows) {
    it(`${value} in ${zone} → ${expected}`, () => {
      const iso = wallTimeToInstant(value, zone);
      expect(iso).toBe(expected);
      if (iso) expect(localDateOf(iso, zone)).toBe(iso.slice(0, 10));
    });
  }
});

describe('localDateOf with the per-hour offset cache', () => {
  // Zones with changes off the hour: 00:01 (St John's until 2011, Gaza), half-hour DST (Lord Howe), +5:45 (Kathmandu).
  const zones = ['America/St_Johns', 'Asia/Gaza', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Europe/Berlin', 'America/Santiago'];
  const formats = new Map(
    zones.map((z) => [z, new Intl.DateTimeFormat('en-CA', { timeZone: z, year: 'numeric', month: '2-digit', day: '2-digit' })]),
  );
  const reference = (ms: number, timeZone: string): string => {
    const parts = formats.get(timeZone)!.formatToParts(ms);
    const get = (t: string) => parts.find((p) => p.type === t)?.value;
    return `${get('year')}-${get('month')}-${get('day')}`;
  };
  it('agrees with Intl every 17 min 7 s over years with their transitions', () => {
    const wrong: string[] = [];
    for (const zone of zones) {
      for (const year of [2010, 2024]) {
        for (let ms = Date.UTC(year, 0, 1); ms < Date.UTC(year + 1, 0, 1); ms += 1_027_000) {
          const iso = new Date(ms).toISOString();
          if (localDateOf(iso, zone) !== reference(ms, zone)) wrong.push(`${zone} ${iso}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
