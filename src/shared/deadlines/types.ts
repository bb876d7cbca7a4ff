import { z } from 'zod';
import { isoDateTime } from '../schemas/common';
import { isValidTimeZone, type IsoDate } from './civil-date';
import type { HolidayCalendarChoice } from './settings';

export const REGULATIONS = ['GDPR', 'UK_GDPR', 'CCPA', 'LGPD'] as const;
export const regulationSchema = z.enum(REGULATIONS);
export type Regulation = z.infer<typeof regulationSchema>;

export const REQUEST_TYPES = ['access', 'portability', 'erasure', 'rectification', 'restriction', 'objection', 'opt-out'] as const;
export const requestTypeSchema = z.enum(REQUEST_TYPES);
export type RequestType = z.infer<typeof requestTypeSchema>;

export const timeZoneSchema = z.string().min(1).max(64).refine(isValidTimeZone, 'an IANA time zone such as Europe/Berlin');

export const deadlineRequestSchema = z.object({
  regulation: regulationSchema,
  type: requestTypeSchema,
  /** When the request reached the organization (any channel), as an ISO instant with offset. */
  receivedAt: isoDateTime,
  /** The organization's IANA time zone: receipt and due dates are dates in this zone. */
  timeZone: timeZoneSchema,
  /** The period has been extended (GDPR Art. 12(3) two months, CCPA one more 45 days). */
  extended: z.boolean().optional(),
  /** When the subject was told about the extension; checked against `extensionNoticeBy`. */
  extensionNoticeAt: isoDateTime.optional(),
});
export type DeadlineRequest = z.input<typeof deadlineRequestSchema>;

/** Something the register should show next to the deadline; the codes are stable. */
export type DeadlineWarning =
  | 'extension_not_available' // extended: true on a request type whose rule has no extension
  | 'extension_notice_missing' // extended without a recorded notice date
  | 'extension_notice_late'; // notice dated after extensionNoticeBy: the extension may not hold

export interface Deadlines {
  regulation: Regulation;
  type: RequestType;
  /** Receipt date in the organization's time zone (the day that is not counted). */
  receivedOn: IsoDate;
  /** The deadline in force: `extendedDue` when extended, `initialDue` otherwise. */
  due: IsoDate;
  /** Last millisecond of `due` in the organization's time zone, ISO instant in UTC. */
  dueEndInstant: string;
  /** The deadline of the first period, before any extension. */
  initialDue: IsoDate;
  /** Whether `due` is the extended deadline. */
  extended: boolean;
  /** Deadline to confirm receipt (CCPA 11 CCR §7021(a)); absent where the law sets none. */
  acknowledgeBy?: IsoDate;
  /** Last day to tell the subject about an extension; present where an extension is possible. */
  extensionNoticeBy?: IsoDate;
  /** The deadline if (or since) extended; present where an extension is possible. */
  extendedDue?: IsoDate;
  /** Legal basis to cite in UI text, e.g. "GDPR Art. 12(3); Reg. (EEC, Euratom) 1182/71 Art. 3". */
  basis: string;
  /** One-paragraph, human-readable account of how `due` was computed from the receipt date. */
  rule: string;
  warnings: DeadlineWarning[];
}

/** One public-holiday calendar's days for the years a deadline can reach. */
export interface PublicHolidayCalendar {
  /** The calendar's code, e.g. 'DE' or 'US-CA'. */
  code: string;
  /** In words, e.g. 'Germany' or 'United States of America, California'. */
  name: string;
  holidays: { date: IsoDate; name: string }[];
}

/**
 * Resolves a regulation's calendar choice, for the given years, to a calendar (or none) and one
 * sentence saying which calendar was used and why. Injected by the caller: the holiday data is a
 * library too large for the renderer's bundle, so the pure rules never import it themselves.
 */
export type PublicHolidaySource = (
  choice: HolidayCalendarChoice,
  regulation: Regulation,
  timeZone: string,
  years: number[],
) => { calendar: PublicHolidayCalendar | null; explanation: string };
