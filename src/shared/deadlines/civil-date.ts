import { LetheError } from '../errors';

/**
 * Statutory periods are counted in calendar dates of the organization's time zone, not in
 * instants: a request received 23:30 in Los Angeles was received "on" that Los Angeles date.
 * Dates are handled as ISO `YYYY-MM-DD` strings, which sort and compare as dates.
 *
 * Arithmetic goes through a day number (days since 1970-01-01, proleptic Gregorian) computed with
 * `Date.UTC`, which has no time zone and no DST, so adding days can never skip or repeat a date.
 */
export type IsoDate = string;

export interface CivilDate {
  year: number;
  month: number; // 1–12
  day: number; // 1–31
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(m[1]), month);
}

export function parseIsoDate(value: IsoDate): CivilDate {
  if (!isIsoDate(value)) throw new LetheError('invalid_input', `Not a calendar date (YYYY-MM-DD): ${value}`);
  const m = ISO_DATE.exec(value)!;
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

export function formatIsoDate(date: CivilDate): IsoDate {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function toDayNumber(date: IsoDate): number {
  const { year, month, day } = parseIsoDate(date);
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

export function fromDayNumber(dayNumber: number): IsoDate {
  const d = new Date(dayNumber * MS_PER_DAY);
  return formatIsoDate({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/**
 * Same date `months` later; when that date does not exist, the last day of that month
 * (Reg. 1182/71 Art. 3(2)(c): 31 January + 1 month = 28 or 29 February).
 */
export function addMonthsClamped(date: IsoDate, months: number): IsoDate {
  const { year, month, day } = parseIsoDate(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return formatIsoDate({ year: y, month: m, day: Math.min(day, daysInMonth(y, m)) });
}

/** ISO weekday: Monday = 1 … Sunday = 7. */
export function isoWeekday(date: IsoDate): number {
  // 1970-01-01 was a Thursday (4).
  return ((((toDayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function weekdayName(date: IsoDate): string {
  return WEEKDAY_NAMES[isoWeekday(date) - 1]!;
}

// --- time zones -------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new LetheError('invalid_input', `Unknown time zone: ${timeZone}`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const HOUR_MS = 3_600_000;
/** Per zone, per UTC hour: the zone's offset through that whole hour, or null when it changes inside it. */
const hourOffsets = new Map<string, Map<number, number | null>>();
const HOURS_KEPT = 100_000;

/**
 * The wall-clock time of `ms` in `timeZone`, expressed as if it were UTC milliseconds.
 * Intl's formatToParts costs microseconds and the register's dashboard asks it hundreds of
 * thousands of times (10,000 requests took 8 s), so each zone's offset is kept per UTC hour. It is
 * exact: an hour is cached only when the offset at its first and last whole second agree, and
 * offsets change at whole seconds and never twice within an hour; an hour with a change inside
 * asks Intl every time.
 */
function wallClockMs(ms: number, timeZone: string): number {
  const hour = Math.floor(ms / HOUR_MS);
  let zone = hourOffsets.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    hourOffsets.set(timeZone, zone);
  }
  let offset = zone.get(hour);
  if (offset === undefined) {
    const start = hour * HOUR_MS;
    const last = start + HOUR_MS - 1000;
    const a = exactWallClockMs(start, timeZone) - start;
    offset = a === exactWallClockMs(last, timeZone) - last ? a : null;
    if (zone.size >= HOURS_KEPT) zone.clear();
    zone.set(hour, offset);
  }
  return offset === null ? exactWallClockMs(ms, timeZone) : ms + offset;
}

function exactWallClockMs(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const year = parts.year!;
  // Seconds resolution is enough: no zone in tzdata since 1970 has sub-second offsets.
  return Date.UTC(year, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) + (((ms % 1000) + 1000) % 1000);
}

function parseInstant(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new LetheError('invalid_input', `Not an instant (ISO 8601 date-time): ${instant}`);
  return ms;
}

/** The calendar date, in `timeZone`, of an instant such as `2024-02-01T07:30:00Z`. */
export function localDateOf(instant: string, timeZone: string): IsoDate {
  const wall = wallClockMs(parseInstant(instant), timeZone);
  return fromDayNumber(Math.floor(wall / MS_PER_DAY));
}

/**
 * The last millisecond of `date` in `timeZone`, as an ISO instant. Where a DST change repeats the
 * end of the day (e.g. America/Santiago falling back at midnight), the later occurrence is the end.
 */
export function endOfLocalDay(date: IsoDate, timeZone: string): string {
  const wall = (toDayNumber(date) + 1) * MS_PER_DAY - 1;
  // The offset in force at that wall time is one of the offsets in force around it; try each and
  // keep the latest instant that really shows that wall time.
  const offsets = new Set<number>();
  for (const probe of [wall - MS_PER_DAY, wall, wall + MS_PER_DAY]) offsets.add(wallClockMs(probe, timeZone) - probe);
  let best: number | undefined;
  for (const offset of offsets) {
    const candidate = wall - offset;
    if (wallClockMs(candidate, timeZone) === wall && (best === undefined || candidate > best)) best = candidate;
  }
  if (best === undefined) {
    // The end of the day falls in a gap (Pacific/Apia skipped 30 Dec 2011 entirely): the day ends
    // just before the first instant of a later date. Walk back by minutes, then narrow to the ms.
    const after = (ms: number) => fromDayNumber(Math.floor(wallClockMs(ms, timeZone) / MS_PER_DAY)) > date;
    let hi = Math.max(...[...offsets].map((o) => wall - o));
    while (after(hi - 60_000)) hi -= 60_000;
    let lo = hi - 60_000; // not after
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (after(mid)) hi = mid;
      else lo = mid;
    }
    best = lo;
  }
  return new Date(best).toISOString();
}

/**
 * A wall-clock time typed in a form (`YYYY-MM-DDTHH:mm`, as `<input type="datetime-local">` gives
 * it) read in `timeZone`, as an ISO instant with that zone's offset: `2026-12-01T09:30:00+01:00`.
 * The date as written stays visible in the result. A time skipped by a DST change is read with
 * the offset before the change (02:30 on a spring-forward night becomes 03:30); a repeated time
 * takes its first occurrence. Null when `value` is not such a time.
 */
export function wallTimeToInstant(value: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m || !isIsoDate(`${m[1]}-${m[2]}-${m[3]}`) || Number(m[4]) > 23 || Number(m[5]) > 59) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  const offsets = [...new Set([wall - MS_PER_DAY, wall, wall + MS_PER_DAY].map((probe) => wallClockMs(probe, timeZone) - probe))];
  // The earliest instant that shows this wall time; in a gap, none does: use the earlier offset.
  const exact = offsets.map((o) => wall - o).filter((candidate) => wallClockMs(candidate, timeZone) === wall);
  const offset = exact.length > 0 ? wall - Math.min(...exact) : Math.min(...offsets);
  const minutes = Math.round(offset / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  if (exact.length > 0) return `${value}:00${sign}${hh}:${mm}`;
  // Skipped time: the same instant, written as the wall time that does exist then.
  const instant = wall - offset;
  const shown = new Date(wallClockMs(instant, timeZone)).toISOString().slice(0, 16);
  const after = Math.round((wallClockMs(instant, timeZone) - instant) / 60_000);
  const s2 = after < 0 ? '-' : '+';
  const a2 = Math.abs(after);
  return `${shown}:00${s2}${String(Math.floor(a2 / 60)).padStart(2, '0')}:${String(a2 % 60).padStart(2, '0')}`;
}
