import { addDays, isoWeekday, type IsoDate } from './civil-date';

/** Which days count as working days for one regulation's periods. */
export interface WorkingCalendar {
  /** ISO weekdays (Monday = 1 … Sunday = 7) that are not working days. */
  weekend: readonly number[];
  /** Public holidays as ISO dates. */
  holidays: readonly IsoDate[];
  /** Names of (some of) those holidays, for the explanation ("New Year's Day"). */
  holidayNames?: Readonly<Record<IsoDate, string>>;
}

export function isWorkingDay(date: IsoDate, calendar: WorkingCalendar): boolean {
  return !calendar.weekend.includes(isoWeekday(date)) && !calendar.holidays.includes(date);
}

/** `date` itself when it is a working day, otherwise the next working day after it. */
export function nextWorkingDay(date: IsoDate, calendar: WorkingCalendar): IsoDate {
  let d = date;
  // Terminates: the settings schema refuses a weekend of all seven days, and holidays are finite.
  while (!isWorkingDay(d, calendar)) d = addDays(d, 1);
  return d;
}

/**
 * The `count`-th working day after `date`. The start date itself is never counted (it is the day
 * of receipt), whether or not it is a working day: received Saturday, +1 business day = Monday.
 */
export function addWorkingDays(date: IsoDate, count: number, calendar: WorkingCalendar): IsoDate {
  let d = date;
  let remaining = count;
  while (remaining > 0) {
    d = addDays(d, 1);
    if (isWorkingDay(d, calendar)) remaining -= 1;
  }
  return d;
}
