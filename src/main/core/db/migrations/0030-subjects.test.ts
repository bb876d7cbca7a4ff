import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openCache } from '../open-cache';
import { tempDirPerTest, TEST_KEY } from '../testing/fixtures';
import { migration0010 } from './0010-initial';
import { migration0020 } from './0020-search';
import { MIGRATIONS } from './index';

const tmp = tempDirPerTest();

const pending = (db: ReturnType<typeof openCache>['db']) =>
  db.prepare('SELECT comment_id FROM comment_keys_pending ORDER BY 1').pluck().all();

it('0030 queues the comments an older cache holds, then every comment whose text changes', () => {
  const path = join(tmp.dir, 'c.db');
  const v20 = openCache({ path, key: TEST_KEY, migrations: [migration0010, migration0020] });
  v20.db.exec(`INSERT INTO comments (id, ticket_id, author_id, body) VALUES (1, 7, 1, 'call +49 30 1234567'), (2, 7, 2, 'hello')`);
  v20.close();

  const cache = openCache({ path, key: TEST_KEY, migrations: MIGRATIONS });
  const db = cache.db;
  expect(pending(db)).toEqual([1, 2]);
  db.exec('DELETE FROM comment_keys_pending');
  db.exec(`INSERT INTO comment_identity_keys (key, comment_id) VALUES ('p:49301234567', 1)`);

  db.exec(`UPDATE comments SET body = 'hello' WHERE id = 2`); // same text: a replayed page
  expect(pending(db)).toEqual([]);
  db.exec(`UPDATE comments SET body = 'call [redacted]' WHERE id = 1`);
  db.exec(`INSERT INTO comments (id, ticket_id, author_id, body) VALUES (3, 8, 1, 'x')`);
  expect(pending(db)).toEqual([1, 3]);

  db.exec('DELETE FROM comments WHERE id IN (1, 3)');
  expect(pending(db)).toEqual([]);
  expect(db.prepare('SELECT count(*) FROM comment_identity_keys').pluck().get()).toBe(0);
  cache.close();
});

it('0030 keeps manual account links one way round', () => {
  const cache = openCache({ path: join(tmp.dir, 'd.db'), key: TEST_KEY, migrations: MIGRATIONS });
  expect(() => cache.db.exec(`INSERT INTO subject_links VALUES (5, 3, 'r', '2025-01-01T00:00:00Z')`)).toThrow(/CHECK/);
  cache.db.exec(`INSERT INTO subject_links VALUES (3, 5, 'r', '2025-01-01T00:00:00Z')`);
  cache.close();
});
