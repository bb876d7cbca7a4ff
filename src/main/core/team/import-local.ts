import type pg from 'pg';
import { LetheError } from '../../../shared/errors';
import { getAuditKey } from '../audit/audit-key';
import { iterateAuditEntries, verifyAuditLog } from '../audit/audit-log';
import type { SqliteDb } from '../db';
import { JOURNAL_MIGRATIONS } from '../journal/migrations';
import { openRegisterDb } from '../requests/register-store';
import type { CoreServices } from '../services';
import type { TeamPool } from './connection';
import { TEAM_SCHEMA_VERSION } from './migrations';
import { appendTeamAudit, insertTeamEntry, lockChain, verifyTeamAudit } from './team-audit';

/**
 * `lethe team init` moves this machine's register, audit chain and journal into the team
 * database, in one transaction: all of it or nothing. The audit entries are copied verbatim (same
 * seq, hashes, actors), so the chain verifies as before, and the move itself is the next entry
 * (`team.migrated`, with the local head it continues from). Afterwards the chain is verified in
 * the team database and must end at that entry with every local entry in place.
 *
 * A second run against the same database is a no-op (the move is found in the chain); a database
 * already holding another register is refused: its officers join it instead.
 */

export interface ImportSummary {
  imported: boolean;
  requests: number;
  links: number;
  entries: number;
  runs: number;
  operations: number;
  /** The team chain's head after the move. */
  head: { seq: number; hash: string } | null;
}

const columnsOf = (db: SqliteDb, table: string): string[] =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);

/** Copies every row of a local table into its team twin, column for column, in batches. */
async function copyTable(client: pg.ClientBase, db: SqliteDb, table: string, extra: Record<string, unknown> = {}): Promise<number> {
  const columns = columnsOf(db, table);
  if (columns.length === 0) return 0;
  const rows = db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as Array<Record<string, unknown>>;
  const names = [...columns, ...Object.keys(extra)];
  const BATCH = 200;
  for (let i = 0; i < rows.length; i += BATCH) {
    const slice = rows.slice(i, i + BATCH);
    const params: unknown[] = [];
    const tuples = slice.map((row) => {
      const values = [...columns.map((c) => row[c] ?? null), ...Object.values(extra)];
      return `(${values.map((v) => `$${params.push(typeof v === 'bigint' ? Number(v) : v)}`).join(', ')})`;
    });
    await client.query(`INSERT INTO lethe.${table} (${names.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
  return rows.length;
}

async function alreadyImported(client: pg.ClientBase, workspaceId: string): Promise<boolean> {
  const r = await client.query(
    `SELECT 1 FROM lethe.audit_log WHERE action = 'team.migrated' AND data::jsonb ->> 'workspaceId' = $1 LIMIT 1`,
    [workspaceId],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function importLocalState(s: CoreServices, workspaceId: string, team: TeamPool): Promise<ImportSummary> {
  const register = await openRegisterDb(s, workspaceId);
  const journal = (await s.caches.openStore(workspaceId, 'journal', JOURNAL_MIGRATIONS)).db;
  const local = verifyAuditLog(register);
  if (!local.result.ok) {
    throw new LetheError(
      'db_corrupt',
      `The local audit chain is broken at entry ${local.result.brokenAt} (${local.result.reason}); it is not moved into the team database. Run "lethe audit verify".`,
    );
  }
  const localHead = local.result.head;
  const auditKey = await getAuditKey(s.workspaces.secretStoreFor(workspaceId), workspaceId, register);

  const summary = await team.transaction(async (client): Promise<ImportSummary> => {
    await lockChain(client);
    if (await alreadyImported(client, workspaceId)) {
      return { imported: false, requests: 0, links: 0, entries: 0, runs: 0, operations: 0, head: null };
    }
    const counts = await client.query<{ requests: number; entries: number; keys: number }>(
      `SELECT (SELECT count(*)::int FROM lethe.requests) AS requests, (SELECT count(*)::int FROM lethe.audit_log) AS entries,
              (SELECT count(*)::int FROM lethe.team_keys) AS keys`,
    );
    const c = counts.rows[0];
    if (c && (c.requests > 0 || c.entries > 0)) {
      throw new LetheError(
        'conflict',
        'The team database already holds a register; this machine joins it with "lethe team join" instead of moving its own into it',
      );
    }
    if (c && c.keys === 0) {
      await client.query(`INSERT INTO lethe.team_keys (name, value) VALUES ('subject', $1)`, [auditKey.toString('hex')]);
    }
    const requests = await copyTable(client, register, 'requests');
    const links = await copyTable(client, register, 'request_links');
    await copyTable(client, register, 'register_settings');
    // Who is one person: officers' decisions, shared from now on (0080).
    await copyTable(client, register, 'identity_links');
    // A person's former addresses (0090): still theirs on every machine.
    await copyTable(client, register, 'former_identities');
    let entries = 0;
    for (const entry of iterateAuditEntries(register)) {
      await insertTeamEntry(client, entry);
      entries += 1;
    }
    const runs = await copyTable(client, journal, 'runs');
    const operations = await copyTable(client, journal, 'operations');
    await copyTable(client, journal, 'transitions');
    await copyTable(client, journal, 'store_settings');
    // bigserial continues after the copied ids.
    await client.query(`SELECT setval('lethe.transitions_id_seq', GREATEST((SELECT max(id) FROM lethe.transitions), 1))`);
    const moved = await appendTeamAudit(client, auditKey, {
      actor: 'database',
      action: 'team.migrated',
      data: {
        workspaceId,
        requests,
        links,
        entries,
        runs,
        operations,
        localHead: localHead ? { seq: localHead.seq, hash: localHead.hash } : null,
        schemaVersion: TEAM_SCHEMA_VERSION,
      },
    });
    return { imported: true, requests, links, entries, runs, operations, head: { seq: moved.seq, hash: moved.hash } };
  });

  if (summary.imported) {
    const after = await verifyTeamAudit(team);
    if (!after.result.ok || after.result.head?.seq !== summary.head?.seq || after.result.head?.hash !== summary.head?.hash) {
      throw new LetheError('db_corrupt', 'The audit chain does not verify in the team database after the move; nothing local was changed');
    }
  }
  return summary;
}
