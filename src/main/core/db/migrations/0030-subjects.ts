import type { Migration } from './types';

/**
 * What a data-subject dossier needs beyond the record tables (owned by src/main/core/subjects).
 *
 * `comment_identity_keys`: the email addresses ("e:<lower-case>") and phone numbers ("p:<digits>")
 * written inside each comment, so "whose text mentions this person" is an index lookup instead of
 * a scan of every comment. Phone numbers are written in too many shapes for FTS tokens to meet
 * ("+49 30-1234", "(+49) 301.234"), and extracting them needs a regular expression SQL does not
 * have, so the keys are computed in JavaScript. Triggers only queue the comments whose text
 * changed (`comment_keys_pending`); the subjects module drains the queue before it reads. That
 * keeps the sync's write path free of any JavaScript callback and lets no write path forget it.
 *
 * `subject_links`: accounts an operator merged into one subject by hand, with the reason. It lives
 * in the cache because it is encrypted there and names helpdesk user ids that only mean something
 * next to the cache; a cache reset loses the links (the UI says so before a reset).
 */
export const migration0030: Migration = {
  version: 30,
  name: 'subjects',
  up(db) {
    db.exec(`
      CREATE TABLE comment_identity_keys (
        key TEXT NOT NULL,
        comment_id INTEGER NOT NULL,
        PRIMARY KEY (key, comment_id)
      ) WITHOUT ROWID;
      CREATE INDEX comment_identity_keys_comment ON comment_identity_keys(comment_id);

      CREATE TABLE comment_keys_pending (comment_id INTEGER PRIMARY KEY);

      CREATE TRIGGER comments_keys_insert AFTER INSERT ON comments BEGIN
        INSERT OR IGNORE INTO comment_keys_pending (comment_id) VALUES (new.id);
      END;
      CREATE TRIGGER comments_keys_update AFTER UPDATE OF body ON comments WHEN old.body IS NOT new.body BEGIN
        INSERT OR IGNORE INTO comment_keys_pending (comment_id) VALUES (new.id);
      END;
      CREATE TRIGGER comments_keys_delete AFTER DELETE ON comments BEGIN
        DELETE FROM comment_identity_keys WHERE comment_id = old.id;
        DELETE FROM comment_keys_pending WHERE comment_id = old.id;
      END;
      INSERT INTO comment_keys_pending (comment_id) SELECT id FROM comments;

      CREATE TABLE subject_links (
        user_id INTEGER NOT NULL,
        linked_user_id INTEGER NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (user_id, linked_user_id),
        CHECK (user_id < linked_user_id)
      ) WITHOUT ROWID;
      CREATE INDEX subject_links_linked ON subject_links(linked_user_id);
    `);
  },
};
