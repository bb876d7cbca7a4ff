import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import {
  isClosedStatus,
  type Request,
  type RequestLink,
  type RequestStatus,
  type requestOperations,
  type Verification,
} from '../../../shared/contract/groups/requests';
import { computeDeadlines, isSupportedType } from '../../../shared/deadlines';
import { holidaySource } from './holiday-calendars';
import { LetheError } from '../../../shared/errors';
import { appendAuditRow, openAuditContext, type AuditContext } from '../audit/audit-log';
import { subjectRef } from '../audit/chain';
import type { SqliteDb } from '../db';
import type { CoreServices } from '../services';
import { teamSessionFor } from '../team/team-session';
import { defaultActor } from './register-store';
import { readRegisterSettings } from './register-settings';
import {
  getRequestRow,
  isHiddenByDefault,
  linksByRequest,
  allRequestRows,
  referenceOf,
  rowToRequest,
  type RequestRow,
} from './request-rows';

type In<K extends keyof typeof requestOperations> = z.output<(typeof requestOperations)[K]['input']>;

const newRequestId = (): string => `req_${randomBytes(10).toString('hex')}`;
const nowIso = (): string => new Date().toISOString();

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

const blank = (v: string | undefined): string | null => (v === undefined || v.trim() === '' ? null : v.trim());

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

function subjectRefOf(
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
    data: {
      reference: referenceOf(number),
      type: r.type,
      regulation: r.regulation,
      channel: r.channel,
      receivedAt: r.receivedAt,
      timeZone: r.timeZone,
      status,
      source: meta.source,
      ...(status === 'denied' ? { article: blank(r.denialArticle) } : {}),
    },
  });
  return id;
}

/** The register's list filters, over every request presented (whichever store they came from). */
export function filterRequests<R extends Request>(all: R[], input: In<'requests.list'>, asOf: string) {
  let hiddenUnverified = 0;
  const requests = all.filter((r) => {
    if (!input.includeClosed && isClosedStatus(r.status) && !input.status?.includes(r.status)) return false;
    if (input.regulation && input.regulation.length > 0 && !input.regulation.includes(r.regulation)) return false;
    if (input.type && input.type.length > 0 && !input.type.includes(r.type)) return false;
    if (input.status && input.status.length > 0 && !input.status.includes(r.status)) return false;
    if (input.owner !== undefined && (r.owner ?? '') !== input.owner) return false;
    if (!input.includeUnverified && isHiddenByDefault(r)) {
      hiddenUnverified += 1;
      return false;
    }
    return true;
  });
  const owners = [...new Set(all.map((r) => r.owner).filter((o): o is string => o !== null))].sort((a, b) => a.localeCompare(b));
  return { requests, hiddenUnverified, owners, asOf };
}

export class RequestService {
  constructor(private readonly s: CoreServices) {}

  context(workspaceId: string | undefined): Promise<AuditContext> {
    return openAuditContext(this.s, workspaceId);
  }

  present(db: SqliteDb, row: RequestRow, asOf: string = nowIso()): Request {
    const settings = readRegisterSettings(db);
    return rowToRequest(row, linksByRequest(db, [row.id]).get(row.id) ?? [], settings.deadlines, asOf);
  }

  #row(db: SqliteDb, id: string): RequestRow {
    const row = getRequestRow(db, id);
    if (!row) throw new LetheError('not_found', `No request ${id}`);
    return row;
  }

  /** All requests, presented, newest first: the source of lists, exports and the dashboard. */
  all(db: SqliteDb, asOf: string): Request[] {
    const settings = readRegisterSettings(db);
    const links = linksByRequest(db);
    return allRequestRows(db).map((row) => rowToRequest(row, links.get(row.id) ?? [], settings.deadlines, asOf));
  }

  async list(input: In<'requests.list'>) {
    const { db } = await this.context(input.workspaceId);
    const asOf = input.asOf ?? nowIso();
    return filterRequests(this.all(db, asOf), input, asOf);
  }

  async create(input: In<'requests.create'>): Promise<Request> {
    const ctx = await this.context(input.workspaceId);
    const { timeZone } = (await this.s.config.read()).settings;
    const at = nowIso();
    const id = ctx.db
      .transaction(() =>
        insertRequest(
          ctx,
          {
            type: input.type,
            regulation: input.regulation,
            channel: input.channel,
            receivedAt: input.receivedAt,
            timeZone,
            requester: input.requester,
            subjectId: input.subjectId,
            owner: input.owner,
            notes: input.notes,
          },
          { actor: input.actor ?? defaultActor(), at, source: 'form' },
        ),
      )
      .immediate();
    return this.present(ctx.db, this.#row(ctx.db, id));
  }

  /** Runs `change` on one request inside a write transaction and returns it presented afterwards. */
  async #mutate(
    workspaceId: string | undefined,
    id: string,
    change: (ctx: AuditContext, row: RequestRow, at: string) => void,
  ): Promise<Request> {
    const ctx = await this.context(workspaceId);
    const at = nowIso();
    ctx.db.transaction(() => change(ctx, this.#row(ctx.db, id), at)).immediate();
    return this.present(ctx.db, this.#row(ctx.db, id));
  }

  update(input: In<'requests.update'>): Promise<Request> {
    return this.#mutate(input.workspaceId, input.id, (ctx, row, at) => {
      const sets: Record<string, unknown> = {};
      if (input.channel !== undefined && input.channel !== row.channel) sets.channel = input.channel;
      if (input.owner !== undefined && blank(input.owner) !== row.owner) sets.owner = blank(input.owner);
      if (input.notes !== undefined && input.notes !== row.notes) sets.notes = input.notes;
      if (input.subjectId !== undefined && input.subjectId !== row.subject_id) sets.subject_id = input.subjectId;
      if (input.requester) {
        if (row.contact_purged_at !== null) throw new LetheError('conflict', 'The contact details of this request were purged');
        const { name, email, phone } = input.requester;
        if (name !== undefined && blank(name) !== row.requester_name) sets.requester_name = blank(name);
        if (email !== undefined && blank(email) !== row.requester_email) sets.requester_email = blank(email);
        if (phone !== undefined && blank(phone) !== row.requester_phone) sets.requester_phone = blank(phone);
      }
      const fields = Object.keys(sets);
      if (fields.length === 0) return;
      // The first identifier known names the subject for good: its history must not split in two.
      if (row.subject_ref === null) {
        const ref = subjectRefOf(ctx.auditKey, {
          email: (sets.requester_email as string | null | undefined) ?? row.requester_email,
          phone: (sets.requester_phone as string | null | undefined) ?? row.requester_phone,
          subjectId: (sets.subject_id as number | null | undefined) ?? row.subject_id,
        });
        if (ref !== null) sets.subject_ref = ref;
      }
      const assignments = Object.keys(sets).map((k) => `${k} = @${k}`);
      ctx.db.prepare(`UPDATE requests SET ${assignments.join(', ')}, updated_at = @at WHERE id = @id`).run({ ...sets, at, id: row.id });
      appendAuditRow(ctx.db, ctx.auditKey, {
        actor: input.actor ?? defaultActor(),
        action: 'request.updated',
        requestId: row.id,
        at,
        // Field names only: new contact details or notes are personal data and stay in the register.
        data: {
          fields: fields.map((f) => f.replace(/^requester_/, 'requester.').replace('subject_id', 'subjectId')),
          ...(sets.owner !== undefined ? { owner: sets.owner } : {}),
          ...(sets.subject_id !== undefined ? { subjectId: sets.subject_id } : {}),
        },
      });
    });
  }

  verify(input: In<'requests.verify'>): Promise<Request> {
    return this.#mutate(input.workspaceId, input.id, (ctx, row, at) => {
      if (isClosedStatus(row.status)) throw new LetheError('conflict', `The request is ${row.status}`);
      const verification: Verification = {
        method: input.method,
        dataPointsMatched: input.dataPointsMatched,
        verifiedBy: input.verifiedBy,
        verifiedAt: input.verifiedAt ?? at,
      };
      // Logged first: the guard refuses data-point "names" that are really an e-mail or phone number.
      appendAuditRow(ctx.db, ctx.auditKey, {
        actor: input.actor ?? defaultActor(),
        action: 'request.verified',
        requestId: row.id,
        at,
        data: {
          method: input.method,
          dataPointsMatched: input.dataPointsMatched,
          verifiedAt: verification.verifiedAt,
          reverified: row.verification !== null,
        },
      });
      ctx.db.prepare('UPDATE requests SET verification = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(verification), at, row.id);
    });
  }

  /** Status change on an open transaction; shared by setStatus and bulk updates. */
  #applyStatus(
    ctx: AuditContext,
    row: RequestRow,
    change: {
      status: RequestStatus;
      reason?: string | undefined;
      article?: string | undefined;
      at: string;
      closedAt?: string | undefined;
      actor: string;
    },
  ): boolean {
    const reason = blank(change.reason);
    const article = blank(change.article);
    if (change.status === 'denied' && (reason === null || article === null)) {
      throw new LetheError('invalid_input', 'A denial needs a reason and the article relied on (for example "GDPR Art. 12(5)(b)")');
    }
    if (change.status === row.status && change.status !== 'denied') return false;
    const closedAt = isClosedStatus(change.status) ? (change.closedAt ?? change.at) : null;
    if (closedAt !== null && Date.parse(closedAt) < Date.parse(row.received_at)) {
      throw new LetheError('invalid_input', 'A request cannot close before it was received');
    }
    ctx.db
      .prepare('UPDATE requests SET status = ?, status_reason = ?, denial_article = ?, closed_at = ?, updated_at = ? WHERE id = ?')
      .run(change.status, reason, change.status === 'denied' ? article : null, closedAt, change.at, row.id);
    const action =
      change.status === 'completed' || change.status === 'denied' || change.status === 'withdrawn'
        ? `request.${change.status}`
        : isClosedStatus(row.status)
          ? 'request.reopened'
          : 'request.status_changed';
    appendAuditRow(ctx.db, ctx.auditKey, {
      actor: change.actor,
      action,
      requestId: row.id,
      at: change.at,
      // The free-text reason stays in the register (it may name people); the article is the decision.
      data: {
        from: row.status,
        to: change.status,
        ...(closedAt ? { closedAt } : {}),
        ...(change.status === 'denied' ? { article, reasonRecorded: true } : {}),
      },
    });
    return true;
  }

  setStatus(input: In<'requests.setStatus'>): Promise<Request> {
    return this.#mutate(input.workspaceId, input.id, (ctx, row, at) => {
      this.#applyStatus(ctx, row, {
        status: input.status,
        reason: input.reason,
        article: input.article,
        at,
        closedAt: input.at,
        actor: input.actor ?? defaultActor(),
      });
    });
  }

  extend(input: In<'requests.extend'>): Promise<Request> {
    return this.#mutate(input.workspaceId, input.id, (ctx, row, at) => {
      if (isClosedStatus(row.status)) throw new LetheError('conflict', `The request is ${row.status}`);
      if (row.extension !== null) throw new LetheError('conflict', 'The deadline of this request was already extended');
      const settings = readRegisterSettings(ctx.db);
      const d = computeDeadlines(
        {
          regulation: row.regulation,
          type: row.type,
          receivedAt: row.received_at,
          timeZone: row.time_zone,
          extended: true,
          ...(input.noticeAt ? { extensionNoticeAt: input.noticeAt } : {}),
        },
        settings.deadlines,
        holidaySource,
      );
      if (d.warnings.includes('extension_not_available')) {
        throw new LetheError('conflict', `${row.regulation} allows no extension for ${row.type} requests (${d.basis})`);
      }
      const extension = { reason: input.reason, noticeAt: input.noticeAt ?? null, extendedAt: at };
      ctx.db.prepare('UPDATE requests SET extension = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(extension), at, row.id);
      appendAuditRow(ctx.db, ctx.auditKey, {
        actor: input.actor ?? defaultActor(),
        action: 'request.extended',
        requestId: row.id,
        at,
        data: {
          initialDue: d.initialDue,
          due: d.due,
          noticeAt: extension.noticeAt,
          noticeBy: d.extensionNoticeBy ?? null,
          warnings: d.warnings,
          basis: d.basis,
        },
      });
    });
  }

  link(input: In<'requests.link'>): Promise<Request> {
    return this.#mutate(input.workspaceId, input.id, (ctx, row, at) => {
      linkRow(ctx, row.id, { kind: input.kind, ref: input.ref, sha256: input.sha256 ?? null }, input.actor ?? defaultActor(), at);
    });
  }

  async bulkUpdate(input: In<'requests.bulkUpdate'>): Promise<{ updated: number }> {
    if (input.owner === undefined && input.status === undefined) throw new LetheError('invalid_input', 'Give an owner, a status or both');
    const ctx = await this.context(input.workspaceId);
    const at = nowIso();
    const actor = input.actor ?? defaultActor();
    const updated = ctx.db
      .transaction(() => {
        let count = 0;
        for (const id of new Set(input.ids)) {
          let row = this.#row(ctx.db, id);
          let changed = false;
          if (input.owner !== undefined && blank(input.owner) !== row.owner) {
            ctx.db.prepare('UPDATE requests SET owner = ?, updated_at = ? WHERE id = ?').run(blank(input.owner), at, id);
            appendAuditRow(ctx.db, ctx.auditKey, {
              actor,
              action: 'request.updated',
              requestId: id,
              at,
              data: { fields: ['owner'], owner: blank(input.owner), bulk: true },
            });
            changed = true;
            row = this.#row(ctx.db, id);
          }
          if (input.status !== undefined) changed = this.#applyStatus(ctx, row, { status: input.status, at, actor }) || changed;
          if (changed) count += 1;
        }
        return count;
      })
      .immediate();
    return { updated };
  }

  async get(input: In<'requests.get'>) {
    const { db } = await this.context(input.workspaceId);
    const request = this.present(db, this.#row(db, input.id), input.asOf);
    return { request, db };
  }
}

/** Records a link (archive, erasure run, receipt, action) and its audit entry; inside a transaction. */
export function linkRow(ctx: AuditContext, requestId: string, link: Omit<RequestLink, 'at'>, actor: string, at: string): void {
  const inserted = ctx.db
    .prepare('INSERT OR IGNORE INTO request_links (request_id, kind, ref, sha256, at) VALUES (?, ?, ?, ?, ?)')
    .run(requestId, link.kind, link.ref, link.sha256, at);
  if (inserted.changes === 0) return;
  ctx.db.prepare('UPDATE requests SET updated_at = ? WHERE id = ?').run(at, requestId);
  appendAuditRow(ctx.db, ctx.auditKey, {
    actor,
    action: 'request.linked',
    requestId,
    at,
    data: { kind: link.kind, ref: link.ref, sha256: link.sha256 },
  });
}

/**
 * For other domains (archives, erasure, actions): attach what they produced to a request, with its
 * hash, in the request's timeline. A link already present is left as is.
 */
export async function linkToRequest(
  s: CoreServices,
  workspaceId: string,
  requestId: string,
  link: { kind: RequestLink['kind']; ref: string; sha256?: string | null },
  actor: string = defaultActor(),
): Promise<void> {
  const team = await teamSessionFor(s, workspaceId);
  if (team) return team.register.link(requestId, { kind: link.kind, ref: link.ref, sha256: link.sha256 ?? null });
  const ctx = await openAuditContext(s, workspaceId);
  ctx.db
    .transaction(() => {
      if (!getRequestRow(ctx.db, requestId)) throw new LetheError('not_found', `No request ${requestId}`);
      linkRow(ctx, requestId, { kind: link.kind, ref: link.ref, sha256: link.sha256 ?? null }, actor, new Date().toISOString());
    })
    .immediate();
}
