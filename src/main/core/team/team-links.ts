import type { AppendAuditInput } from '../audit/audit-log';
import { resolveNativeBinding } from '../db';
import { Database, type SqliteDb } from '../db/sqlite';
import { migration0030 } from '../requests/migrations/0030-identity-links';
import { migration0040 } from '../requests/migrations/0040-former-identities';
import type { FormerIdentity } from '../subjects/former-identities';
import type { CoreServices } from '../services';
import { appendTeamAudit, lockChain } from './team-audit';
import { teamSessionFor, type TeamSession } from './team-session';

/**
 * Identity-link decisions of a workspace in team mode, shared in `lethe.identity_links` (0080),
 * and a person's former addresses, shared in `lethe.former_identities` (0090).
 * The person resolution (subjects/person.ts) reads a register connection synchronously; in team
 * mode it is given an in-memory copy of the team's decisions, read fresh each time a person is
 * resolved, so this machine's local register is neither read nor changed. A decision is written
 * to the team database with its audit entry in one transaction, then to the copy.
 */

export interface TeamLinkRow {
  decision: 'confirmed' | 'rejected';
  reason: string;
  decidedAt: string;
  evidence: string;
}

export interface TeamLinks {
  /** The role deciding: the name on the decision and its audit entry. */
  role: string;
  auditKey: Buffer;
  /** The in-memory copy with the team's decisions, in the local register's shape. */
  register: SqliteDb;
  /** The decision on the pair (lower id first), or its undoing (null), with its audit entry. */
  record(pair: readonly [number, number], row: TeamLinkRow | null, entry: AppendAuditInput): Promise<void>;
  /** Keeps an address the person no longer has as theirs, for the whole team. */
  recordFormer(former: FormerIdentity): Promise<void>;
}

const copies = new WeakMap<TeamSession, SqliteDb>();

function copyFor(s: CoreServices, session: TeamSession): SqliteDb {
  let db = copies.get(session);
  if (!db) {
    const nativeBinding = resolveNativeBinding({ electron: s.face === 'electron' });
    db = new Database(':memory:', nativeBinding ? { nativeBinding } : {});
    migration0030.up(db);
    migration0040.up(db);
    copies.set(session, db);
  }
  return db;
}

interface PgRow {
  user_id: string;
  linked_user_id: string;
  decision: string;
  reason: string;
  decided_by: string;
  decided_at: string;
  evidence: string;
}

interface PgFormerRow {
  user_id: string;
  type: string;
  value: string;
  replaced_at: string;
  replaced_by: string;
}

async function refresh(session: TeamSession, db: SqliteDb): Promise<void> {
  const [rows, former] = await session.pool.withClient(async (c) => [
    (await c.query<PgRow>('SELECT * FROM lethe.identity_links')).rows,
    (await c.query<PgFormerRow>('SELECT * FROM lethe.former_identities')).rows,
  ]);
  const insert = db.prepare(
    `INSERT INTO identity_links (user_id, linked_user_id, decision, reason, decided_by, decided_at, evidence) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertFormer = db.prepare(`INSERT INTO former_identities (user_id, type, value, replaced_at, replaced_by) VALUES (?, ?, ?, ?, ?)`);
  db.transaction(() => {
    db.prepare('DELETE FROM identity_links').run();
    for (const r of rows)
      insert.run(Number(r.user_id), Number(r.linked_user_id), r.decision, r.reason, r.decided_by, r.decided_at, r.evidence);
    db.prepare('DELETE FROM former_identities').run();
    for (const f of former) insertFormer.run(Number(f.user_id), f.type, f.value, f.replaced_at, f.replaced_by);
  })();
}

/** Null for a workspace kept locally; otherwise the team's decisions, freshly read. */
export async function teamLinks(s: CoreServices, workspaceId: string): Promise<TeamLinks | null> {
  const session = await teamSessionFor(s, workspaceId);
  if (!session) return null;
  const register = copyFor(s, session);
  await refresh(session, register);
  return {
    role: session.role,
    auditKey: session.auditKey,
    register,
    async record([lo, hi], row, entry) {
      await session.pool.transaction(async (c) => {
        await lockChain(c);
        if (row === null) {
          await c.query('DELETE FROM lethe.identity_links WHERE user_id = $1 AND linked_user_id = $2', [lo, hi]);
        } else {
          await c.query(
            `INSERT INTO lethe.identity_links (user_id, linked_user_id, decision, reason, decided_at, evidence) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (user_id, linked_user_id) DO UPDATE SET decision = excluded.decision, reason = excluded.reason,
               decided_at = excluded.decided_at, evidence = excluded.evidence`,
            [lo, hi, row.decision, row.reason, row.decidedAt, row.evidence],
          );
        }
        await appendTeamAudit(c, session.auditKey, entry, { locked: true });
      });
      await refresh(session, register);
    },
    async recordFormer(former) {
      await session.pool.withClient((c) =>
        c.query(
          `INSERT INTO lethe.former_identities (user_id, type, value, replaced_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (user_id, type, value) DO NOTHING`,
          [former.userId, former.type, former.value.trim(), former.replacedAt],
        ),
      );
      await refresh(session, register);
    },
  };
}
