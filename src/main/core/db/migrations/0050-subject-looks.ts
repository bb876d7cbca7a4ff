import type { Migration } from './types';

/**
 * Subject-first looks: a person fetched through the account budget before (or while) the full
 * sync runs. The cache keeps each look's outcome per surface so the dossier can say "complete for
 * this person as of …" and name what is still missing, across restarts, next to the records the
 * look wrote (encrypted with them; a cache reset forgets both together).
 *
 * `subject_look_accounts` indexes the looks by account, so the dossier finds the latest look for
 * its person with one indexed lookup instead of reading every look's JSON.
 */
export const migration0050: Migration = {
  version: 50,
  name: 'subject-looks',
  up(db) {
    db.exec(`
      CREATE TABLE subject_looks (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('running', 'complete', 'incomplete', 'not_found', 'failed')),
        surfaces TEXT NOT NULL DEFAULT '[]',
        missing TEXT NOT NULL DEFAULT '[]',
        api_calls INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX subject_looks_email ON subject_looks(email, id);
      CREATE TABLE subject_look_accounts (
        user_id INTEGER NOT NULL,
        look_id INTEGER NOT NULL REFERENCES subject_looks(id) ON DELETE CASCADE,
        PRIMARY KEY (user_id, look_id)
      ) WITHOUT ROWID;
      CREATE INDEX subject_look_accounts_look ON subject_look_accounts(look_id);
    `);
  },
};
