import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openCache } from '../open-cache';
import type { SqliteDb } from '../sqlite';
import { makeComment, makeTicket, tempDirPerTest, TEST_KEY } from '../testing/fixtures';
import { applyDeletions, applyTicketEventsPage, applyTicketsPage } from '../write-api';
import { MIGRATIONS } from './index';

const tmp = tempDirPerTest();

/** What the kept counts must equal: every account's distinct tickets, counted from the rows. */
function counted(db: SqliteDb): Array<[number, number]> {
  return db.prepare('SELECT user_id, count(DISTINCT ticket_id) FROM participants GROUP BY user_id ORDER BY user_id').raw().all() as Array<
    [number, number]
  >;
}
function kept(db: SqliteDb): Array<[number, number]> {
  return db.prepare('SELECT user_id, tickets FROM user_ticket_counts WHERE tickets > 0 ORDER BY user_id').raw().all() as Array<
    [number, number]
  >;
}

it('0070 counts the tickets of the participants a version-60 cache already holds', () => {
  const path = join(tmp.dir, 'c.db');
  const v60 = openCache({ path, key: TEST_KEY, migrations: MIGRATIONS.filter((m) => m.version <= 60) });
  v60.db.exec(`
    INSERT INTO participants (ticket_id, user_id, role) VALUES
      (1, 10, 'requester'), (1, 10, 'submitter'), (1, 10, 'commenter'), (1, 20, 'assignee'),
      (2, 10, 'cc'), (2, 20, 'assignee'), (2, 20, 'commenter'), (3, 30, 'follower');
  `);
  v60.close();
  const cache = openCache({ path, key: TEST_KEY, migrations: MIGRATIONS.filter((m) => m.version <= 70) });
  expect(cache.schemaVersion).toBe(70);
  expect(kept(cache.db)).toEqual([
    [10, 2],
    [20, 2],
    [30, 1],
  ]);
  cache.close();
});

it('keeps the counts equal to the rows through every kind of write, one role or many per ticket', () => {
  const cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  const db = cache.db;
  // A seeded walk of single inserts (some ignored as repeats), single deletes and whole-ticket deletes.
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  const roles = ['requester', 'submitter', 'assignee', 'cc', 'follower', 'commenter'];
  const insert = db.prepare('INSERT OR IGNORE INTO participants (ticket_id, user_id, role) VALUES (?, ?, ?)');
  const deleteOne = db.prepare('DELETE FROM participants WHERE ticket_id = ? AND user_id = ? AND role = ?');
  const deleteTicket = db.prepare('DELETE FROM participants WHERE ticket_id = ?');
  for (let step = 0; step < 3000; step++) {
    const op = next(10);
    const ticket = 1 + next(40);
    if (op < 6) insert.run(ticket, 1 + next(6), roles[next(roles.length)]);
    else if (op < 9) deleteOne.run(ticket, 1 + next(6), roles[next(roles.length)]);
    else deleteTicket.run(ticket);
    if (step % 100 === 99) expect(kept(db)).toEqual(counted(db));
  }
  expect(counted(db).length).toBeGreaterThan(3);

  // Through the sync's write paths: ticket roles, changed roles, commenters, deleted comments and tickets.
  applyTicketsPage(
    db,
    [100, 101, 102].map((id) => makeTicket(id, {}, 8, 'dense')),
    {},
  );
  applyTicketEventsPage(
    db,
    [makeComment(9001, 100, 3, 'first'), makeComment(9002, 101, 5, 'second'), makeComment(9003, 101, 5, 'third')],
    {},
  );
  expect(kept(db)).toEqual(counted(db));
  applyTicketsPage(db, [makeTicket(100, { assignee_id: 7, requester_id: 8, updated_at: '2030-01-01T00:00:00Z' }, 8, 'dense')], {});
  applyDeletions(db, 'comments', [9002, 9003]);
  expect(kept(db)).toEqual(counted(db));
  applyDeletions(db, 'tickets', [101]);
  expect(kept(db)).toEqual(counted(db));
  cache.close();
});

it('refuses to update a participant row, which the counts could not follow', () => {
  const cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  cache.db.exec(`INSERT INTO participants (ticket_id, user_id, role) VALUES (1, 10, 'requester')`);
  expect(() => cache.db.exec(`UPDATE participants SET user_id = 11`)).toThrow(/never updated/);
  expect(kept(cache.db)).toEqual([[10, 1]]);
  cache.close();
});

it('answers an address prefix and the shared-identity look-up from the identities index alone', () => {
  const cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  const plan = (sql: string): string =>
    (cache.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join('; ');
  expect(
    plan(`SELECT user_id, value, value_normalized, is_primary FROM identities
           WHERE value_normalized >= 'jo' AND value_normalized < 'jp' AND type = 'email' LIMIT 500`),
  ).toMatch(/COVERING INDEX identities_value/);
  expect(plan(`SELECT DISTINCT user_id FROM identities WHERE type = 'email' AND value_normalized = 'a@b.test'`)).toMatch(
    /COVERING INDEX identities_value/,
  );
  cache.close();
});
