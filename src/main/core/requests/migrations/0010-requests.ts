import type { Migration } from '../../db/migrations/types';

/**
 * The request register. Requester contact details are personal data and live only here (the file
 * is encrypted); the audit log refers to subjects by keyed hash (`subject_ref`), kept on the
 * request so later entries can name the same subject after the contact details are purged.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'requests',
  up(db) {
    db.exec(`
      CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        number INTEGER NOT NULL UNIQUE,
        type TEXT NOT NULL,
        regulation TEXT NOT NULL,
        channel TEXT NOT NULL,
        received_at TEXT NOT NULL,
        time_zone TEXT NOT NULL,
        requester_name TEXT,
        requester_email TEXT,
        requester_phone TEXT,
        contact_purged_at TEXT,
        subject_ref TEXT,
        subject_id INTEGER,
        verification TEXT,
        status TEXT NOT NULL,
        status_reason TEXT,
        denial_article TEXT,
        owner TEXT,
        notes TEXT NOT NULL DEFAULT '',
        extension TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        closed_at TEXT
      ) STRICT;
      CREATE INDEX requests_status ON requests (status);
      CREATE INDEX requests_received ON requests (received_at);
      CREATE TABLE request_links (
        request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        ref TEXT NOT NULL,
        sha256 TEXT,
        at TEXT NOT NULL,
        PRIMARY KEY (request_id, kind, ref)
      ) STRICT;
      CREATE TABLE register_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `);
  },
};
