import { z } from 'zod';
import { LetheError } from '../errors';
import { addWorkingDays, nextWorkingDay, type WorkingCalendar } from './calendar';
import { addDays, addMonthsClamped, endOfLocalDay, localDateOf, parseIsoDate, weekdayName, type IsoDate } from './civil-date';
import { deadlineSettingsSchema, type DeadlineSettings, type DeadlineSettingsInput } from './settings';
import {
  deadlineRequestSchema,
  type DeadlineRequest,
  type Deadlines,
  type DeadlineWarning,
  type PublicHolidaySource,
  type Regulation,
  type RequestType,
} from './types';

/** Which request types each regulation knows; anything else is refused rather than guessed. */
export const SUPPORTED_TYPES: Record<Regulation, readonly RequestType[]> = {
  GDPR: ['access', 'portability', 'erasure', 'rectification', 'restriction', 'objection', 'opt-out'],
  UK_GDPR: ['access', 'portability', 'erasure', 'rectification', 'restriction', 'objection', 'opt-out'],
  // No general right to object: a sale/sharing objection is 'opt-out'; 'restriction' is the
  // right to limit use of sensitive personal information (§1798.121).
  CCPA: ['access', 'portability', 'erasure', 'rectification', 'restriction', 'opt-out'],
  LGPD: ['access', 'portability', 'erasure', 'rectification', 'restriction', 'objection', 'opt-out'],
};

export function isSupportedType(regulation: Regulation, type: RequestType): boolean {
  return SUPPORTED_TYPES[regulation].includes(type);
}

/** What one regulation's rule yields before the shared extension/warning handling. */
interface RuleOutcome {
  initialDue: IsoDate;
  acknowledgeBy?: IsoDate;
  extension?: { noticeBy: IsoDate; due: IsoDate };
  basis: string;
  steps: string[];
}

const show = (date: IsoDate) => `${date} (${weekdayName(date)})`;

function roll(date: IsoDate, calendar: WorkingCalendar, enabled: boolean, steps: string[], what: string): IsoDate {
  if (!enabled) return date;
  const rolled = nextWorkingDay(date, calendar);
  if (rolled !== date) {
    const name = calendar.holidayNames?.[date];
    const why = calendar.holidays.includes(date) ? (name ? `a public holiday (${name})` : 'a holiday') : 'not a working day';
    steps.push(`${show(date)} is ${why}, so the ${what} moves to the next working day, ${show(rolled)}.`);
  }
  return rolled;
}

function addMonthsExplained(from: IsoDate, months: number, steps: string[], label: string): IsoDate {
  const to = addMonthsClamped(from, months);
  const sameDay = parseIsoDate(to).day === parseIsoDate(from).day;
  const count = months === 1 ? 'One month' : `${months} months`;
  steps.push(
    sameDay
      ? `${count} after ${from} is ${show(to)} (${label}).`
      : `${count} after ${from} would be day ${parseIsoDate(from).day}, which that month lacks, so its last day: ${show(to)} (${label}).`,
  );
  return to;
}

const GDPR_ARTICLE: Record<RequestType, string> = {
  access: 'Art. 15',
  portability: 'Art. 20',
  erasure: 'Art. 17',
  rectification: 'Art. 16',
  restriction: 'Art. 18',
  objection: 'Art. 21(1)',
  'opt-out': 'Art. 21(2)–(3)',
};

function gdprRule(regulation: 'GDPR' | 'UK_GDPR', type: RequestType, received: IsoDate, s: DeadlineSettings['GDPR']): RuleOutcome {
  const name = regulation === 'GDPR' ? 'GDPR' : 'UK GDPR';
  const steps = [`Received ${show(received)}; the day of receipt is not counted.`];
  const initialRaw = addMonthsExplained(received, 1, steps, 'end of the one-month period');
  const initialDue = roll(initialRaw, s, s.rollToWorkingDay, steps, 'deadline');
  let extendedRaw: IsoDate;
  if (s.extensionFrom === 'receipt') {
    extendedRaw = addMonthsExplained(received, 3, steps, 'end of the period if extended by two further months');
  } else {
    extendedRaw = addMonthsExplained(initialDue, 2, steps, 'two further months after the initial deadline');
  }
  const extendedDue = roll(extendedRaw, s, s.rollToWorkingDay, steps, 'extended deadline');
  steps.push(`Any extension must be notified, with reasons, by the initial deadline ${initialDue}.`);
  const timeRule = regulation === 'GDPR' ? '; Reg. (EEC, Euratom) No 1182/71 Art. 3' : '';
  return {
    initialDue,
    extension: { noticeBy: initialDue, due: extendedDue },
    basis: `${name} Art. 12(3) (request under ${GDPR_ARTICLE[type]})${timeRule}`,
    steps,
  };
}

const CCPA_RIGHT: Record<RequestType, string> = {
  access: 'right to know, Cal. Civ. Code §§1798.100, 1798.110, 1798.115',
  portability: 'right to know, Cal. Civ. Code §§1798.100, 1798.110, 1798.115',
  erasure: 'right to delete, Cal. Civ. Code §1798.105',
  rectification: 'right to correct, Cal. Civ. Code §1798.106',
  restriction: 'right to limit sensitive personal information, Cal. Civ. Code §1798.121; 11 CCR §7027',
  objection: '',
  'opt-out': 'right to opt out of sale/sharing, Cal. Civ. Code §1798.120; 11 CCR §7026',
};

function ccpaRule(type: RequestType, received: IsoDate, s: DeadlineSettings['CCPA']): RuleOutcome {
  const steps = [`Received ${show(received)}; the day of receipt is not counted.`];
  if (type === 'opt-out' || type === 'restriction') {
    const days = type === 'opt-out' ? s.optOutBusinessDays : s.limitBusinessDays;
    const initialDue = addWorkingDays(received, days, s);
    steps.push(`${days} business days after receipt (weekends and configured holidays skipped): ${show(initialDue)}.`);
    return { initialDue, basis: `CCPA ${CCPA_RIGHT[type]}`, steps };
  }
  const acknowledgeBy = addWorkingDays(received, 10, s);
  steps.push(`Confirm receipt by the 10th business day after receipt: ${show(acknowledgeBy)}.`);
  const initialRaw = addDays(received, 45);
  steps.push(`45 calendar days after receipt, whatever the time spent on verification: ${show(initialRaw)}.`);
  const initialDue = roll(initialRaw, s, s.rollToBusinessDay, steps, 'deadline');
  // The cap is 90 days from receipt, so the extension counts from receipt, not from a rolled date.
  const extendedRaw = addDays(received, 90);
  steps.push(`If extended once by 45 days (90 in total), the deadline is ${show(extendedRaw)}.`);
  const extendedDue = roll(extendedRaw, s, s.rollToBusinessDay, steps, 'extended deadline');
  steps.push(`Any extension must be notified, with an explanation, within the first 45 days: by ${initialDue}.`);
  return {
    initialDue,
    acknowledgeBy,
    extension: { noticeBy: initialDue, due: extendedDue },
    basis: `CCPA ${CCPA_RIGHT[type]}; Cal. Civ. Code §1798.130(a)(2); 11 CCR §7021`,
    steps,
  };
}

const LGPD_RIGHT: Record<RequestType, string> = {
  access: 'Art. 18 II, Art. 19 II',
  portability: 'Art. 18 V, §5',
  erasure: 'Art. 18 IV and VI, §5',
  rectification: 'Art. 18 III, §5',
  restriction: 'Art. 18 IV (blocking), §5',
  objection: 'Art. 18 §2, §5',
  'opt-out': 'Art. 18 IX, Art. 8 §5, Art. 18 §5',
};

function lgpdRule(type: RequestType, received: IsoDate, s: DeadlineSettings['LGPD']): RuleOutcome {
  const steps = [`Received ${show(received)}; the day of receipt is not counted.`];
  let days = type === 'access' ? 15 : s.otherRequestDays;
  const source = type === 'access' ? 'Art. 19 II' : 'configured period for this request type';
  if (s.smallAgentDoubling) {
    days *= 2;
    steps.push('Deadlines are doubled for a small processing agent (configured).');
  }
  const initialRaw = addDays(received, days);
  steps.push(`${days} days after receipt (${source}): ${show(initialRaw)}.`);
  const initialDue = roll(initialRaw, s, s.rollToWorkingDay, steps, 'deadline');
  return { initialDue, basis: `LGPD ${LGPD_RIGHT[type]}`, steps };
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const where = first && first.path.length > 0 ? ` at ${first.path.map(String).join('.')}` : '';
  throw new LetheError('invalid_input', `Invalid ${what}${where}: ${first?.message ?? 'unknown problem'}`);
}

/**
 * The regulation's calendar with the chosen public-holiday calendar's days added, for the receipt
 * year and the next (the longest period, 90 days plus rolls, never reaches a third year).
 */
function withPublicHolidays(
  settings: DeadlineSettings,
  regulation: Regulation,
  timeZone: string,
  received: IsoDate,
  source: PublicHolidaySource | undefined,
): { settings: DeadlineSettings; explanation: string | null } {
  if (!source) return { settings, explanation: null };
  const own = settings[regulation];
  const year = parseIsoDate(received).year;
  const { calendar, explanation } = source(own.publicHolidays, regulation, timeZone, [year, year + 1]);
  if (!calendar) return { settings, explanation };
  const holidayNames: Record<IsoDate, string> = {};
  for (const h of calendar.holidays) holidayNames[h.date] = holidayNames[h.date] ? `${holidayNames[h.date]}, ${h.name}` : h.name;
  const holidays = [...new Set([...own.holidays, ...calendar.holidays.map((h) => h.date)])].sort();
  return { settings: { ...settings, [regulation]: { ...own, holidays, holidayNames } } as DeadlineSettings, explanation };
}

/**
 * Statutory dates for one request. Pure: no clock is read; everything follows from `receivedAt`,
 * the organization's time zone, the settings and the public holidays `publicHolidays` resolves
 * (without it, only the settings' own holiday lists count).
 * Throws LetheError('invalid_input') for bad input or a type the regulation does not know.
 */
export function computeDeadlines(
  request: DeadlineRequest,
  settings: DeadlineSettingsInput | DeadlineSettings = {},
  publicHolidays?: PublicHolidaySource,
): Deadlines {
  const req = parseOrThrow(deadlineRequestSchema, request, 'deadline request');
  const parsed = parseOrThrow(deadlineSettingsSchema, settings, 'deadline settings');
  if (!isSupportedType(req.regulation, req.type)) {
    throw new LetheError(
      'invalid_input',
      `${req.regulation} has no "${req.type}" request type; a sale/sharing objection under CCPA is "opt-out".`,
    );
  }
  const received = localDateOf(req.receivedAt, req.timeZone);
  const { settings: s, explanation } = withPublicHolidays(parsed, req.regulation, req.timeZone, received, publicHolidays);
  const outcome =
    req.regulation === 'CCPA'
      ? ccpaRule(req.type, received, s.CCPA)
      : req.regulation === 'LGPD'
        ? lgpdRule(req.type, received, s.LGPD)
        : gdprRule(req.regulation, req.type, received, s[req.regulation]);

  if (explanation) outcome.steps.splice(1, 0, explanation);

  const warnings: DeadlineWarning[] = [];
  let extended = false;
  if (req.extended && !outcome.extension) warnings.push('extension_not_available');
  if (req.extended && outcome.extension) {
    extended = true;
    if (req.extensionNoticeAt === undefined) warnings.push('extension_notice_missing');
  }
  if (outcome.extension && req.extensionNoticeAt !== undefined) {
    const noticeOn = localDateOf(req.extensionNoticeAt, req.timeZone);
    if (noticeOn > outcome.extension.noticeBy) {
      warnings.push('extension_notice_late');
      outcome.steps.push(`The extension notice of ${noticeOn} came after ${outcome.extension.noticeBy}.`);
    }
  }
  const due = extended && outcome.extension ? outcome.extension.due : outcome.initialDue;
  outcome.steps.push(extended ? `Extended: due ${show(due)}.` : `Due ${show(due)}.`);

  const result: Deadlines = {
    regulation: req.regulation,
    type: req.type,
    receivedOn: received,
    due,
    dueEndInstant: endOfLocalDay(due, req.timeZone),
    initialDue: outcome.initialDue,
    extended,
    basis: outcome.basis,
    rule: outcome.steps.join(' '),
    warnings,
  };
  if (outcome.acknowledgeBy !== undefined) result.acknowledgeBy = outcome.acknowledgeBy;
  if (outcome.extension) {
    result.extensionNoticeBy = outcome.extension.noticeBy;
    result.extendedDue = outcome.extension.due;
  }
  return result;
}
