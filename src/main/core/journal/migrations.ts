import type { Migration } from '../db';

/**
 * The journal store (`journal.db` beside the cache, never touched by a cache reset). Append only:
 * a shipped migration is never edited.
 *
 * - runs: one remote job of a domain (an erasure, later a restriction or rectification) with the
 *   domain's own document (the erasure plan with its overrides and approval).
 * - operations: one remote effect each, with its state machine
 *   planned → sent → done | failed | skipped (and sent → planned only once the API has confirmed the
 *   effect is absent, so a retry never repeats an effect).
 * - transitions: every state change, for the run's history and for proving nothing ran twice.
 * - store_settings: small per-workspace settings of the domains using the journal (erasure rules).
 */
export const journalMigration0010: Migration = {
  version: 10,
  name: 'journal',
  up(db) {
    db.exec(`
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('draft','running','completed','needs_attention','abandoned')),
        -- HMAC of the subject identifier: lets runs of one subject be found without naming them
        subject_ref TEXT,
        -- the domain's document (JSON); personal data in it is scrubbed when the run ends
        document TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX runs_kind_state ON runs(kind, state);

      CREATE TABLE operations (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        stage INTEGER NOT NULL,
        kind TEXT NOT NULL,
        -- remote ids the operation acts on, JSON array
        targets TEXT NOT NULL,
        payload TEXT,
        -- ids of operations that must be done first, JSON array
        depends_on TEXT NOT NULL DEFAULT '[]',
        state TEXT NOT NULL CHECK (state IN ('planned','sent','done','failed','skipped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        remote_job_id TEXT,
        result TEXT,
        error_code TEXT,
        error_message TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        sent_at TEXT,
        finished_at TEXT
      );
      CREATE UNIQUE INDEX operations_run_seq ON operations(run_id, seq);
      CREATE INDEX operations_run_state ON operations(run_id, state, stage);

      CREATE TABLE transitions (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL,
        op_id TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        at TEXT NOT NULL
      );
      CREATE INDEX transitions_run ON transitions(run_id, id);

      CREATE TABLE store_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `);
  },
};

export const JOURNAL_MIGRATIONS: readonly Migration[] = [journalMigration0010];
