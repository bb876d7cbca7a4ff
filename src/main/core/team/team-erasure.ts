import type pg from 'pg';
import { LetheError } from '../../../shared/errors';
import type { ErasureStore } from '../erasure/plan-store';
import type { Journal } from '../journal';
import type { Json, Transition } from '../journal/types';
import type { CoreServices } from '../services';
import type { TeamPool } from './connection';
import { teamSessionFor } from './team-session';

/**
 * Erasure plans, approvals and the journal of a workspace in team mode (ErasureStore). The team
 * database is the authority; the local journal is this machine's working copy of the runs it
 * reads or executes, refreshed from the database before each use, so the erasure service and its
 * executor run unchanged on it. What makes it safe for several officers:
 *
 * - an approval is a row in `plan_approvals`, written as `current_user`; the database refuses the
 *   preparer (LT001). The approval that counts is the latest naming the plan's current fingerprint;
 * - executing claims the run (`claimed_by`) in one UPDATE that only a draft passes: of two officers
 *   executing at once, one gets it and the other a conflict naming them, so one erasure runs once;
 * - before any request goes out, the operations it carries are written to the database as `sent`
 *   (`beforeSend`), so the team's copy is never behind what was sent. A resume on another machine
 *   reads that copy: an operation left `sent` is checked against the helpdesk, never sent blind.
 */

const RUN_KIND = 'erasure';

interface RunRow {
  id: string;
  kind: string;
  state: string;
  subject_ref: string | null;
  document: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  claimed_by: string | null;
}

const OP_COLUMNS = [
  'id',
  'run_id',
  'seq',
  'stage',
  'kind',
  'targets',
  'payload',
  'depends_on',
  'state',
  'attempts',
  'remote_job_id',
  'result',
  'error_code',
  'error_message',
  'created_at',
  'updated_at',
  'sent_at',
  'finished_at',
] as const;
type OpRow = Record<(typeof OP_COLUMNS)[number], string | number | null>;

interface Approval {
  approved_by: string;
  approved_at: string;
  fingerprint: string;
  note: string | null;
}

/** The approval that counts for a document: the latest naming its fingerprint. */
function withApproval(document: string, approvals: readonly Approval[]): string {
  const doc = JSON.parse(document) as { plan?: { fingerprint?: string; approval?: unknown } };
  if (!doc.plan) return document;
  const a = [...approvals].reverse().find((x) => x.fingerprint === doc.plan?.fingerprint);
  doc.plan.approval = a ? { approver: a.approved_by, note: a.note ?? '', at: a.approved_at, fingerprint: a.fingerprint } : null;
  return JSON.stringify(doc);
}

async function holderCheck(client: pg.ClientBase, runId: string): Promise<void> {
  const r = await client.query<{ claimed_by: string | null; me: string }>(
    'SELECT claimed_by, current_user AS me FROM lethe.runs WHERE id = $1 FOR UPDATE',
    [runId],
  );
  const row = r.rows[0];
  if (!row) throw new LetheError('not_found', 'No such erasure plan in the team database');
  if (row.claimed_by !== row.me)
    throw new LetheError('conflict', `${row.claimed_by ?? 'Nobody'} holds this erasure run, not ${row.me}`, { claimedBy: row.claimed_by });
}

export function createTeamErasureStore(pool: TeamPool, role: string): ErasureStore {
  const pullRuns = async (journal: Journal, runId?: string, skip?: ReadonlySet<string>): Promise<void> => {
    const { runs, ops, approvals } = await pool.withClient(async (client) => {
      const runs = (
        await client.query<RunRow>(
          `SELECT id, kind, state, subject_ref, document, created_at, updated_at, started_at, finished_at, claimed_by
             FROM lethe.runs WHERE kind = $1 AND ($2::text IS NULL OR id = $2) ORDER BY id`,
          [RUN_KIND, runId ?? null],
        )
      ).rows;
      const ids = runs.map((r) => r.id);
      const ops = (
        await client.query<OpRow>(`SELECT ${OP_COLUMNS.join(', ')} FROM lethe.operations WHERE run_id = ANY($1) ORDER BY seq`, [ids])
      ).rows;
      const approvals = (
        await client.query<Approval & { run_id: string }>(
          'SELECT run_id, approved_by, approved_at, fingerprint, note FROM lethe.plan_approvals WHERE run_id = ANY($1) ORDER BY id',
          [ids],
        )
      ).rows;
      return { runs, ops, approvals };
    });
    const db = journal.db;
    const upsertRun = db.prepare(
      `INSERT INTO runs (id, kind, state, subject_ref, document, created_at, updated_at, started_at, finished_at)
       VALUES (@id, @kind, @state, @subject_ref, @document, @created_at, @updated_at, @started_at, @finished_at)
       ON CONFLICT(id) DO UPDATE SET state = excluded.state, subject_ref = excluded.subject_ref, document = excluded.document,
         updated_at = excluded.updated_at, started_at = excluded.started_at, finished_at = excluded.finished_at`,
    );
    const upsertOp = db.prepare(
      `INSERT INTO operations (${OP_COLUMNS.join(', ')}) VALUES (${OP_COLUMNS.map((c) => `@${c}`).join(', ')})
       ON CONFLICT(id) DO UPDATE SET ${OP_COLUMNS.filter((c) => c !== 'id')
         .map((c) => `${c} = excluded.${c}`)
         .join(', ')}`,
    );
    db.transaction(() => {
      for (const run of runs) {
        // A run this process executes: its working copy is ahead of the team's, never behind.
        if (skip?.has(run.id)) continue;
        const { claimed_by: _claimed, ...row } = run;
        upsertRun.run({
          ...row,
          document: withApproval(
            run.document,
            approvals.filter((a) => a.run_id === run.id),
          ),
        });
      }
      for (const op of ops) if (!skip?.has(String(op.run_id))) upsertOp.run(op);
    }).immediate();
  };

  const readLocalRun = (journal: Journal, runId: string) => journal.getRun(runId);

  return {
    role,
    readSetting: async <T = Json>(_journal: Journal, key: string) => {
      const r = await pool.withClient((c) => c.query<{ value: string }>('SELECT value FROM lethe.store_settings WHERE key = $1', [key]));
      const value = r.rows[0]?.value;
      return value === undefined ? undefined : (JSON.parse(value) as T);
    },
    initSetting: async (_journal, key, value) => {
      const r = await pool.transaction(async (c) => {
        await c.query('INSERT INTO lethe.store_settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING', [
          key,
          JSON.stringify(value),
          new Date().toISOString(),
        ]);
        return c.query<{ value: string }>('SELECT value FROM lethe.store_settings WHERE key = $1', [key]);
      });
      return JSON.parse(r.rows[0]?.value ?? 'null') as typeof value;
    },
    writeSetting: async (_journal, key, value) => {
      await pool.withClient((c) =>
        c.query(
          `INSERT INTO lethe.store_settings (key, value, updated_at) VALUES ($1, $2, $3)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = current_user`,
          [key, JSON.stringify(value), new Date().toISOString()],
        ),
      );
    },
    pull: pullRuns,
    created: async (journal, runId) => {
      const run = readLocalRun(journal, runId);
      await pool.withClient((c) =>
        c.query(
          `INSERT INTO lethe.runs (id, kind, state, subject_ref, document, created_at, updated_at) VALUES ($1, $2, 'draft', $3, $4, $5, $5)`,
          [run.id, run.kind, run.subjectRef, JSON.stringify(run.document), run.createdAt],
        ),
      );
    },
    pushDraft: async (journal, runId) => {
      const run = readLocalRun(journal, runId);
      const r = await pool.withClient((c) =>
        c.query(`UPDATE lethe.runs SET document = $2, updated_at = $3 WHERE id = $1 AND state = 'draft' AND claimed_by IS NULL`, [
          runId,
          JSON.stringify(run.document),
          run.updatedAt,
        ]),
      );
      if ((r.rowCount ?? 0) === 0) throw new LetheError('conflict', 'This plan has been started in the meantime; plan again to change it');
    },
    approve: async (runId, fingerprint, note) => {
      const r = await pool.withClient((c) =>
        c.query<{ approved_by: string }>(
          'INSERT INTO lethe.plan_approvals (run_id, approved_at, fingerprint, note) VALUES ($1, $2, $3, $4) RETURNING approved_by',
          [runId, new Date().toISOString(), fingerprint, note],
        ),
      );
      return r.rows[0]?.approved_by ?? role;
    },
    claim: async (runId, fresh) => {
      await pool.transaction(async (c) => {
        const at = new Date().toISOString();
        const taken = await c.query(
          `UPDATE lethe.runs SET claimed_by = current_user, claimed_at = $2, state = 'running', started_at = COALESCE(started_at, $2), updated_at = $2
            WHERE id = $1 AND (claimed_by IS NULL OR claimed_by = current_user) AND ($3 = false OR state = 'draft') RETURNING id`,
          [runId, at, fresh],
        );
        if ((taken.rowCount ?? 0) > 0) return;
        const r = await c.query<{ claimed_by: string | null }>('SELECT claimed_by FROM lethe.runs WHERE id = $1', [runId]);
        const holder = r.rows[0]?.claimed_by ?? null;
        throw new LetheError(
          'conflict',
          holder ? `${holder} is already running this erasure` : 'This plan has been started in the meantime',
          { claimedBy: holder },
        );
      });
    },
    assertHolder: async (runId) => {
      const r = await pool.withClient((c) =>
        c.query<{ claimed_by: string | null; me: string }>('SELECT claimed_by, current_user AS me FROM lethe.runs WHERE id = $1', [runId]),
      );
      const row = r.rows[0];
      if (!row) throw new LetheError('not_found', 'No such erasure plan in the team database');
      if (row.claimed_by !== row.me)
        throw new LetheError(
          'conflict',
          `${row.claimed_by ?? 'Nobody'} ran this erasure, not ${row.me}: its receipt is kept where it ran, so ${row.claimed_by ?? 'they'} read Zendesk's status again there`,
          { claimedBy: row.claimed_by },
        );
    },
    mirror: (journal, runId) => {
      // What was last written of each operation: only what changed since goes out again.
      const pushed = new Map<string, string>();
      const pending: Transition[] = [];
      const off = journal.onTransition((t) => {
        if (t.runId === runId) pending.push(t);
      });
      let chain: Promise<void> = Promise.resolve();
      // One write at a time, in order: concurrent batches each wait for theirs to be in.
      const flush = (): Promise<void> => {
        const next = chain.then(async () => {
          const run = journal.getRun(runId);
          const ops = (journal.db.prepare(`SELECT ${OP_COLUMNS.join(', ')} FROM operations WHERE run_id = ?`).all(runId) as OpRow[]).filter(
            (op) => pushed.get(String(op.id)) !== JSON.stringify(op),
          );
          const moves = pending.slice();
          await pool.transaction(async (c) => {
            await holderCheck(c, runId);
            for (const op of ops) {
              await c.query(
                `INSERT INTO lethe.operations (${OP_COLUMNS.join(', ')}) VALUES (${OP_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
                 ON CONFLICT (id) DO UPDATE SET ${OP_COLUMNS.filter((col) => !['id', 'run_id', 'seq', 'created_at'].includes(col))
                   .map((col) => `${col} = excluded.${col}`)
                   .join(', ')}`,
                OP_COLUMNS.map((col) => op[col]),
              );
            }
            for (const t of moves) {
              await c.query('INSERT INTO lethe.transitions (run_id, op_id, from_state, to_state, at) VALUES ($1, $2, $3, $4, $5)', [
                runId,
                t.opId,
                t.from,
                t.to,
                t.at,
              ]);
            }
            await c.query(`UPDATE lethe.runs SET document = $2, state = $3, updated_at = $4, finished_at = $5 WHERE id = $1`, [
              runId,
              JSON.stringify(run.document),
              run.state,
              run.updatedAt,
              run.finishedAt,
            ]);
          });
          pending.splice(0, moves.length);
          for (const op of ops) pushed.set(String(op.id), JSON.stringify(op));
        });
        // A failed write fails the send waiting for it; the next flush tries again from the same point.
        chain = next.catch(() => undefined);
        return next;
      };
      return { beforeSend: flush, flush, stop: off };
    },
  };
}

/** The team store for a workspace in team mode; null for one kept locally. */
export async function teamErasureStore(s: CoreServices, workspaceId: string): Promise<ErasureStore | null> {
  const session = await teamSessionFor(s, workspaceId);
  return session ? createTeamErasureStore(session.pool, session.role) : null;
}
