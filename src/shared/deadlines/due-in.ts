import { daysBetween, localDateOf, type IsoDate } from './civil-date';

export type Urgency = 'overdue' | 'due_soon' | 'ok';

export interface DueIn {
  /** Calendar days from today (in the organization's zone) to the due date: 0 = due today, negative = overdue. */
  daysRemaining: number;
  urgency: Urgency;
}

export const DUE_SOON_DAYS = 7;

/**
 * Days left until a due date, counted in calendar dates of `timeZone` so that a deadline is not
 * overdue until its whole local day has passed. `now` is passed in: nothing here reads a clock.
 */
export function dueIn(deadline: { due: IsoDate } | IsoDate, now: string, timeZone: string, dueSoonDays: number = DUE_SOON_DAYS): DueIn {
  const due = typeof deadline === 'string' ? deadline : deadline.due;
  const daysRemaining = daysBetween(localDateOf(now, timeZone), due);
  const urgency: Urgency = daysRemaining < 0 ? 'overdue' : daysRemaining <= dueSoonDays ? 'due_soon' : 'ok';
  return { daysRemaining, urgency };
}
