import type { Request, RequestStatus, Verification } from '../../../../shared/contract/groups/requests';

export const STATUS_LABELS: Record<RequestStatus, string> = {
  received: 'Received',
  verifying: 'Verifying',
  in_progress: 'In progress',
  awaiting_approval: 'Awaiting approval',
  completed: 'Completed',
  denied: 'Denied',
  withdrawn: 'Withdrawn',
};

export const TYPE_LABELS: Record<Request['type'], string> = {
  access: 'Access',
  portability: 'Portability',
  erasure: 'Erasure',
  rectification: 'Rectification',
  restriction: 'Restriction',
  objection: 'Objection',
  'opt-out': 'Opt-out',
};

export const REGULATION_LABELS: Record<Request['regulation'], string> = {
  GDPR: 'GDPR',
  UK_GDPR: 'UK GDPR',
  CCPA: 'CCPA/CPRA',
  LGPD: 'LGPD',
};

export const CHANNEL_LABELS: Record<Request['channel'], string> = {
  email: 'E-mail',
  web_form: 'Web form',
  helpdesk_ticket: 'Helpdesk ticket',
  phone: 'Phone',
  post: 'Post',
  in_person: 'In person',
  authorized_agent: 'Authorized agent',
  other: 'Other',
};

export const METHOD_LABELS: Record<Verification['method'], string> = {
  account_login: 'Signed in to their account',
  email_confirmation: 'Confirmed from the e-mail address on file',
  data_points: 'Matched data points we hold',
  signed_declaration: 'Signed declaration',
  authorized_agent: 'Authorized agent with proof',
  other: 'Other',
};

/** "in 3 days", "today", "2 days late": the words beside a countdown. */
export function dueInWords(days: number): string {
  if (days === 0) return 'due today';
  if (days === 1) return 'due tomorrow';
  if (days > 1) return `${days} days left`;
  return days === -1 ? '1 day overdue' : `${-days} days overdue`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

export function formatInstant(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return timeZone
    ? new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d)
    : dateTime.format(d);
}

/** A civil date (YYYY-MM-DD) shown in the reader's format without shifting it through a zone. */
export function formatDate(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? isoDate : dateOnly.format(d);
}

/*
 * Lists derived from the label records (which the compiler keeps complete), so these pages import
 * only types from the contract groups and the renderer bundle does not carry zod for them.
 */
const keys = <K extends string>(record: Record<K, string>): K[] => Object.keys(record) as K[];
export const STATUSES = keys(STATUS_LABELS);
export const CHANNELS = keys(CHANNEL_LABELS);
export const VERIFICATION_METHODS = keys(METHOD_LABELS);
export const isClosedStatus = (status: RequestStatus): boolean => status === 'completed' || status === 'denied' || status === 'withdrawn';
