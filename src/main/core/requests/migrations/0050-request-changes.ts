import type { Migration } from '../../db/migrations/types';

/**
 * Which requests changed since a point, kept by the database itself (#14: the dashboard at 10,000
 * requests). After a write the dashboard read every request again to find the one that changed;
 * now it reads the requests whose `seq` passed its own. Triggers, not the write paths, keep it, so
 * a write nobody remembered (a retention purge, a deletion by hand, another connection) is seen
 * too. A deleted request keeps its row, so that its leaving is seen the same way.
 */
export const migration0050: Migration = {
  version: 50,
  name: 'request-changes',
  up(db) {
    db.exec(`
      CREATE TABLE request_changes (
        request_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX request_changes_seq ON request_changes (seq);
      INSERT INTO request_changes (request_id, seq) SELECT id, row_number() OVER (ORDER BY rowid) FROM requests;
      CREATE TRIGGER request_changes_insert AFTER INSERT ON requests BEGIN
        INSERT INTO request_changes (request_id, seq) VALUES (NEW.id, (SELECT coalesce(max(seq), 0) + 1 FROM request_changes))
          ON CONFLICT (request_id) DO UPDATE SET seq = excluded.seq;
      END;
      CREATE TRIGGER request_changes_update AFTER UPDATE ON requests BEGIN
        INSERT INTO request_changes (request_id, seq) VALUES (NEW.id, (SELECT coalesce(max(seq), 0) + 1 FROM request_changes))
          ON CONFLICT (request_id) DO UPDATE SET seq = excluded.seq;
      END;
      CREATE TRIGGER request_changes_rekey AFTER UPDATE OF id ON requests WHEN OLD.id <> NEW.id BEGIN
        INSERT INTO request_changes (request_id, seq) VALUES (OLD.id, (SELECT coalesce(max(seq), 0) + 1 FROM request_changes))
          ON CONFLICT (request_id) DO UPDATE SET seq = excluded.seq;
      END;
      CREATE TRIGGER request_changes_delete AFTER DELETE ON requests BEGIN
        INSERT INTO request_changes (request_id, seq) VALUES (OLD.id, (SELECT coalesce(max(seq), 0) + 1 FROM request_changes))
          ON CONFLICT (request_id) DO UPDATE SET seq = excluded.seq;
      END;
    `);
  },
};
