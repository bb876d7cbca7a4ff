import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openCache } from '../../db/open-cache';
import { tempDirPerTest, TEST_KEY } from '../../db/testing/fixtures';
import { migration0010 } from './0010-requests';

const tmp = tempDirPerTest();

it('0010 creates the register tables on an empty (version 0) store', () => {
  const store = openCache({ path: join(tmp.dir, 'register.db'), key: TEST_KEY, migrations: [migration0010] });
  const db = store.db;
  expect(store.schemaVersion).toBe(10);
  expect(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all()).toEqual([
    'register_settings',
    'request_links',
    'requests',
  ]);
  db.prepare(
    `INSERT INTO requests (id, number, type, regulation, channel, received_at, time_zone, status, created_at, updated_at)
     VALUES ('req_a1', 1, 'access', 'GDPR', 'email', '2025-01-01T00:00:00Z', 'UTC', 'received', 'x', 'x')`,
  ).run();
  // Numbers are unique: two requests never share a reference.
  expect(() =>
    db
      .prepare(
        `INSERT INTO requests (id, number, type, regulation, channel, received_at, time_zone, status, created_at, updated_at)
       VALUES ('req_a2', 1, 'access', 'GDPR', 'email', '2025-01-01T00:00:00Z', 'UTC', 'received', 'x', 'x')`,
      )
      .run(),
  ).toThrow(/UNIQUE/);
  // Links go with their request.
  db.prepare(`INSERT INTO request_links (request_id, kind, ref, at) VALUES ('req_a1', 'archive', 'a.zip', 'x')`).run();
  db.prepare(`DELETE FROM requests WHERE id = 'req_a1'`).run();
  expect(db.prepare('SELECT COUNT(*) FROM request_links').pluck().get()).toBe(0);
  store.close();
});
