import type { Migration } from './types';

/**
 * Full-text search over people (names, emails, phones, every identity) and comment text.
 * External-content FTS5 tables hold only the index; triggers keep them in step with every write,
 * including FK cascades, so no write path can forget them. `remove_diacritics 2` makes "Muller"
 * find "Müller"; the prefix indexes make type-ahead queries cheap.
 * Built from rows already present, so an older cache gains search without a resync.
 */
const TOKENIZE = `tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'`;

function contentTriggers(table: string, fts: string, columns: readonly string[], changed: string): string {
  const cols = columns.join(', ');
  const newValues = columns.map((c) => `new.${c}`).join(', ');
  const oldValues = columns.map((c) => `old.${c}`).join(', ');
  return `
    CREATE TRIGGER ${table}_fts_insert AFTER INSERT ON ${table} BEGIN
      INSERT INTO ${fts}(rowid, ${cols}) VALUES (new.id, ${newValues});
    END;
    CREATE TRIGGER ${table}_fts_delete AFTER DELETE ON ${table} BEGIN
      INSERT INTO ${fts}(${fts}, rowid, ${cols}) VALUES ('delete', old.id, ${oldValues});
    END;
    -- Replayed pages rewrite rows with the same text; skip the index work then.
    CREATE TRIGGER ${table}_fts_update AFTER UPDATE ON ${table} WHEN ${changed} BEGIN
      INSERT INTO ${fts}(${fts}, rowid, ${cols}) VALUES ('delete', old.id, ${oldValues});
      INSERT INTO ${fts}(rowid, ${cols}) VALUES (new.id, ${newValues});
    END;`;
}

export const migration0020: Migration = {
  version: 20,
  name: 'search',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE users_fts USING fts5(
        name, email, phone, content = 'users', content_rowid = 'id', ${TOKENIZE});
      CREATE VIRTUAL TABLE identities_fts USING fts5(
        value, value_normalized, content = 'identities', content_rowid = 'id', ${TOKENIZE});
      CREATE VIRTUAL TABLE comments_fts USING fts5(
        body, content = 'comments', content_rowid = 'id', ${TOKENIZE});
      ${contentTriggers(
        'users',
        'users_fts',
        ['name', 'email', 'phone'],
        'old.name IS NOT new.name OR old.email IS NOT new.email OR old.phone IS NOT new.phone',
      )}
      ${contentTriggers(
        'identities',
        'identities_fts',
        ['value', 'value_normalized'],
        'old.value IS NOT new.value OR old.value_normalized IS NOT new.value_normalized',
      )}
      ${contentTriggers('comments', 'comments_fts', ['body'], 'old.body IS NOT new.body')}
      INSERT INTO users_fts(users_fts) VALUES ('rebuild');
      INSERT INTO identities_fts(identities_fts) VALUES ('rebuild');
      INSERT INTO comments_fts(comments_fts) VALUES ('rebuild');
    `);
  },
};
