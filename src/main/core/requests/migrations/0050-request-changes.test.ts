import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openCache } from '../../db/open-cache';
import { tempDir, TEST_KEY } from '../../db/testing/fixtures';
import { REGISTER_MIGRATIONS } from './index';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const insert = `INSERT INTO requests (id, number, type, regulation, channel, received_at, time_zone, status, created_at, updated_at)
                VALUES (?, ?, 'access', 'GDPR', 'email', '2025-01-01T00:00:00Z', 'Europe/Berlin', 'received', 't', 't')`;

it('0050 names every request of a version-40 register once, then each insert, update and deletion by a later seq', () => {
  const tmp = tempDir();
  cleanups.push(tmp.cleanup);
  const path = join(tmp.dir, 'register.db');
  const v40 = openCache({ path, key: TEST_KEY, migrations: REGISTER_MIGRATIONS.filter((m) => m.version <= 40) });
  for (const [id, n] of [
    ['req_a', 1],
    ['req_b', 2],
    ['req_c', 3],
  ] as const)
    v40.db.prepare(insert).run(id, n);
  v40.close();

  const store = openCache({ path, key: TEST_KEY, migrations: REGISTER_MIGRATIONS });
  cleanups.push(() => store.close());
  expect(store.schemaVersion).toBe(50);
  const changes = () =>
    store.db.prepare('SELECT request_id, seq FROM request_changes ORDER BY seq').raw(true).all() as Array<[string, number]>;
  expect(changes()).toEqual([
    ['req_a', 1],
    ['req_b', 2],
    ['req_c', 3],
  ]);
  store.db.prepare(insert).run('req_d', 4);
  store.db.prepare(`UPDATE requests SET status = 'in_progress' WHERE id = 'req_a'`).run();
  store.db.prepare(`DELETE FROM requests WHERE id = 'req_b'`).run();
  // A deleted request keeps its row (its leaving is a change); each request appears once.
  expect(changes()).toEqual([
    ['req_c', 3],
    ['req_d', 4],
    ['req_a', 5],
    ['req_b', 6],
  ]);
  // A rolled-back write leaves no trace; a renamed id names both the old and the new.
  expect(() =>
    store.db.transaction(() => {
      store.db.prepare(`UPDATE requests SET status = 'completed' WHERE id = 'req_c'`).run();
      throw new Error('rolled back');
    })(),
  ).toThrow('rolled back');
  expect(changes().at(-1)).toEqual(['req_b', 6]);
  store.db.prepare(`UPDATE requests SET id = 'req_e' WHERE id = 'req_d'`).run();
  expect(
    changes()
      .slice(-2)
      .map(([id]) => id)
      .sort(),
  ).toEqual(['req_d', 'req_e']);
  expect(changes().at(-1)![1]).toBe(8);
});
