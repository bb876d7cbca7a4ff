import { LetheError } from '../../../shared/errors';
import type { SqliteDb } from '../db';
import { uuidv7 } from './ids';
import type { Json, JournalOperation, JournalRun, NewOperation, OpCounts, OpState, RunState, Transition } from './types';

interface OpRow {
  id: string;
  run_id: string;
  seq: number;
  stage: number;
  kind: string;
  targets: string;
  payload: string | null;
  depends_on: string;
  state: OpState;
  attempts: number;
  remote_job_id: string | null;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  finished_at: string | null;
}

interface RunRow {
  id: string;
  kind: string;
  state: RunState;
  subject_ref: string | null;
  document: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const parse = (text: string | null): Json => (text === null ? null : (JSON.parse(text) as Json));

function toOp(r: OpRow): JournalOperation {
  return {
    id: r.id,
    runId: r.run_id,
    seq: r.seq,
    stage: r.stage,
    kind: r.kind,
    targets: JSON.parse(r.targets) as number[],
    payload: parse(r.payload),
    dependsOn: JSON.parse(r.depends_on) as string[],
    state: r.state,
    attempts: r.attempts,
    remoteJobId: r.remote_job_id,
    result: parse(r.result),
    errorCode: r.error_code,
    errorMessage: r.error_message,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at,
    finishedAt: r.finished_at,
  };
}

function toRun<D>(r: RunRow): JournalRun<D> {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    subjectRef: r.subject_ref,
    document: JSON.parse(r.document) as D,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** Which moves the state machine allows. sent → planned only after the API confirmed the effect is absent. */
const ALLOWED: Record<OpState, readonly OpState[]> = {
  planned: ['sent', 'skipped', 'failed'],
  sent: ['done', 'failed', 'planned'],
  done: [],
  failed: ['planned'],
  skipped: [],
};

export interface TransitionOptions {
  jobId?: string | null;
  result?: Json;
  error?: { code: string; message: string };
}

/**
 * The persisted journal of remote operations. Every change is one IMMEDIATE transaction that also
 * records the transition, so a crash leaves the journal at a state it really passed through. The
 * store must be opened with `synchronous = FULL` (openJournal does): unlike the cache, a lost
 * commit here could mean an effect sent twice.
 */
export class Journal {
  readonly #listeners = new Set<(t: Transition) => void>();

  constructor(readonly db: SqliteDb) {}

  onTransition(listener: (t: Transition) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // --- runs ----------------------------------------------------------------------------------

  createRun<D>(input: { kind: string; document: D; subjectRef?: string | null; id?: string; now?: Date }): JournalRun<D> {
    const at = (input.now ?? new Date()).toISOString();
    const id = input.id ?? uuidv7();
    this.db
      .prepare(`INSERT INTO runs (id, kind, state, subject_ref, document, created_at, updated_at) VALUES (?, ?, 'draft', ?, ?, ?, ?)`)
      .run(id, input.kind, input.subjectRef ?? null, JSON.stringify(input.document), at, at);
    return this.getRun<D>(id);
  }

  findRun<D = Json>(id: string): JournalRun<D> | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row ? toRun<D>(row) : undefined;
  }

  getRun<D = Json>(id: string): JournalRun<D> {
    const run = this.findRun<D>(id);
    if (!run) throw new LetheError('not_found', 'No such run in the journal');
    return run;
  }

  listRuns<D = Json>(filter: { kind?: string; states?: readonly RunState[]; limit?: number } = {}): Array<JournalRun<D>> {
    const rows = this.db
      .prepare('SELECT * FROM runs WHERE (? IS NULL OR kind = ?) ORDER BY id DESC LIMIT ?')
      .all(filter.kind ?? null, filter.kind ?? null, filter.limit ?? 200) as RunRow[];
    return rows.map((r) => toRun<D>(r)).filter((r) => !filter.states || filter.states.includes(r.state));
  }

  updateDocument<D>(id: string, document: D, now: Date = new Date()): void {
    this.db.prepare('UPDATE runs SET document = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(document), now.toISOString(), id);
  }

  setRunState(id: string, state: RunState, now: Date = new Date()): void {
    const at = now.toISOString();
    const started = state === 'running' ? at : null;
    const finished = state === 'completed' || state === 'abandoned' || state === 'needs_attention' ? at : null;
    this.db
      .prepare(
        `UPDATE runs SET state = ?, updated_at = ?, started_at = coalesce(started_at, ?),
           finished_at = CASE WHEN ? IS NULL THEN NULL ELSE ? END WHERE id = ?`,
      )
      .run(state, at, started, finished, finished, id);
  }

  /** Adds operations to a draft run in one transaction; `dependsOn` refs become operation ids. */
  addOperations(runId: string, ops: readonly NewOperation[], now: Date = new Date()): JournalOperation[] {
    const at = now.toISOString();
    return this.db
      .transaction(() => {
        const run = this.getRun(runId);
        if (run.state !== 'draft') throw new LetheError('conflict', 'Operations are only added to a run before it starts');
        const base = (this.db.prepare('SELECT coalesce(max(seq), 0) FROM operations WHERE run_id = ?').pluck().get(runId) as number) + 1;
        const ids = new Map<string, string>();
        for (const op of ops) {
          if (ids.has(op.ref)) throw new Error(`duplicate operation ref ${op.ref}`);
          ids.set(op.ref, uuidv7(now.getTime()));
        }
        const insert = this.db.prepare(
          `INSERT INTO operations (id, run_id, seq, stage, kind, targets, payload, depends_on, state, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?)`,
        );
        const record = this.db.prepare(
          `INSERT INTO transitions (run_id, op_id, from_state, to_state, at) VALUES (?, ?, NULL, 'planned', ?)`,
        );
        ops.forEach((op, i) => {
          const deps = (op.dependsOn ?? []).map((ref) => {
            const id = ids.get(ref);
            if (!id) throw new Error(`operation ${op.ref} depends on unknown ${ref}`);
            return id;
          });
          const id = ids.get(op.ref)!;
          insert.run(
            id,
            runId,
            base + i,
            op.stage,
            op.kind,
            JSON.stringify(op.targets),
            op.payload === undefined ? null : JSON.stringify(op.payload),
            JSON.stringify(deps),
            at,
            at,
          );
          record.run(runId, id, at);
        });
        return this.operations(runId);
      })
      .immediate();
  }

  // --- operations ----------------------------------------------------------------------------

  operations(runId: string, states?: readonly OpState[]): JournalOperation[] {
    const rows = this.db.prepare('SELECT * FROM operations WHERE run_id = ? ORDER BY seq').all(runId) as OpRow[];
    const ops = rows.map(toOp);
    return states ? ops.filter((o) => states.includes(o.state)) : ops;
  }

  operation(id: string): JournalOperation {
    const row = this.db.prepare('SELECT * FROM operations WHERE id = ?').get(id) as OpRow | undefined;
    if (!row) throw new LetheError('not_found', 'No such operation in the journal');
    return toOp(row);
  }

  counts(runId: string): OpCounts {
    const counts: OpCounts = { planned: 0, sent: 0, done: 0, failed: 0, skipped: 0 };
    const rows = this.db.prepare('SELECT state, count(*) AS n FROM operations WHERE run_id = ? GROUP BY state').all(runId) as Array<{
      state: OpState;
      n: number;
    }>;
    for (const r of rows) counts[r.state] = r.n;
    return counts;
  }

  transitions(runId: string): Transition[] {
    return (
      this.db
        .prepare(
          `SELECT t.run_id, t.op_id, o.kind, t.from_state, t.to_state, t.at FROM transitions t JOIN operations o ON o.id = t.op_id
           WHERE t.run_id = ? ORDER BY t.id`,
        )
        .all(runId) as Array<{ run_id: string; op_id: string; kind: string; from_state: OpState | null; to_state: OpState; at: string }>
    ).map((r) => ({ runId: r.run_id, opId: r.op_id, kind: r.kind, from: r.from_state, to: r.to_state, at: r.at }));
  }

  /**
   * Moves operations to `to` in one transaction, checking each move against the state machine.
   * `sent` counts an attempt; `jobId` is stored with it (or later by `setJobId`).
   */
  transition(ids: readonly string[], to: OpState, options: TransitionOptions = {}, now: Date = new Date()): Transition[] {
    if (ids.length === 0) return [];
    const at = now.toISOString();
    const done = this.db
      .transaction(() => {
        const out: Transition[] = [];
        for (const id of ids) {
          const op = this.operation(id);
          if (!ALLOWED[op.state].includes(to)) {
            throw new LetheError('conflict', `Operation cannot move from ${op.state} to ${to}`);
          }
          const terminal = to === 'done' || to === 'failed' || to === 'skipped';
          this.db
            .prepare(
              `UPDATE operations SET state = ?, updated_at = ?,
                 attempts = attempts + ?,
                 sent_at = CASE WHEN ? THEN ? ELSE sent_at END,
                 remote_job_id = CASE WHEN ? THEN ? ELSE remote_job_id END,
                 result = CASE WHEN ? THEN ? ELSE result END,
                 error_code = ?, error_message = ?,
                 finished_at = CASE WHEN ? THEN ? ELSE NULL END
               WHERE id = ?`,
            )
            .run(
              to,
              at,
              to === 'sent' ? 1 : 0,
              to === 'sent' ? 1 : 0,
              at,
              options.jobId !== undefined || to === 'planned' ? 1 : 0,
              options.jobId ?? null,
              options.result !== undefined ? 1 : 0,
              options.result === undefined ? null : JSON.stringify(options.result),
              options.error?.code ?? null,
              options.error?.message ?? null,
              terminal ? 1 : 0,
              at,
              id,
            );
          this.db
            .prepare('INSERT INTO transitions (run_id, op_id, from_state, to_state, at) VALUES (?, ?, ?, ?, ?)')
            .run(op.runId, id, op.state, to, at);
          out.push({ runId: op.runId, opId: id, kind: op.kind, from: op.state, to, at });
        }
        return out;
      })
      .immediate();
    for (const t of done) for (const listener of this.#listeners) listener(t);
    return done;
  }

  /** The remote job that carries these (sent) operations, written as soon as the API answers. */
  setJobId(ids: readonly string[], jobId: string, now: Date = new Date()): void {
    this.db
      .transaction(() => {
        const update = this.db.prepare(`UPDATE operations SET remote_job_id = ?, updated_at = ? WHERE id = ? AND state = 'sent'`);
        for (const id of ids) update.run(jobId, now.toISOString(), id);
      })
      .immediate();
  }

  /**
   * Replaces the payloads of a run's operations (e.g. redaction texts) by `null` once they are no
   * longer needed, keeping targets, states, results and times for the record.
   */
  scrubPayloads(runId: string, now: Date = new Date()): number {
    return this.db
      .prepare('UPDATE operations SET payload = NULL, updated_at = ? WHERE run_id = ? AND payload IS NOT NULL')
      .run(now.toISOString(), runId).changes;
  }

  // --- settings ------------------------------------------------------------------------------

  readSetting<T = Json>(key: string): T | undefined {
    const value = this.db.prepare('SELECT value FROM store_settings WHERE key = ?').pluck().get(key) as string | undefined;
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  writeSetting(key: string, value: Json, now: Date = new Date()): void {
    this.db
      .prepare(
        `INSERT INTO store_settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value), now.toISOString());
  }
}
