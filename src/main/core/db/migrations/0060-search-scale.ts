import type { Migration } from './types';

/**
 * Search that stays fast at a million tickets (#14), with the same results.
 *
 * 1. People's full-text indexes get prefix indexes for every length from 1 to 8. A prefix term
 *    FTS5 has no prefix index for ("example"* in an e-mail address typed in full) makes it merge
 *    the lists of every token with that prefix before it returns a row: the domain of an address
 *    is in nearly every row, ~10 ms per query per table at 200,000 accounts, and a typed address
 *    runs three such queries. With an index of that length the term is one list FTS5 reads lazily,
 *    skipping to the rows the other terms allow. Longer words (9+ letters) are rarely common.
 *    These two tables are small (accounts, identities); the comment index keeps '2 3'.
 *    The prefix option is fixed when a table is created, so both are created again and rebuilt
 *    from their content tables; the triggers of 0020 name them, not hold them, and stay.
 * 2. `phone_digits`: the digits of every phone identity in a trigram index, so "contains these
 *    digits" (a number typed from any end, "030 1234" for "+49 30 1234") is an index lookup instead
 *    of `instr` over every identity. A quoted run of 3+ characters matches exactly the rows that
 *    hold it as a substring; search asks for 4+ digits. The table keeps its own copy of the digits
 *    (a few bytes per number) and triggers keep it in step with every write, cascades included.
 * 3. The attachments' by-ticket index also holds their type and size, so the dossier's summary of
 *    a busy agent's attachments (thousands of tickets) reads the index alone instead of every
 *    attachment row, scattered over the encrypted file: 817 ms cold at the large account.
 */
const PEOPLE_TOKENIZE = `tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4 5 6 7 8'`;

export const migration0060: Migration = {
  version: 60,
  name: 'search-scale',
  up(db) {
    db.exec(`
      DROP TABLE users_fts;
      CREATE VIRTUAL TABLE users_fts USING fts5(
        name, email, phone, content = 'users', content_rowid = 'id', ${PEOPLE_TOKENIZE});
      INSERT INTO users_fts(users_fts) VALUES ('rebuild');
      DROP TABLE identities_fts;
      CREATE VIRTUAL TABLE identities_fts USING fts5(
        value, value_normalized, content = 'identities', content_rowid = 'id', ${PEOPLE_TOKENIZE});
      INSERT INTO identities_fts(identities_fts) VALUES ('rebuild');

      CREATE VIRTUAL TABLE phone_digits USING fts5(digits, tokenize = 'trigram');
      CREATE TRIGGER identities_phone_insert AFTER INSERT ON identities WHEN new.type = 'phone_number' BEGIN
        INSERT INTO phone_digits(rowid, digits) VALUES (new.id, new.value_normalized);
      END;
      CREATE TRIGGER identities_phone_delete AFTER DELETE ON identities WHEN old.type = 'phone_number' BEGIN
        DELETE FROM phone_digits WHERE rowid = old.id;
      END;
      CREATE TRIGGER identities_phone_update AFTER UPDATE ON identities
        WHEN old.type IS NOT new.type OR old.value_normalized IS NOT new.value_normalized OR old.id IS NOT new.id BEGIN
        DELETE FROM phone_digits WHERE rowid = old.id;
        INSERT INTO phone_digits(rowid, digits) SELECT new.id, new.value_normalized WHERE new.type = 'phone_number';
      END;
      INSERT INTO phone_digits(rowid, digits) SELECT id, value_normalized FROM identities WHERE type = 'phone_number';

      DROP INDEX attachments_ticket;
      CREATE INDEX attachments_ticket ON attachments(ticket_id, content_type, size);
    `);
  },
};
