import { randomBytes } from 'node:crypto';
import { isClosedStatus, type Request, type RequestStatus } from '../../../shared/contract/groups/requests';
import { isSupportedType } from '../../../shared/deadlines';
import { LetheError } from '../../../shared/errors';
import { appendAuditRow, type AuditContext } from '../audit/audit-log';
import { subjectRef } from '../audit/chain';
import { referenceOf } from './request-rows';

/*
 * A new request, whichever way it comes (the form, a CSV import, the team register): what it may
 * hold, the checks it must pass, the subject reference it gets, its row and its first audit entry.
 */

const newRequestId = (): string => `req_${randomBytes(10).toString('hex')}`;

/** A request as the register stores it; the fields a CSV row or the form can set. */
export interface NewRequest {
  type: Request['type'];
  regulation: Request['regulation'];
  channel: Request['channel'];
  receivedAt: string;
  timeZone: string;
  requester: { name?: string | undefined; email?: string | undefined; phone?: string | undefined };
  subjectId?: number | undefined;
  owner?: string | undefined;
  notes?: string | undefined;
  /** Imports of a register kept elsewhere may bring closed requests. */
  status?: RequestStatus | undefined;
  statusReason?: string | undefined;
  denialArticle?: string | undefined;
  closedAt?: string | undefined;
}

/** The request the form records (`requests.create`), read in the officer's time zone: both registers take it so. */
export function formRequest(
  input: Pick<NewRequest, 'type' | 'regulation' | 'channel' | 'receivedAt' | 'requester' | 'subjectId' | 'owner' | 'notes'>,
  timeZone: string,
): NewRequest {
  return {
    type: input.type,
    regulation: input.regulation,
    channel: input.channel,
    receivedAt: input.receivedAt,
    timeZone,
    requester: input.requester,
    subjectId: input.subjectId,
    owner: input.owner,
    notes: input.notes,
  };
}

export const blank = (v: string | undefined): string | null => (v === undefined || v.trim() === '' ? null : v.trim());

/** The `request.created` entry's data in both registers (local and team): facts, no contact details. */
export function createdAuditData(number: number, r: NewRequest, status: RequestStatus, source: string): Record<string, unknown> {
  return {
    reference: referenceOf(number),
    type: r.type,
    regulation: r.regulation,
    channel: r.channel,
    receivedAt: r.receivedAt,
    timeZone: r.timeZone,
    status,
    source,
    ...(status === 'denied' ? { article: blank(r.denialArticle) } : {}),
  };
}

/** Checks that the register's rules (not the schema) impose; shared by the form and the CSV import. */
export function checkNewRequest(r: NewRequest): string | null {
  if (!isSupportedType(r.regulation, r.type)) {
    return r.regulation === 'CCPA' && r.type === 'objection'
      ? 'CCPA has no general right to object: record an objection to sale or sharing as opt-out'
      : `${r.regulation} has no ${r.type} request`;
  }
  const status = r.status ?? 'received';
  if (status === 'denied' && (blank(r.statusReason) === null || blank(r.denialArticle) === null)) {
    return 'A denied request needs a reason and the article relied on';
  }
  if (isClosedStatus(status) && r.closedAt === undefined) return `A ${status} request needs the date it closed (closedAt)`;
  if (!isClosedStatus(status) && r.closedAt !== undefined) return `An open (${status}) request cannot have closedAt`;
  if (r.closedAt !== undefined && Date.parse(r.closedAt) < Date.parse(r.receivedAt)) return 'closedAt is before receivedAt';
  return null;
}

export function subjectRefOf(
  key: Buffer,
  r: { email?: string | null | undefined; phone?: string | null | undefined; subjectId?: number | null | undefined },
): string | null {
  const identifier = blank(r.email ?? undefined) ?? blank(r.phone ?? undefined) ?? (r.subjectId ? `zendesk-user:${r.subjectId}` : null);
  return identifier === null ? null : subjectRef(key, identifier);
}

/** Inserts one request and its "request.created" entry; run inside a transaction. */
export function insertRequest(
  ctx: AuditContext,
  r: NewRequest,
  meta: { actor: string; at: string; source: 'form' | 'csv_import' },
): string {
  const problem = checkNewRequest(r);
  if (problem) throw new LetheError('invalid_input', problem);
  const { db } = ctx;
  const id = newRequestId();
  const number = ((db.prepare('SELECT MAX(number) FROM requests').pluck().get() as number | null) ?? 0) + 1;
  const status = r.status ?? 'received';
  const ref = subjectRefOf(ctx.auditKey, { ...r.requester, subjectId: r.subjectId });
  db.prepare(
    `INSERT INTO requests (id, number, type, regulation, channel, received_at, time_zone, requester_name, requester_email,
       requester_phone, subject_ref, subject_id, status, status_reason, denial_article, owner, notes, created_at, updated_at, closed_at)
     VALUES (@id, @number, @type, @regulation, @channel, @receivedAt, @timeZone, @name, @email, @phone, @ref, @subjectId, @status,
       @statusReason, @denialArticle, @owner, @notes, @at, @at, @closedAt)`,
  ).run({
    id,
    number,
    type: r.type,
    regulation: r.regulation,
    channel: r.channel,
    receivedAt: r.receivedAt,
    timeZone: r.timeZone,
    name: blank(r.requester.name),
    email: blank(r.requester.email),
    phone: blank(r.requester.phone),
    ref,
    subjectId: r.subjectId ?? null,
    status,
    statusReason: blank(r.statusReason),
    denialArticle: blank(r.denialArticle),
    owner: blank(r.owner),
    notes: r.notes ?? '',
    at: meta.at,
    closedAt: r.closedAt ?? null,
  });
  appendAuditRow(db, ctx.auditKey, {
    actor: meta.actor,
    action: 'request.created',
    requestId: id,
    subjectRef: ref ?? undefined,
    at: meta.at,
    data: createdAuditData(number, r, status, meta.source),
  });
  return id;
}
