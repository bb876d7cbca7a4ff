import type HolidaysLibrary from 'date-holidays';
import type { HolidayCalendarChoice } from './settings';
import type { PublicHolidayCalendar, PublicHolidaySource, Regulation } from './types';

/**
 * Public-holiday calendars from date-holidays (maintained, pure JS, no network). Deliberately not
 * exported from ./index: its data is several megabytes, and only the core computes deadlines; the
 * renderer gets the list of calendars through the contract.
 *
 * Only days of type 'public' count: 'bank', 'school', 'optional' and 'observance' days are not days
 * on which the supervisory authority's country is closed.
 */

type HolidaysCtor = typeof HolidaysLibrary;
let loadLibrary: (() => HolidaysCtor) | null = null;
let library: HolidaysCtor | null = null;

/**
 * How to load date-holidays, given once by whoever computes deadlines: the core loads it on first
 * use (half a second of parsing that a `lethe --version` should not pay), a test imports it.
 */
export function provideHolidayLibrary(load: () => HolidaysCtor): void {
  loadLibrary = load;
}

type Instance = InstanceType<HolidaysCtor>;
function Holidays(
  ...args: [] | [string] | [string, string | { languages: string[] }] | [string, string, { languages: string[] }]
): Instance {
  if (!library) {
    if (!loadLibrary) throw new Error('provideHolidayLibrary() was not called');
    library = loadLibrary();
  }
  // The library's overloads (country, state, region, options) do not spread; its runtime takes any.
  return new (library as unknown as new (...a: unknown[]) => Instance)(...args);
}

/** EU and EEA states: where a GDPR supervisory authority can sit. */
const EEA = [
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  'IS',
  'LI',
  'NO',
] as const;

/** The supervisory authority's calendar where the regulation fixes the country. */
const FIXED_DEFAULT: Partial<Record<Regulation, string>> = {
  // The ICO sits in Wilmslow, England; England and Wales share their bank holidays.
  UK_GDPR: 'GB-ENG',
  // The California Privacy Protection Agency and the Attorney General: California's state holidays.
  CCPA: 'US-CA',
  // The ANPD sits in Brasília; national holidays.
  LGPD: 'BR',
};

const REGULATION_NAME: Record<Regulation, string> = { GDPR: 'GDPR', UK_GDPR: 'UK GDPR', CCPA: 'CCPA', LGPD: 'LGPD' };

let eeaByZone: Map<string, string> | null = null;

/** The EU/EEA country whose time zones include `timeZone` (Europe/Berlin → DE), if any. */
export function eeaCountryOfTimeZone(timeZone: string): string | null {
  if (!eeaByZone) {
    eeaByZone = new Map();
    for (const country of EEA) for (const zone of Holidays(country).getTimezones()) eeaByZone.set(zone, country);
  }
  return eeaByZone.get(timeZone) ?? null;
}

/** The calendar 'default' stands for: the authority's country, for GDPR the organisation's (from its time zone). */
export function defaultCalendarCode(regulation: Regulation, timeZone: string): string | null {
  return FIXED_DEFAULT[regulation] ?? eeaCountryOfTimeZone(timeZone);
}

function split(code: string): { country: string; state?: string } {
  const [country = '', state] = code.split('-');
  return state ? { country, state } : { country };
}

/** 'US-CA' → 'United States of America, California'; null when the library does not know it. */
export function calendarName(code: string): string | null {
  const { country, state } = split(code);
  const lib = Holidays();
  const countryName = lib.getCountries('en')[country];
  if (!countryName) return null;
  if (!state) return countryName;
  const stateName = lib.getStates(country, 'en')?.[state];
  return stateName ? `${countryName}, ${stateName}` : null;
}

const cache = new Map<string, PublicHolidayCalendar>();

/** The public holidays of `code` in `years`, or null for a code the library does not know. */
export function publicHolidayCalendar(code: string, years: readonly number[]): PublicHolidayCalendar | null {
  const key = `${code}:${years.join(',')}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const name = calendarName(code);
  if (!name) return null;
  const { country, state } = split(code);
  const lib = state ? Holidays(country, state, { languages: ['en'] }) : Holidays(country, { languages: ['en'] });
  const holidays = years.flatMap((year) =>
    lib
      .getHolidays(year, 'en')
      .filter((h) => h.type === 'public')
      .map((h) => ({ date: h.date.slice(0, 10), name: h.name })),
  );
  const calendar = { code, name, holidays };
  if (cache.size > 500) cache.clear();
  cache.set(key, calendar);
  return calendar;
}

/** Every calendar that can be chosen: countries, and their states, sorted by name. */
export function listHolidayCalendars(): { code: string; name: string }[] {
  const lib = Holidays();
  const out: { code: string; name: string }[] = [];
  for (const [country, countryName] of Object.entries(lib.getCountries('en'))) {
    out.push({ code: country, name: countryName });
    for (const [state, stateName] of Object.entries(lib.getStates(country, 'en') ?? {})) {
      if (/^[A-Z0-9]{1,4}$/.test(state)) out.push({ code: `${country}-${state}`, name: `${countryName}, ${stateName}` });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

/** The `PublicHolidaySource` the core passes to `computeDeadlines`. */
export const dateHolidaysSource: PublicHolidaySource = (choice: HolidayCalendarChoice, regulation, timeZone, years) => {
  const reg = REGULATION_NAME[regulation];
  if (choice === 'none') {
    return {
      calendar: null,
      explanation: `No public-holiday calendar is chosen for ${reg}: only weekends and listed holidays are skipped.`,
    };
  }
  const code = choice === 'default' ? defaultCalendarCode(regulation, timeZone) : choice;
  if (code === null) {
    return {
      calendar: null,
      explanation:
        `No public-holiday calendar applies: the organisation's time zone ${timeZone} is in no EU/EEA country, ` +
        `so choose the supervisory authority's country for ${reg} in the deadline settings.`,
    };
  }
  const calendar = publicHolidayCalendar(code, years);
  if (!calendar) {
    return {
      calendar: null,
      explanation: `The public-holiday calendar "${code}" is not known: only weekends and listed holidays are skipped.`,
    };
  }
  const why =
    choice !== 'default'
      ? 'as chosen in the deadline settings'
      : FIXED_DEFAULT[regulation]
        ? `the ${reg} supervisory authority's, by default`
        : `the organisation's country (time zone ${timeZone}), by default`;
  return { calendar, explanation: `Public holidays of ${calendar.name} (${code}) are not working days: ${why}.` };
};
