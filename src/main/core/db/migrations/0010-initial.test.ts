import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openCache } from '../open-cache';
import type { SqliteDb } from '../sqlite';
import { tempDirPerTest, TEST_KEY } from '../testing/fixtures';
import { migration0010 } from './0010-initial';

const tmp = tempDirPerTest();

const columns = (db: SqliteDb, table: string): string[] =>
  (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).sort();

/** The query plan, to show the indexes the product's lookups rely on are used. */
const plan = (db: SqliteDb, sql: string): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' | ');

it('0010 creates the record tables on an empty (version 0) encrypted cache', () => {
  const cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY, migrations: [migration0010] });
  const db = cache.db;
  expect(cache.schemaVersion).toBe(10);
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
  expect(tables).toEqual([
    'attachments',
    'comments',
    'identities',
    'organization_memberships',
    'organizations',
    'participants',
    'sync_errors',
    'sync_state',
    'tickets',
    'tombstones',
    'users',
  ]);
  expect(columns(db, 'participants')).toEqual(['role', 'ticket_id', 'user_id']);
  expect(columns(db, 'identities')).toEqual(
    ['created_at', 'id', 'is_primary', 'type', 'updated_at', 'user_id', 'value', 'value_normalized', 'verified'].sort(),
  );

  // The lookups behind every subject search use an index.
  expect(plan(db, 'SELECT ticket_id FROM participants WHERE user_id = 1')).toMatch(/participants_user/);
  expect(plan(db, 'SELECT id FROM tickets WHERE requester_id = 1')).toMatch(/tickets_requester/);
  expect(plan(db, `SELECT user_id FROM identities WHERE value_normalized = 'a@b'`)).toMatch(/identities_value/);
  expect(plan(db, 'SELECT id FROM comments WHERE ticket_id = 1')).toMatch(/comments_ticket/);

  // Constraints that carry meaning.
  db.exec(`INSERT INTO tickets (id, status) VALUES (1, 'open')`);
  db.exec(`INSERT INTO participants VALUES (1, 5, 'cc')`);
  expect(() => db.exec(`INSERT INTO participants VALUES (1, 5, 'cc')`)).toThrow(/UNIQUE|PRIMARY/);
  expect(() => db.exec(`INSERT INTO participants VALUES (1, 5, 'boss')`)).toThrow(/CHECK/);
  expect(() => db.exec(`INSERT INTO identities (id, user_id, type, value, value_normalized) VALUES (1, 99, 'email', 'a', 'a')`)).toThrow(
    /FOREIGN KEY/,
  );
  db.exec(`INSERT INTO users (id, name) VALUES (99, 'x')`);
  db.exec(`INSERT INTO identities (id, user_id, type, value, value_normalized) VALUES (1, 99, 'email', 'a', 'a')`);
  db.exec('DELETE FROM users WHERE id = 99');
  expect(db.prepare('SELECT count(*) FROM identities').pluck().get()).toBe(0);
  cache.close();
});
