import type pg from 'pg';
import type { AppendAuditInput, AuditVerification } from '../audit/audit-log';
import { AUDIT_COLUMNS as COLUMNS, entryValues, rowToEntry, type AuditRow } from '../audit/audit-row';
import { appendEntry, createChainVerifier, subjectRef, type AuditEntry } from '../audit/chain';
import type { TeamPool } from './connection';

/**
 * The audit chain in the team database. Appends are serialised by a transaction-scoped advisory
 * lock (a writer waits for the one before it to commit, then reads the head it left), so
 * concurrent officers produce one linear chain; the insert trigger (migration 0020) refuses
 * anything not at the head, so a client that skipped the lock fails instead of forking the chain.
 * The actor is always `current_user`: the trail names the PostgreSQL role, not a typed name.
 */

export const CHAIN_LOCK = 0x1e7e0002;

/** Takes the chain's lock for the rest of the transaction; every write transaction starts with it. */
export async function lockChain(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
}

export async function teamHead(client: pg.ClientBase): Promise<AuditEntry | null> {
  const r = await client.query<AuditRow>(`SELECT ${COLUMNS} FROM lethe.audit_log ORDER BY seq DESC LIMIT 1`);
  return r.rows[0] ? rowToEntry(r.rows[0]) : null;
}

export async function insertTeamEntry(client: pg.ClientBase, entry: AuditEntry): Promise<void> {
  await client.query(`INSERT INTO lethe.audit_log (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, entryValues(entry));
}

/**
 * Appends one entry inside the caller's transaction (so the change and its entry commit together).
 * `input.actor` is ignored: the database's `current_user` is the actor.
 */
export async function appendTeamAudit(
  client: pg.ClientBase,
  auditKey: Buffer,
  input: AppendAuditInput,
  options: { locked?: boolean } = {},
): Promise<AuditEntry> {
  if (!options.locked) await lockChain(client);
  // One round trip for the role, the head and the request's subject: under load, each one counts
  // while the chain's lock is held.
  const r = await client.query<AuditRow & { who: string; request_ref: string | null; has_head: boolean }>(
    `SELECT current_user AS who, h.seq IS NOT NULL AS has_head, h.*,
            (SELECT subject_ref FROM lethe.requests WHERE id = $1) AS request_ref
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (SELECT ${COLUMNS} FROM lethe.audit_log ORDER BY seq DESC LIMIT 1) AS h ON true`,
    [input.requestId ?? null],
  );
  const row = r.rows[0];
  const head = row?.has_head ? rowToEntry(row) : null;
  const ref: string | null =
    input.subjectRef ?? (input.subject !== undefined ? subjectRef(auditKey, input.subject) : (row?.request_ref ?? null));
  const entry = appendEntry(head, {
    at: input.at ?? new Date().toISOString(),
    actor: row?.who ?? 'unknown',
    action: input.action,
    subjectRef: ref,
    requestId: input.requestId ?? null,
    data: input.data ?? {},
  });
  await insertTeamEntry(client, entry);
  return entry;
}

/** One entry in its own transaction, for domains that have nothing else to commit with it. */
export function appendTeamAuditAlone(team: TeamPool, auditKey: Buffer, input: AppendAuditInput): Promise<AuditEntry> {
  return team.transaction((client) => appendTeamAudit(client, auditKey, input));
}

const PAGE = 2_000;

/**
 * Verifies the whole chain from one snapshot (REPEATABLE READ), page by page in seq order, so a
 * long log costs constant memory and writers appending meanwhile do not disturb the count.
 */
export function verifyTeamAudit(team: TeamPool): Promise<AuditVerification> {
  return team.withClient(async (client) => {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const total = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM lethe.audit_log')).rows[0]?.n ?? 0);
      const verifier = createChainVerifier();
      let after = 0;
      for (;;) {
        const page = await client.query<AuditRow>(`SELECT ${COLUMNS} FROM lethe.audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, [
          after,
          PAGE,
        ]);
        let ok = true;
        for (const row of page.rows) {
          if (!verifier.push(rowToEntry(row))) {
            ok = false;
            break;
          }
        }
        if (!ok || page.rows.length < PAGE) break;
        after = Number(page.rows[page.rows.length - 1]?.seq);
      }
      return { result: verifier.result(), total };
    } finally {
      await client.query('COMMIT').catch(() => undefined);
    }
  });
}

export interface TeamAuditQuery {
  requestId?: string;
  action?: string;
  beforeSeq?: number;
  limit?: number;
}

export function listTeamAudit(team: TeamPool, query: TeamAuditQuery = {}): Promise<{ entries: AuditEntry[]; total: number }> {
  return team.withClient(async (client) => {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.requestId !== undefined) where.push(`request_id = $${params.push(query.requestId)}`);
    if (query.action) where.push(`action = $${params.push(query.action)}`);
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM lethe.audit_log ${filter}`, params)).rows[0]?.n);
    const pageWhere = [...where];
    const pageParams = [...params];
    if (query.beforeSeq !== undefined) pageWhere.push(`seq < $${pageParams.push(query.beforeSeq)}`);
    const rows = await client.query<AuditRow>(
      `SELECT ${COLUMNS} FROM lethe.audit_log ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${pageParams.push(query.limit ?? 200)}`,
      pageParams,
    );
    return { entries: rows.rows.map(rowToEntry), total };
  });
}

/** Every entry oldest first (for an export), read from one snapshot. */
export function allTeamEntries(team: TeamPool): Promise<AuditEntry[]> {
  return team.withClient(async (client) => {
    const rows = await client.query<AuditRow>(`SELECT ${COLUMNS} FROM lethe.audit_log ORDER BY seq`);
    return rows.rows.map(rowToEntry);
  });
}
