import { computeDeadlines, dueIn, type DeadlineSettings } from '../../../shared/deadlines';
import { holidaySource } from './holiday-calendars';
import {
  isClosedStatus,
  type Request,
  type RequestLink,
  type RequestStatus,
  type Verification,
} from '../../../shared/contract/groups/requests';
import { LetheError } from '../../../shared/errors';
import type { SqliteDb } from '../db';
import { stmt } from '../db/sqlite';

export interface RequestRow {
  id: string;
  number: number;
  type: Request['type'];
  regulation: Request['regulation'];
  channel: Request['channel'];
  received_at: string;
  time_zone: string;
  requester_name: string | null;
  requester_email: string | null;
  requester_phone: string | null;
  contact_purged_at: string | null;
  subject_ref: string | null;
  subject_id: number | null;
  verification: string | null;
  status: RequestStatus;
  status_reason: string | null;
  denial_article: string | null;
  owner: string | null;
  notes: string;
  extension: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

interface LinkRow {
  request_id: string;
  kind: RequestLink['kind'];
  ref: string;
  sha256: string | null;
  at: string;
}

export const referenceOf = (number: number): string => `DSR-${String(number).padStart(6, '0')}`;

export function getRequestRow(db: SqliteDb, id: string): RequestRow | undefined {
  return stmt(db, 'SELECT * FROM requests WHERE id = ?').get(id) as RequestRow | undefined;
}

export function allRequestRows(db: SqliteDb): RequestRow[] {
  return stmt(db, 'SELECT * FROM requests ORDER BY received_at DESC, number DESC').all() as RequestRow[];
}

export function linksByRequest(db: SqliteDb, ids?: readonly string[]): Map<string, RequestLink[]> {
  const rows = (
    ids && ids.length === 1
      ? stmt(db, 'SELECT * FROM request_links WHERE request_id = ? ORDER BY at, ref').all(ids[0])
      : stmt(db, 'SELECT * FROM request_links ORDER BY at, ref').all()
  ) as LinkRow[];
  const map = new Map<string, RequestLink[]>();
  for (const r of rows) {
    const list = map.get(r.request_id) ?? [];
    list.push({ kind: r.kind, ref: r.ref, sha256: r.sha256, at: r.at });
    map.set(r.request_id, list);
  }
  return map;
}

/**
 * Deadlines depend only on these inputs and the settings, and the register's dashboard and list
 * present every request on each call (10,000 of them in a large register), so each distinct input
 * is computed once. The key holds the settings' JSON (read anew on each call, so a settings change
 * never meets a stale entry). Results are frozen: they are shared between presentations.
 */
const deadlineMemo = new Map<string, Request['deadlines']>();
const settingsKeys = new WeakMap<DeadlineSettings, string>();
const DEADLINES_KEPT = 50_000;

type DeadlineInputs = Pick<RequestRow, 'regulation' | 'type' | 'received_at' | 'time_zone'>;

export function deadlinesOf(row: DeadlineInputs, extension: Request['extension'], settings: DeadlineSettings): Request['deadlines'] {
  let settingsKey = settingsKeys.get(settings);
  if (settingsKey === undefined) {
    settingsKey = JSON.stringify(settings);
    settingsKeys.set(settings, settingsKey);
  }
  const key = `${settingsKey}|${row.regulation}|${row.type}|${row.received_at}|${row.time_zone}|${extension === null ? '-' : `x${extension.noticeAt ?? ''}`}`;
  if (deadlineMemo.has(key)) return deadlineMemo.get(key)!;
  const computed = computeDeadlinesOf(row, extension, settings);
  if (deadlineMemo.size >= DEADLINES_KEPT) deadlineMemo.clear();
  deadlineMemo.set(key, computed === null ? null : Object.freeze(computed));
  return computed;
}

function computeDeadlinesOf(row: DeadlineInputs, extension: Request['extension'], settings: DeadlineSettings): Request['deadlines'] {
  try {
    const d = computeDeadlines(
      {
        regulation: row.regulation,
        type: row.type,
        receivedAt: row.received_at,
        timeZone: row.time_zone,
        extended: extension !== null,
        ...(extension?.noticeAt ? { extensionNoticeAt: extension.noticeAt } : {}),
      },
      settings,
      holidaySource,
    );
    return {
      receivedOn: d.receivedOn,
      due: d.due,
      dueEndInstant: d.dueEndInstant,
      initialDue: d.initialDue,
      extended: d.extended,
      ...(d.acknowledgeBy ? { acknowledgeBy: d.acknowledgeBy } : {}),
      ...(d.extensionNoticeBy ? { extensionNoticeBy: d.extensionNoticeBy } : {}),
      ...(d.extendedDue ? { extendedDue: d.extendedDue } : {}),
      basis: d.basis,
      rule: d.rule,
      warnings: d.warnings,
    };
  } catch {
    // A combination the rules refuse (imported before a rule changed, say): shown without a deadline.
    return null;
  }
}

export function rowToRequest(row: RequestRow, links: RequestLink[], settings: DeadlineSettings, asOf: string): Request {
  const extension = row.extension ? (JSON.parse(row.extension) as Request['extension']) : null;
  const deadlines = deadlinesOf(row, extension, settings);
  const closed = isClosedStatus(row.status);
  return {
    id: row.id,
    reference: referenceOf(row.number),
    type: row.type,
    regulation: row.regulation,
    channel: row.channel,
    receivedAt: row.received_at,
    timeZone: row.time_zone,
    requester: { name: row.requester_name, email: row.requester_email, phone: row.requester_phone, purgedAt: row.contact_purged_at },
    subjectId: row.subject_id,
    verification: row.verification ? (JSON.parse(row.verification) as Verification) : null,
    status: row.status,
    statusReason: row.status_reason,
    denialArticle: row.denial_article,
    owner: row.owner,
    notes: row.notes,
    extension,
    links,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
    deadlines,
    dueIn: deadlines && !closed ? dueIn(deadlines, asOf, row.time_zone) : null,
  };
}

/** Unverified open requests stay out of the default queue (but are counted and never dropped). */
export const isHiddenByDefault = (r: Pick<Request, 'verification' | 'status'>): boolean =>
  r.verification === null && !isClosedStatus(r.status);

/** What an update may change, as both registers (local and team) take it. */
export interface RequestEdit {
  channel?: Request['channel'] | undefined;
  owner?: string | undefined;
  notes?: string | undefined;
  subjectId?: number | null | undefined;
  requester?: { name?: string | undefined; email?: string | undefined; phone?: string | undefined } | undefined;
}

const blankToNull = (v: string | undefined): string | null => (v === undefined || v.trim() === '' ? null : v.trim());

/**
 * The columns an update really changes (blank text is no value), by column name. Refused when it
 * would write contact details that were purged: both registers share this rule.
 */
export function requestEdits(change: RequestEdit, row: RequestRow): Record<string, unknown> {
  const sets: Record<string, unknown> = {};
  if (change.channel !== undefined && change.channel !== row.channel) sets.channel = change.channel;
  if (change.owner !== undefined && blankToNull(change.owner) !== row.owner) sets.owner = blankToNull(change.owner);
  if (change.notes !== undefined && change.notes !== row.notes) sets.notes = change.notes;
  if (change.subjectId !== undefined && change.subjectId !== row.subject_id) sets.subject_id = change.subjectId;
  if (change.requester) {
    if (row.contact_purged_at !== null) throw new LetheError('conflict', 'The contact details of this request were purged');
    const { name, email, phone } = change.requester;
    if (name !== undefined && blankToNull(name) !== row.requester_name) sets.requester_name = blankToNull(name);
    if (email !== undefined && blankToNull(email) !== row.requester_email) sets.requester_email = blankToNull(email);
    if (phone !== undefined && blankToNull(phone) !== row.requester_phone) sets.requester_phone = blankToNull(phone);
  }
  return sets;
}

/** The identifiers the request has once `sets` is written: what names its subject. */
export function identifiersAfter(
  sets: Record<string, unknown>,
  row: RequestRow,
): { email: string | null; phone: string | null; subjectId: number | null } {
  return {
    email: (sets.requester_email as string | null | undefined) ?? row.requester_email,
    phone: (sets.requester_phone as string | null | undefined) ?? row.requester_phone,
    subjectId: (sets.subject_id as number | null | undefined) ?? row.subject_id,
  };
}

/** The `request.updated` entry's data: field names only (new contact details or notes are personal data). */
export function updatedAuditData(fields: string[], sets: Record<string, unknown>): Record<string, unknown> {
  return {
    fields: fields.map((f) => f.replace(/^requester_/, 'requester.').replace('subject_id', 'subjectId')),
    ...(sets.owner !== undefined ? { owner: sets.owner } : {}),
    ...(sets.subject_id !== undefined ? { subjectId: sets.subject_id } : {}),
  };
}

/**
 * The deadlines a request would have once extended, or the conflict that forbids the extension
 * (closed, already extended, or not allowed for this regulation and type): both registers' rule.
 */
export function extendedDeadlines(
  row: RequestRow,
  deadlines: DeadlineSettings,
  noticeAt: string | undefined,
): ReturnType<typeof computeDeadlines> {
  if (isClosedStatus(row.status)) throw new LetheError('conflict', `The request is ${row.status}`);
  if (row.extension !== null) throw new LetheError('conflict', 'The deadline of this request was already extended');
  const d = computeDeadlines(
    {
      regulation: row.regulation,
      type: row.type,
      receivedAt: row.received_at,
      timeZone: row.time_zone,
      extended: true,
      ...(noticeAt ? { extensionNoticeAt: noticeAt } : {}),
    },
    deadlines,
    holidaySource,
  );
  if (d.warnings.includes('extension_not_available')) {
    throw new LetheError('conflict', `${row.regulation} allows no extension for ${row.type} requests (${d.basis})`);
  }
  return d;
}

/** What a status change asks, as both registers (local and team) take it. */
export interface StatusChange {
  status: RequestStatus;
  reason?: string | undefined;
  article?: string | undefined;
  closedAt?: string | undefined;
}

/** What a status change writes (the columns) and records (the audit action and its data). */
export interface StatusTransition {
  reason: string | null;
  article: string | null;
  closedAt: string | null;
  action: string;
  auditData: Record<string, unknown>;
}

/**
 * The transition a status change makes at `at`, or null when it changes nothing (the same status,
 * other than a second denial). Refused when a denial lacks its reason or article, or the request
 * would close before it was received: both registers' rule.
 */
export function statusTransition(
  row: { status: RequestStatus; received_at: string },
  change: StatusChange,
  at: string,
): StatusTransition | null {
  const reason = blankToNull(change.reason);
  const article = blankToNull(change.article);
  if (change.status === 'denied' && (reason === null || article === null)) {
    throw new LetheError('invalid_input', 'A denial needs a reason and the article relied on (for example "GDPR Art. 12(5)(b)")');
  }
  if (change.status === row.status && change.status !== 'denied') return null;
  const closedAt = isClosedStatus(change.status) ? (change.closedAt ?? at) : null;
  if (closedAt !== null && Date.parse(closedAt) < Date.parse(row.received_at)) {
    throw new LetheError('invalid_input', 'A request cannot close before it was received');
  }
  const action =
    change.status === 'completed' || change.status === 'denied' || change.status === 'withdrawn'
      ? `request.${change.status}`
      : isClosedStatus(row.status)
        ? 'request.reopened'
        : 'request.status_changed';
  return {
    reason,
    article: change.status === 'denied' ? article : null,
    closedAt,
    action,
    // The free-text reason stays in the register (it may name people); the article is the decision.
    auditData: {
      from: row.status,
      to: change.status,
      ...(closedAt ? { closedAt } : {}),
      ...(change.status === 'denied' ? { article, reasonRecorded: true } : {}),
    },
  };
}

/** The `request.extended` entry's data: the deadlines before and after, and the notice. */
export function extendedAuditData(d: ReturnType<typeof computeDeadlines>, noticeAt: string | null): Record<string, unknown> {
  return {
    initialDue: d.initialDue,
    due: d.due,
    noticeAt,
    noticeBy: d.extensionNoticeBy ?? null,
    warnings: d.warnings,
    basis: d.basis,
  };
}

/**
 * The verification a request records at `at`, and its `request.verified` entry's data (the method and
 * how many points matched, never the points themselves). Refused on a closed request: both registers' rule.
 */
export function verificationOf(
  row: { status: RequestStatus; verification: unknown },
  input: {
    method: Verification['method'];
    dataPointsMatched: Verification['dataPointsMatched'];
    verifiedBy: string;
    verifiedAt?: string | undefined;
  },
  at: string,
): { verification: Verification; auditData: Record<string, unknown> } {
  if (isClosedStatus(row.status)) throw new LetheError('conflict', `The request is ${row.status}`);
  const verification: Verification = {
    method: input.method,
    dataPointsMatched: input.dataPointsMatched,
    verifiedBy: input.verifiedBy,
    verifiedAt: input.verifiedAt ?? at,
  };
  return {
    verification,
    auditData: {
      method: input.method,
      dataPointsMatched: input.dataPointsMatched,
      verifiedAt: verification.verifiedAt,
      reverified: row.verification !== null,
    },
  };
}
