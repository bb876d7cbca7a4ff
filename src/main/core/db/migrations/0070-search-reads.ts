import type { Migration } from './types';

/**
 * What search reads per result and per address prefix, made index reads (#14).
 *
 * 1. How many tickets each account takes part in, kept as the participants change. Every search
 *    result shows it. Counted on demand (`count(DISTINCT ticket_id)` over the account's participant
 *    rows) it cost an agent of the large account ~4 ms the first time (5,000+ tickets, pages
 *    decrypted, a temporary B-tree for the DISTINCT), and a name or number typed in the search box
 *    lists several agents first (lowest ids): two thirds of the slowest searches' time there. Kept
 *    here, it is one row read. A ticket counts once however many roles the account has on it, so a
 *    row changes the count only when it is the account's first role on that ticket (insert) or its
 *    last (delete). Triggers see every write path, erasure's included; participants are only ever
 *    inserted (OR IGNORE, which fires nothing when it ignores) and deleted, never updated or
 *    replaced, and an update now fails.
 * 2. The identities' value index also holds the type, account, primary flag and value as typed, so
 *    an address prefix ("john.", up to 500 identities) and the shared-identity suggestions of every
 *    result read the index alone instead of one table row per identity, scattered over the file.
 */
export const migration0070: Migration = {
  version: 70,
  name: 'search-reads',
  up(db) {
    db.exec(`
      CREATE TABLE user_ticket_counts (
        user_id INTEGER PRIMARY KEY,
        tickets INTEGER NOT NULL CHECK (tickets >= 0)
      );
      INSERT INTO user_ticket_counts (user_id, tickets)
        SELECT user_id, count(DISTINCT ticket_id) FROM participants GROUP BY user_id;

      CREATE TRIGGER participants_count_insert AFTER INSERT ON participants
      WHEN NOT EXISTS (SELECT 1 FROM participants WHERE ticket_id = new.ticket_id AND user_id = new.user_id AND role <> new.role)
      BEGIN
        INSERT INTO user_ticket_counts (user_id, tickets) VALUES (new.user_id, 1)
          ON CONFLICT (user_id) DO UPDATE SET tickets = tickets + 1;
      END;
      CREATE TRIGGER participants_count_delete AFTER DELETE ON participants
      WHEN NOT EXISTS (SELECT 1 FROM participants WHERE ticket_id = old.ticket_id AND user_id = old.user_id)
      BEGIN
        UPDATE user_ticket_counts SET tickets = tickets - 1 WHERE user_id = old.user_id;
      END;
      -- The counts rest on that: a future write path that updates a row fails loudly instead.
      CREATE TRIGGER participants_never_updated BEFORE UPDATE ON participants BEGIN
        SELECT RAISE(ABORT, 'participants rows are inserted and deleted, never updated (user_ticket_counts)');
      END;

      DROP INDEX identities_value;
      CREATE INDEX identities_value ON identities(value_normalized, type, user_id, is_primary, value);
    `);
  },
};
