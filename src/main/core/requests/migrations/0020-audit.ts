import type { Migration } from '../../db/migrations/types';

/**
 * The audit log: one row per chained entry (see ../../audit/chain.ts). `data` holds the canonical
 * JSON that was hashed. The triggers refuse updates and deletes from this app: history is only
 * ever appended to. They are no defence against someone holding the key (they can drop them);
 * the hash chain is what shows such an edit.
 */
export const migration0020: Migration = {
  version: 20,
  name: 'audit-log',
  up(db) {
    db.exec(`
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject_ref TEXT,
        request_id TEXT,
        data TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_log_request ON audit_log (request_id, seq);
      CREATE INDEX audit_log_subject ON audit_log (subject_ref, seq);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `);
  },
};
