import { createRequire } from 'node:module';
import type HolidaysLibrary from 'date-holidays';
import { REGULATIONS, type Regulation } from '../../../shared/deadlines';
import {
  calendarName,
  dateHolidaysSource,
  defaultCalendarCode,
  listHolidayCalendars,
  provideHolidayLibrary,
} from '../../../shared/deadlines/public-holidays';

// Loaded on the first deadline computed, not at start-up: parsing its data takes about half a second.
provideHolidayLibrary(() => createRequire(import.meta.url)('date-holidays') as typeof HolidaysLibrary);

/** The public holidays deadlines count, for `computeDeadlines` (see src/shared/deadlines/public-holidays.ts). */
export const holidaySource = dateHolidaysSource;

let listed: { code: string; name: string }[] | null = null;

/** The calendars Settings offers, and what 'default' resolves to for the organisation's time zone. */
export function holidayCalendarChoices(timeZone: string): {
  calendars: { code: string; name: string }[];
  defaults: Record<Regulation, { code: string; name: string } | null>;
} {
  listed ??= listHolidayCalendars();
  const defaults = {} as Record<Regulation, { code: string; name: string } | null>;
  for (const regulation of REGULATIONS) {
    const code = defaultCalendarCode(regulation, timeZone);
    const name = code === null ? null : calendarName(code);
    defaults[regulation] = code !== null && name !== null ? { code, name } : null;
  }
  return { calendars: listed, defaults };
}
