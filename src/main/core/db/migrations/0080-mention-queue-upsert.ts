import type { Migration } from './types';

/**
 * 0030 queued a comment whose text changed for the mention index with `INSERT OR IGNORE`. A trigger
 * fired by an upsert does not keep its own conflict clause, and the sync writes comments with
 * `INSERT ... ON CONFLICT DO UPDATE`: a comment whose text changed while it still waited in the
 * queue (a redaction or an edit arriving before the worker's catch-up after the streams) failed
 * its whole page with a UNIQUE error. The trigger now takes the old entry out before it queues.
 */
export const migration0080: Migration = {
  version: 80,
  name: 'mention-queue-upsert',
  up(db) {
    db.exec(`
      DROP TRIGGER comments_keys_update;
      CREATE TRIGGER comments_keys_update AFTER UPDATE OF body ON comments WHEN old.body IS NOT new.body BEGIN
        DELETE FROM comment_keys_pending WHERE comment_id = new.id;
        INSERT INTO comment_keys_pending (comment_id) VALUES (new.id);
      END;
    `);
  },
};
