import type pg from 'pg';
import { LetheError } from '../../../shared/errors';
import { uuidv7 } from '../journal/ids';
import type { Json, NewOperation, OpState } from '../journal/types';
import type { TeamPool } from './connection';
import { appendTeamAudit } from './team-audit';

/**
 * Erasure plans, their approvals and the journal of their remote operations in the team database
 * (the store seam the erasure service can run on in team mode; it is not wired into it yet, see
 * docs/team-mode.md). What the database enforces, whatever the client:
 *
 * - the preparer of a plan is `current_user`, and approving one's own plan is refused (LT001);
 * - only one officer runs a plan: `claim` succeeds for one role, every other gets a conflict, so
 *   two machines never send the same erasure;
 * - operations move along the journal's state machine, each move recorded with the role that made it.
 */

const ALLOWED: Record<OpState, readonly OpState[]> = {
  planned: ['sent', 'skipped', 'failed'],
  sent: ['done', 'failed', 'planned'],
  done: [],
  failed: ['planned'],
  skipped: [],
};

export interface TeamPlan {
  id: string;
  state: string;
  preparedBy: string;
  claimedBy: string | null;
  approval: { approvedBy: string; approvedAt: string; fingerprint: string } | null;
}

export class TeamPlans {
  constructor(
    private readonly team: TeamPool,
    private readonly auditKey: Buffer,
  ) {}

  /** A draft run with its operations, prepared by the connecting role. */
  prepare(input: { kind: string; document: Json; subjectRef?: string | null; operations: readonly NewOperation[] }): Promise<TeamPlan> {
    return this.team.transaction(async (client) => {
      const now = new Date();
      const at = now.toISOString();
      const id = uuidv7(now.getTime());
      await client.query(
        `INSERT INTO lethe.runs (id, kind, state, subject_ref, document, created_at, updated_at) VALUES ($1, $2, 'draft', $3, $4, $5, $5)`,
        [id, input.kind, input.subjectRef ?? null, JSON.stringify(input.document), at],
      );
      const ids = new Map(input.operations.map((op) => [op.ref, uuidv7(now.getTime())]));
      let seq = 0;
      for (const op of input.operations) {
        seq += 1;
        await client.query(
          `INSERT INTO lethe.operations (id, run_id, seq, stage, kind, targets, payload, depends_on, state, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'planned', $9, $9)`,
          [
            ids.get(op.ref),
            id,
            seq,
            op.stage,
            op.kind,
            JSON.stringify(op.targets),
            op.payload === undefined ? null : JSON.stringify(op.payload),
            JSON.stringify((op.dependsOn ?? []).map((ref) => ids.get(ref))),
            at,
          ],
        );
      }
      await appendTeamAudit(client, this.auditKey, {
        actor: 'database',
        action: 'erasure.prepared',
        at,
        data: { runId: id, kind: input.kind, operations: input.operations.length },
        ...(input.subjectRef ? { subjectRef: input.subjectRef } : {}),
      });
      return this.#read(client, id);
    });
  }

  async #read(client: pg.ClientBase, id: string): Promise<TeamPlan> {
    const r = await client.query<{
      id: string;
      state: string;
      prepared_by: string;
      claimed_by: string | null;
      approved_by: string | null;
      approved_at: string | null;
      fingerprint: string | null;
    }>(
      `SELECT r.id, r.state, r.prepared_by, r.claimed_by, a.approved_by, a.approved_at, a.fingerprint
         FROM lethe.runs r LEFT JOIN lethe.plan_approvals a ON a.run_id = r.id WHERE r.id = $1`,
      [id],
    );
    const row = r.rows[0];
    if (!row) throw new LetheError('not_found', `No plan ${id}`);
    return {
      id: row.id,
      state: row.state,
      preparedBy: row.prepared_by,
      claimedBy: row.claimed_by,
      approval:
        row.approved_by && row.approved_at && row.fingerprint
          ? { approvedBy: row.approved_by, approvedAt: row.approved_at, fingerprint: row.fingerprint }
          : null,
    };
  }

  get(id: string): Promise<TeamPlan> {
    return this.team.withClient((client) => this.#read(client, id));
  }

  /** Second-person approval of what the plan's fingerprint names; the database refuses the preparer. */
  approve(id: string, fingerprint: string): Promise<TeamPlan> {
    return this.team.transaction(async (client) => {
      const at = new Date().toISOString();
      await client.query('INSERT INTO lethe.plan_approvals (run_id, approved_at, fingerprint) VALUES ($1, $2, $3)', [id, at, fingerprint]);
      await appendTeamAudit(client, this.auditKey, { actor: 'database', action: 'erasure.approved', at, data: { runId: id, fingerprint } });
      return this.#read(client, id);
    });
  }

  /**
   * Takes the plan to run it: one role only. The plan must be approved; a plan claimed by someone
   * else is a conflict naming them (a resume on another machine first sees who holds it).
   */
  claim(id: string): Promise<TeamPlan> {
    return this.team.transaction(async (client) => {
      const plan = await this.#read(client, id);
      if (!plan.approval) throw new LetheError('conflict', 'The plan is not approved yet: a second person approves it first');
      const at = new Date().toISOString();
      const taken = await client.query(
        `UPDATE lethe.runs SET claimed_by = current_user, claimed_at = $2, state = 'running', started_at = COALESCE(started_at, $2), updated_at = $2
          WHERE id = $1 AND (claimed_by IS NULL OR claimed_by = current_user) RETURNING id`,
        [id, at],
      );
      if ((taken.rowCount ?? 0) === 0) {
        const holder = (await this.#read(client, id)).claimedBy;
        throw new LetheError('conflict', `${holder ?? 'Another officer'} is already running this plan`, { claimedBy: holder });
      }
      await appendTeamAudit(client, this.auditKey, { actor: 'database', action: 'erasure.claimed', at, data: { runId: id } });
      return this.#read(client, id);
    });
  }

  /** Moves operations of a plan this role holds; each move is one recorded transition. */
  transition(runId: string, opIds: readonly string[], to: OpState): Promise<void> {
    return this.team.transaction(async (client) => {
      const run = await client.query<{ claimed_by: string | null; me: string }>(
        'SELECT claimed_by, current_user AS me FROM lethe.runs WHERE id = $1 FOR UPDATE',
        [runId],
      );
      const holder = run.rows[0];
      if (!holder) throw new LetheError('not_found', `No plan ${runId}`);
      if (holder.claimed_by !== holder.me)
        throw new LetheError('conflict', `${holder.claimed_by ?? 'Nobody'} holds this plan, not ${holder.me}`);
      const at = new Date().toISOString();
      for (const id of opIds) {
        const op = await client.query<{ state: OpState }>('SELECT state FROM lethe.operations WHERE id = $1 AND run_id = $2 FOR UPDATE', [
          id,
          runId,
        ]);
        const from = op.rows[0]?.state;
        if (!from) throw new LetheError('not_found', `No operation ${id} in plan ${runId}`);
        if (!ALLOWED[from].includes(to)) throw new LetheError('conflict', `Operation cannot move from ${from} to ${to}`);
        await client.query(
          `UPDATE lethe.operations SET state = $1, updated_at = $2, attempts = attempts + $3,
             sent_at = CASE WHEN $1 = 'sent' THEN $2 ELSE sent_at END,
             finished_at = CASE WHEN $1 IN ('done','failed','skipped') THEN $2 ELSE NULL END
           WHERE id = $4`,
          [to, at, to === 'sent' ? 1 : 0, id],
        );
        await client.query('INSERT INTO lethe.transitions (run_id, op_id, from_state, to_state, at) VALUES ($1, $2, $3, $4, $5)', [
          runId,
          id,
          from,
          to,
          at,
        ]);
      }
    });
  }

  operations(runId: string): Promise<Array<{ id: string; state: OpState; kind: string }>> {
    return this.team.withClient(async (client) => {
      const r = await client.query<{ id: string; state: OpState; kind: string }>(
        'SELECT id, state, kind FROM lethe.operations WHERE run_id = $1 ORDER BY seq',
        [runId],
      );
      return r.rows;
    });
  }
}
