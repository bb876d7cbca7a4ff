import { z } from 'zod';
import { isIsoDate } from './civil-date';

/**
 * Everything the reference marks "verify", and every choice it is silent on, is a setting here
 * rather than a constant; figures it states as fact (one month, two months, 45 days, 10 business
 * days, 15 days for LGPD Art. 19 II) are constants in the rules.
 *
 * Public holidays come from a calendar chosen per regulation ('default': the supervisory
 * authority's country, see public-holidays.ts); extra dates can be listed on top of it.
 */
const isoDate = z.string().refine(isIsoDate, 'a calendar date YYYY-MM-DD');

/**
 * A public-holiday calendar of the date-holidays library: a country ('DE'), optionally with a
 * state ('DE-BY', 'GB-ENG', 'US-CA'); 'default' lets the rules pick the supervisory authority's
 * country (see public-holidays.ts), 'none' counts weekends and the listed holidays only.
 */
export const holidayCalendarSchema = z.union([
  z.literal('default'),
  z.literal('none'),
  z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,4})?$/, 'a country code such as DE, or a country and state such as US-CA'),
]);
export type HolidayCalendarChoice = z.infer<typeof holidayCalendarSchema>;

const calendarShape = {
  /** Which public-holiday calendar counts for this regulation's periods, besides `holidays`. */
  publicHolidays: holidayCalendarSchema.default('default'),
  /** Extra holidays (ISO dates) for this regulation's periods, on top of the calendar's. */
  holidays: z.array(isoDate).max(2_000).default([]),
  /** Non-working ISO weekdays, Monday = 1 … Sunday = 7. */
  weekend: z.array(z.number().int().min(1).max(7)).max(6, 'at least one day of the week must be a working day').default([6, 7]),
};

const gdprLike = z
  .object({
    ...calendarShape,
    /** Reg. 1182/71 Art. 3(4): a period ending on a Saturday, Sunday or holiday ends on the next working day. */
    rollToWorkingDay: z.boolean().default(true),
    /**
     * Where the extended deadline is counted from. 'receipt' (default, the common reading): three
     * months from the receipt date, then rolled. 'initial_deadline': two further months from the
     * (rolled) initial deadline, then rolled; month-end clamping and the first roll make it differ
     * from 'receipt' by a few days either way.
     */
    extensionFrom: z.enum(['receipt', 'initial_deadline']).default('receipt'),
  })
  .strict();

const ccpa = z
  .object({
    ...calendarShape,
    /**
     * Whether a 45/90-calendar-day deadline on a non-business day moves to the next business day.
     * 11 CCR §7021(b) does not say so; default false (the earlier, safer date).
     */
    rollToBusinessDay: z.boolean().default(false),
    /** Opt-out of sale/sharing: business days to act (11 CCR §7026, "verify" in the reference). */
    optOutBusinessDays: z.number().int().min(1).max(90).default(15),
    /**
     * Limit use of sensitive PI (§1798.121), recorded as type 'restriction': business days to act.
     * 11 CCR §7027 sets 15; the reference does not list it, so it is a setting.
     */
    limitBusinessDays: z.number().int().min(1).max(90).default(15),
  })
  .strict();

const lgpd = z
  .object({
    ...calendarShape,
    /**
     * Whether a deadline on a non-working day moves to the next working day (Brazilian Civil Code
     * Art. 132 §1 reasoning). The reference is silent; default false (the earlier, safer date).
     */
    rollToWorkingDay: z.boolean().default(false),
    /**
     * Days for request types other than the Art. 19 II access declaration: Art. 18 §5 defers to
     * "regulatory deadlines" the ANPD has not set generally, so the default applies Art. 19's 15
     * days by analogy.
     */
    otherRequestDays: z.number().int().min(1).max(365).default(15),
    /** ANPD Resolution CD/ANPD 2/2022 doubles deadlines for small agents ("verify"): off by default. */
    smallAgentDoubling: z.boolean().default(false),
  })
  .strict();

export const deadlineSettingsSchema = z
  .object({
    GDPR: gdprLike.prefault({}),
    UK_GDPR: gdprLike.prefault({}),
    CCPA: ccpa.prefault({}),
    LGPD: lgpd.prefault({}),
  })
  .strict();

/** Zod schema for the deadline settings; `DeadlineSettings.parse({})` gives the defaults. */
export const DeadlineSettings = deadlineSettingsSchema;
export type DeadlineSettings = z.output<typeof deadlineSettingsSchema>;
export type DeadlineSettingsInput = z.input<typeof deadlineSettingsSchema>;

export function defaultDeadlineSettings(): DeadlineSettings {
  return deadlineSettingsSchema.parse({});
}
