import type { Migration } from '../../db/migrations/types';

/**
 * Addresses and numbers a person used to have (#19 item 7). A rectified e-mail leaves the
 * helpdesk, and with it the cache, yet comments still quote the old address and the person is
 * still entitled to (and may ask to erase) what was said under it. Kept beside the identity-link
 * decisions in the durable register, so a cache reset or resync does not forget them.
 */
export const migration0040: Migration = {
  version: 40,
  name: 'former-identities',
  up(db) {
    db.exec(`
      CREATE TABLE former_identities (
        user_id INTEGER NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('email', 'phone_number')),
        value TEXT NOT NULL,
        replaced_at TEXT NOT NULL,
        replaced_by TEXT NOT NULL,
        PRIMARY KEY (user_id, type, value)
      ) STRICT;
    `);
  },
};
