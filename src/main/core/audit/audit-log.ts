import type { SqliteDb } from '../db';
import { stmt } from '../db/sqlite';
import { resolveWorkspaceId, openRegisterDb } from '../requests/register-store';
import type { CoreServices } from '../services';
import { appendTeamAuditAlone } from '../team/team-audit';
import { teamSessionFor } from '../team/team-session';
import { getAuditKey } from './audit-key';
import { AUDIT_COLUMNS, entryValues, rowToEntry, type AuditRow } from './audit-row';
import { appendEntry, subjectRef, verifyChainIter, type AuditEntry, type VerifyResult } from './chain';

export interface AppendAuditInput {
  /** Staff name of whoever acted, or "system". */
  actor: string;
  /** Dotted lowercase, e.g. "erasure.executed". */
  action: string;
  /** The subject's identifier (e-mail, phone, helpdesk id): stored only as a keyed hash. */
  subject?: string;
  /** Already computed reference (a request's stored one); wins over `subject`. */
  subjectRef?: string;
  requestId?: string;
  /** Facts about the action: ids, counts, hashes, article numbers. Never personal data. */
  data?: Record<string, unknown>;
  /** Defaults to now. */
  at?: string;
}

function lastEntry(db: SqliteDb): AuditEntry | null {
  const row = stmt(db, `SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT 1`).get() as AuditRow | undefined;
  return row ? rowToEntry(row) : null;
}

/**
 * The subject reference a request carries, so entries about a request keep naming the same subject
 * after its contact details are purged.
 */
function requestSubjectRef(db: SqliteDb, requestId: string): string | null {
  const row = stmt(db, 'SELECT subject_ref FROM requests WHERE id = ?').get(requestId) as { subject_ref: string | null } | undefined;
  return row?.subject_ref ?? null;
}

/**
 * Appends one entry on an open register connection. Synchronous so that callers can put it in the
 * same transaction as the change it records: the change and its entry commit together or not at
 * all. Call inside `db.transaction(...).immediate()` when other processes may write.
 */
export function appendAuditRow(db: SqliteDb, auditKey: Buffer, input: AppendAuditInput): AuditEntry {
  const ref =
    input.subjectRef ??
    (input.subject !== undefined
      ? subjectRef(auditKey, input.subject)
      : input.requestId !== undefined
        ? requestSubjectRef(db, input.requestId)
        : null);
  const entry = appendEntry(lastEntry(db), {
    at: input.at ?? new Date().toISOString(),
    actor: input.actor,
    action: input.action,
    subjectRef: ref,
    requestId: input.requestId ?? null,
    data: input.data ?? {},
  });
  stmt(db, `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(...entryValues(entry));
  return entry;
}

/** Everything a caller needs to write to a workspace's register and audit log. */
export interface AuditContext {
  workspaceId: string;
  db: SqliteDb;
  auditKey: Buffer;
}

export async function openAuditContext(s: CoreServices, workspaceId: string | undefined): Promise<AuditContext> {
  const id = await resolveWorkspaceId(s, workspaceId);
  const db = await openRegisterDb(s, id);
  const auditKey = await getAuditKey(s.workspaces.secretStoreFor(id), id, db);
  return { workspaceId: id, db, auditKey };
}

/**
 * The audit API for every domain (erasure, archives, actions, settings): appends one entry to the
 * workspace's chained log. `subject` is hashed with the workspace's key; `data` is refused
 * (invalid_input) if it looks like it holds an e-mail address or phone number.
 */
export async function appendAudit(s: CoreServices, workspaceId: string, input: AppendAuditInput): Promise<AuditEntry> {
  // Team mode: the one chain is the team database's (actor = the officer's PostgreSQL role).
  const team = await teamSessionFor(s, workspaceId);
  if (team) return appendTeamAuditAlone(team.pool, team.auditKey, input);
  const ctx = await openAuditContext(s, workspaceId);
  return ctx.db.transaction(() => appendAuditRow(ctx.db, ctx.auditKey, input)).immediate();
}

/** The keyed reference of an identifier in a workspace's log, to find a subject's entries. */
export async function subjectRefFor(s: CoreServices, workspaceId: string, identifier: string): Promise<string> {
  const team = await teamSessionFor(s, workspaceId);
  if (team) return subjectRef(team.auditKey, identifier);
  const ctx = await openAuditContext(s, workspaceId);
  return subjectRef(ctx.auditKey, identifier);
}

export interface AuditQuery {
  requestId?: string;
  action?: string;
  beforeSeq?: number;
  limit?: number;
}

export function listAuditEntries(db: SqliteDb, query: AuditQuery = {}): { entries: AuditEntry[]; total: number } {
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (query.requestId !== undefined) {
    where.push('request_id = ?');
    params.push(query.requestId);
  }
  if (query.action !== undefined && query.action !== '') {
    where.push('action = ?');
    params.push(query.action);
  }
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const total = db
    .prepare(`SELECT COUNT(*) FROM audit_log ${filter}`)
    .pluck()
    .get(...params) as number;
  const page = query.beforeSeq !== undefined ? `${filter ? `${filter} AND` : 'WHERE'} seq < ?` : filter;
  const pageParams = query.beforeSeq !== undefined ? [...params, query.beforeSeq] : params;
  const rows = db
    .prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ${page} ORDER BY seq DESC LIMIT ?`)
    .all(...pageParams, query.limit ?? 200) as AuditRow[];
  return { entries: rows.map(rowToEntry), total };
}

/** Every entry oldest first, streamed from SQLite so a long log costs constant memory. */
export function* iterateAuditEntries(db: SqliteDb): Generator<AuditEntry> {
  for (const row of db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq`).iterate() as IterableIterator<AuditRow>) {
    yield rowToEntry(row);
  }
}

export interface AuditVerification {
  result: VerifyResult;
  total: number;
}

export function verifyAuditLog(db: SqliteDb): AuditVerification {
  const total = db.prepare('SELECT COUNT(*) FROM audit_log').pluck().get() as number;
  return { result: verifyChainIter(iterateAuditEntries(db)), total };
}

export function describeVerification({ result, total }: AuditVerification): string {
  if (result.ok) {
    return total === 0
      ? 'The audit log is empty.'
      : `All ${result.count} entries chain correctly; the head is entry ${result.head?.seq} (${result.head?.hash.slice(0, 12)}…).`;
  }
  const why: Record<typeof result.reason, string> = {
    hash_mismatch: 'its content does not match its hash (it was changed after it was written)',
    prev_mismatch: 'it does not point at the entry before it (an entry was changed, removed or inserted before it)',
    seq_gap: `its number is not the expected ${result.expectedSeq} (an entry is missing or out of order)`,
    malformed: 'it cannot be read as an audit entry',
    head_mismatch: 'the log does not end at the expected head (entries were cut off)',
  };
  return `The chain breaks at entry ${result.brokenAt}: ${why[result.reason]}. ${result.index} entries before it are intact.`;
}
