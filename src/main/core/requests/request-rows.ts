import { computeDeadlines, dueIn, type DeadlineSettings } from '../../../shared/deadlines';
import { holidaySource } from './holiday-calendars';
import {
  isClosedStatus,
  type Request,
  type RequestLink,
  type RequestStatus,
  type Verification,
} from '../../../shared/contract/groups/requests';
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

function deadlinesOf(row: RequestRow, extension: Request['extension'], settings: DeadlineSettings): Request['deadlines'] {
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
