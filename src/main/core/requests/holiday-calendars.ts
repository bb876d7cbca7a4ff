import { REGULATIONS, type Regulation } from '../../../shared/deadlines';
import { calendarName, defaultCalendarCode, listHolidayCalendars } from '../../../shared/deadlines/public-holidays';

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
