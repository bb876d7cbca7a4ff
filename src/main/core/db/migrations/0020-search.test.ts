import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openCache } from '../open-cache';
import { searchComments, searchPeople } from '../search';
import { tempDirPerTest, TEST_KEY } from '../testing/fixtures';
import { migration0010 } from './0010-initial';
import { MIGRATIONS } from './index';

const tmp = tempDirPerTest();

it('0020 indexes rows that a version-10 cache already holds, then keeps the index in step', () => {
  const path = join(tmp.dir, 'c.db');
  const v10 = openCache({ path, key: TEST_KEY, migrations: [migration0010] });
  v10.db.exec(`
    INSERT INTO users (id, name, email, phone) VALUES (1, 'Zoë Ångström', 'zoe@example.test', '+46 8 123 456');
    INSERT INTO users (id, name, email) VALUES (2, 'Bob Builder', 'bob@example.test');
    INSERT INTO identities (id, user_id, type, value, value_normalized)
      VALUES (10, 2, 'email', 'Robert.Alt@Elsewhere.test', 'robert.alt@elsewhere.test');
    INSERT INTO comments (id, ticket_id, author_id, body) VALUES (100, 7, 1, 'Please erase my café account');
  `);
  v10.close();

  const cache = openCache({ path, key: TEST_KEY, migrations: MIGRATIONS });
  expect(cache.schemaVersion).toBe(MIGRATIONS.at(-1)?.version);
  const db = cache.db;
  expect(searchPeople(db, 'angstrom')).toEqual([1]);
  expect(searchPeople(db, 'elsewhere')).toEqual([2]);
  expect(searchComments(db, 'cafe')).toEqual([{ commentId: 100, ticketId: 7 }]);

  // the triggers exist: later writes are searchable, deletes vanish from the index
  db.exec(`UPDATE users SET name = 'Zoë Nordqvist' WHERE id = 1`);
  expect(searchPeople(db, 'angstrom')).toEqual([]);
  expect(searchPeople(db, 'nordq')).toEqual([1]);
  db.exec('DELETE FROM comments WHERE id = 100');
  expect(searchComments(db, 'cafe')).toEqual([]);
  expect(() => db.exec(`INSERT INTO comments_fts(comments_fts, rank) VALUES ('integrity-check', 1)`)).not.toThrow();
  cache.close();
});
