import type { Request, RequestStatus } from '../../shared/contract/groups/requests';
import type { Regulation, RequestType } from '../../shared/deadlines/types';
import type { Dataset } from '../../sim/dataset';

/**
 * The demo's request register: a dozen requests about people of the demo helpdesk, so the queue,
 * the countdowns and the dashboard show the work on first start. Everything is relative to "now"
 * (received N days ago), so an overdue request stays overdue and "due this week" stays true on
 * whatever day the demo is started. The people come from the simulator's dataset (same seed as the
 * running demo), so each request opens a real dossier.
 */

const DAY = 86_400_000;

/** Written into every demo request's notes: the register says what it is, even in an export. */
export const DEMO_NOTE = 'Demo data: a made-up request about a synthetic person of the demo helpdesk.';
export const DEMO_ACTOR = 'Lethe demo';
/** The demo's staff: made-up names, so audit entries read as an officer's would. */
type DemoOwner = 'Dana Okafor' | 'Jonas Weber' | 'Marta Silva';

export interface DemoRequestSpec {
  /** Stable name for tests and the follow-up after the first sync. */
  key: string;
  regulation: Regulation;
  type: RequestType;
  channel: Request['channel'];
  receivedDaysAgo: number;
  status: RequestStatus;
  /** Identity verified this many days after receipt; absent = not verified yet. */
  verifiedAfterDays?: number;
  closedDaysAgo?: number;
  extension?: { reason: string; noticeAfterDays: number };
  denial?: { reason: string; article: string };
  withdrawnReason?: string;
  owner: DemoOwner | null;
  /** Extra words after DEMO_NOTE. */
  note: string;
}

/**
 * Every status, every type, all four regulations. Deadlines (defaults): GDPR/UK GDPR one month,
 * CCPA 45 days (opt-out 15 business days), LGPD 15 days.
 */
export const DEMO_REQUESTS: readonly DemoRequestSpec[] = [
  {
    key: 'overdue-access',
    regulation: 'GDPR',
    type: 'access',
    channel: 'email',
    receivedDaysAgo: 38,
    status: 'in_progress',
    verifiedAfterDays: 2,
    owner: 'Jonas Weber',
    note: 'Overdue: the archive was held up waiting for attachments.',
  },
  {
    key: 'erasure-due-soon',
    regulation: 'GDPR',
    type: 'erasure',
    channel: 'helpdesk_ticket',
    receivedDaysAgo: 27,
    status: 'awaiting_approval',
    verifiedAfterDays: 1,
    owner: 'Dana Okafor',
    note: 'Erasure preview reviewed; waiting for a second pair of eyes.',
  },
  {
    key: 'lgpd-access-due-soon',
    regulation: 'LGPD',
    type: 'access',
    channel: 'web_form',
    receivedDaysAgo: 11,
    status: 'in_progress',
    verifiedAfterDays: 1,
    owner: 'Marta Silva',
    note: 'LGPD Art. 19 II: the full statement is due within 15 days.',
  },
  {
    key: 'ccpa-erasure-due-soon',
    regulation: 'CCPA',
    type: 'erasure',
    channel: 'web_form',
    receivedDaysAgo: 41,
    status: 'in_progress',
    verifiedAfterDays: 6,
    owner: 'Dana Okafor',
    note: 'Request to delete; two service providers to notify.',
  },
  {
    key: 'uk-extended-access',
    regulation: 'UK_GDPR',
    type: 'access',
    channel: 'post',
    receivedDaysAgo: 62,
    status: 'in_progress',
    verifiedAfterDays: 4,
    extension: { reason: 'Complex: tickets across three brands and a merged second account.', noticeAfterDays: 20 },
    owner: 'Jonas Weber',
    note: 'Extended under Art. 12(3); the requester was told on day 20.',
  },
  {
    key: 'ccpa-know-verifying',
    regulation: 'CCPA',
    type: 'access',
    channel: 'authorized_agent',
    receivedDaysAgo: 3,
    status: 'verifying',
    owner: 'Marta Silva',
    note: 'Awaiting identity verification: the authorised agent has not sent the signed permission yet.',
  },
  {
    key: 'ccpa-opt-out',
    regulation: 'CCPA',
    type: 'opt-out',
    channel: 'web_form',
    receivedDaysAgo: 4,
    status: 'in_progress',
    verifiedAfterDays: 0,
    owner: null,
    note: 'Do not sell or share: marketing audiences to be updated.',
  },
  {
    key: 'gdpr-restriction',
    regulation: 'GDPR',
    type: 'restriction',
    channel: 'email',
    receivedDaysAgo: 9,
    status: 'in_progress',
    verifiedAfterDays: 1,
    owner: 'Dana Okafor',
    note: 'Accuracy contested (Art. 18(1)(a)): processing restricted while it is checked.',
  },
  {
    key: 'uk-rectification-new',
    regulation: 'UK_GDPR',
    type: 'rectification',
    channel: 'phone',
    receivedDaysAgo: 1,
    status: 'received',
    verifiedAfterDays: 0,
    owner: null,
    note: 'New surname after marriage; verified on the call by account login.',
  },
  {
    key: 'ccpa-portability',
    regulation: 'CCPA',
    type: 'portability',
    channel: 'email',
    receivedDaysAgo: 19,
    status: 'in_progress',
    verifiedAfterDays: 2,
    owner: 'Jonas Weber',
    note: 'Wants a machine-readable copy to move to another provider.',
  },
  {
    key: 'completed-access',
    regulation: 'GDPR',
    type: 'access',
    channel: 'email',
    receivedDaysAgo: 24,
    status: 'completed',
    verifiedAfterDays: 1,
    closedDaysAgo: 6,
    owner: 'Dana Okafor',
    note: 'Answered with the access archive linked below.',
  },
  {
    key: 'uk-objection-denied',
    regulation: 'UK_GDPR',
    type: 'objection',
    channel: 'email',
    receivedDaysAgo: 30,
    status: 'denied',
    verifiedAfterDays: 2,
    closedDaysAgo: 5,
    denial: {
      reason: 'The tickets are kept to defend a pending legal claim about the same order.',
      article: 'UK GDPR Art. 21(1)',
    },
    owner: 'Jonas Weber',
    note: 'Objection to processing for the legitimate interest of handling complaints.',
  },
  {
    key: 'lgpd-erasure-withdrawn',
    regulation: 'LGPD',
    type: 'erasure',
    channel: 'in_person',
    receivedDaysAgo: 14,
    status: 'withdrawn',
    closedDaysAgo: 10,
    withdrawnReason: 'The titular withdrew the request by e-mail after the order issue was solved.',
    owner: 'Marta Silva',
    note: 'Eliminação (Art. 18 VI) requested at the shop counter.',
  },
];

export interface DemoPerson {
  userId: number;
  name: string;
  email: string;
  phone: string | null;
}

/**
 * End users with an e-mail address and no second account, taken in a fixed stride through the
 * dataset: the same people on every start, spread over the whole helpdesk.
 */
export function demoPeople(dataset: Dataset, count: number): DemoPerson[] {
  const people: DemoPerson[] = [];
  const stride = Math.max(1, Math.floor(dataset.userCount / (count * 3)));
  for (let i = 0; i < dataset.userCount && people.length < count; i += 1) {
    const index = (17 + i * stride) % dataset.userCount;
    if (dataset.isAgentIndex(index) || dataset.twinOf(index) !== undefined) continue;
    const email = dataset.primaryEmail(index);
    if (email === null || people.some((p) => p.userId === dataset.userId(index))) continue;
    people.push({ userId: dataset.userId(index), name: dataset.displayName(index).trim(), email, phone: dataset.phone(index) });
  }
  return people;
}

/** An instant `days` before `now`, at a plausible office hour (09:00–17:00 UTC) so dates read well. */
export function daysAgo(now: Date, days: number, hour = 10): string {
  const at = new Date(now.getTime() - days * DAY);
  at.setUTCHours(Math.min(hour, 17), 0, 0, 0);
  // Never in the future: a request received "0 days ago" at 10:00 when it is 08:00 now.
  return (at.getTime() > now.getTime() ? new Date(now.getTime() - 60_000) : at).toISOString();
}
