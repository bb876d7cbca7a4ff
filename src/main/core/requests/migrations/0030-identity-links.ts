import type { Migration } from '../../db/migrations/types';

/**
 * An officer's decisions about which helpdesk accounts are one person (see docs/identity.md).
 * They live in the durable register, not in the cache: "reset the cache and resync" must not
 * forget that an officer confirmed two accounts as one person, nor that they rejected a
 * suggestion. One row per pair of accounts (lower id first): a decision holds from either side.
 * `evidence` is what the officer saw when deciding (identity types and how many accounts shared
 * the value), never the values themselves.
 */
export const migration0030: Migration = {
  version: 30,
  name: 'identity-links',
  up(db) {
    db.exec(`
      CREATE TABLE identity_links (
        user_id INTEGER NOT NULL,
        linked_user_id INTEGER NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'rejected')),
        reason TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        evidence TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (user_id, linked_user_id),
        CHECK (user_id < linked_user_id)
      ) STRICT;
      CREATE INDEX identity_links_linked ON identity_links (linked_user_id);
    `);
  },
};
