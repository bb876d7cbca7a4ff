import type { Migration } from './types';

/**
 * The last look at each on-demand surface for a person (owned by src/main/core/surfaces): whether
 * it was searched (or why not), when, and the items found, so an offline review still shows what
 * was found at the last look with its time. Keyed by the requested account of the person; one row
 * per item with its JSON (what the dossier, the archives and the plan need). A new surface needs
 * no migration: it writes rows under its own id.
 */
export const migration0040: Migration = {
  version: 40,
  name: 'surfaces',
  up(db) {
    db.exec(`
      CREATE TABLE surface_looks (
        surface TEXT NOT NULL,
        subject_user_id INTEGER NOT NULL,
        searched INTEGER NOT NULL,
        reason TEXT,
        detail TEXT,
        as_of TEXT NOT NULL,
        PRIMARY KEY (surface, subject_user_id)
      ) WITHOUT ROWID;
      CREATE TABLE surface_items (
        surface TEXT NOT NULL,
        subject_user_id INTEGER NOT NULL,
        item_id TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (surface, subject_user_id, item_id)
      ) WITHOUT ROWID;
    `);
  },
};
