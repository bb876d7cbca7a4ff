import type { z } from 'zod';
import {
  isClosedStatus,
  type Request,
  type RequestLink,
  type RequestStatus,
  type requestOperations,
} from '../../../shared/contract/groups/requests';
import { LetheError } from '../../../shared/errors';
import { appendAuditRow, openAuditContext, type AuditContext } from '../audit/audit-log';
import type { SqliteDb } from '../db';
import type { CoreServices } from '../services';
import { teamSessionFor } from '../team/team-session';
import { defaultActor } from './register-store';
import { readRegisterSettings } from './register-settings';
import {
  extendedAuditData,
  extendedDeadlines,
  getRequestRow,
  identifiersAfter,
  isHiddenByDefault,
  linksByRequest,
  allRequestRows,
  requestEdits,
  rowToRequest,
  statusTransition,
  updatedAuditData,
  verificationOf,
  type RequestRow,
} from './request-rows';

export { checkNewRequest, createdAuditData, formRequest, insertRequest, type NewRequest } from './new-request';
import { blank, formRequest, insertRequest, subjectRefOf } from './new-request';

type In<K extends keyof typeof requestOperations> = z.output<(typeof requestOperations)[K]['input']>;

const nowIso = (): string => new Date().toISOString();

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
      .transaction(() => insertRequest(ctx, formRequest(input, timeZone), { actor: input.actor ?? defaultActor(), at, source: 'form' }))
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
      const sets = requestEdits(input, row);
      const fields = Object.keys(sets);
      if (fields.length === 0) return;
      // The first identifier known names the subject for good: its history must not split in two.
      if (row.subject_ref === null) {
        const ref = subjectRefOf(ctx.auditKey, identifiersAfter(sets, row));
        if (ref !== null) sets.subject_ref = ref;
      }
      const assignments = Object.keys(sets).map((k) => `${k} = @${k}`);
      ctx.db.prepare(`UPDATE requests SET ${assignments.join(', ')}, updated_at = @at WHERE id = @id`).run({ ...sets, at, id: row.id });
      appendAuditRow(ctx.db, ctx.auditKey, {
        actor: input.actor ?? defaultActor(),
        action: 'request.updated',
        requestId: row.id,
        at,
        data: updatedAuditData(fields, sets),
      });
    });
  }

  verify(input: In<'requests.verify'>): Promise<Request> {
    return this.#mutate(input.workspaceId, input.id, (ctx, row, at) => {
      const { verification, auditData } = verificationOf(row, input, at);
      // Logged first: the guard refuses data-point "names" that are really an e-mail or phone number.
      appendAuditRow(ctx.db, ctx.auditKey, {
        actor: input.actor ?? defaultActor(),
        action: 'request.verified',
        requestId: row.id,
        at,
        data: auditData,
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
    const t = statusTransition(row, change, change.at);
    if (t === null) return false;
    ctx.db
      .prepare('UPDATE requests SET status = ?, status_reason = ?, denial_article = ?, closed_at = ?, updated_at = ? WHERE id = ?')
      .run(change.status, t.reason, t.article, t.closedAt, change.at, row.id);
    appendAuditRow(ctx.db, ctx.auditKey, { actor: change.actor, action: t.action, requestId: row.id, at: change.at, data: t.auditData });
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
      const d = extendedDeadlines(row, readRegisterSettings(ctx.db).deadlines, input.noticeAt);
      const extension = { reason: input.reason, noticeAt: input.noticeAt ?? null, extendedAt: at };
      ctx.db.prepare('UPDATE requests SET extension = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(extension), at, row.id);
      appendAuditRow(ctx.db, ctx.auditKey, {
        actor: input.actor ?? defaultActor(),
        action: 'request.extended',
        requestId: row.id,
        at,
        data: extendedAuditData(d, extension.noticeAt),
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
