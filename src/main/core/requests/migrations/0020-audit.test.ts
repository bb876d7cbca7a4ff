import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openCache } from '../../db/open-cache';
import { tempDirPerTest, TEST_KEY } from '../../db/testing/fixtures';
import { migration0010 } from './0010-requests';
import { migration0020 } from './0020-audit';

const tmp = tempDirPerTest();

it('0020 adds the append-only audit log to a version-10 register and keeps its requests', () => {
  const path = join(tmp.dir, 'register.db');
  const v10 = openCache({ path, key: TEST_KEY, migrations: [migration0010] });
  v10.db
    .prepare(
      `INSERT INTO requests (id, number, type, regulation, channel, received_at, time_zone, requester_email, status, created_at, updated_at)
       VALUES ('req_keep0001', 7, 'erasure', 'CCPA', 'web_form', '2025-02-01T10:00:00Z', 'America/Los_Angeles', 'sam@example.test', 'in_progress', 'c', 'u')`,
    )
    .run();
  const before = v10.db.prepare('SELECT * FROM requests').all();
  v10.close();

  const store = openCache({ path, key: TEST_KEY, migrations: [migration0010, migration0020] });
  const db = store.db;
  expect(store.schemaVersion).toBe(20);
  expect(db.prepare('SELECT * FROM requests').all()).toEqual(before);

  db.prepare(
    `INSERT INTO audit_log (seq, at, actor, action, subject_ref, request_id, data, prev_hash, hash)
     VALUES (1, '2025-02-01T10:00:00Z', 'dana', 'request.created', NULL, 'req_keep0001', '{}', ?, ?)`,
  ).run('0'.repeat(64), 'a'.repeat(64));
  expect(() => db.prepare(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 1`).run()).toThrow(/append-only/);
  expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  expect(db.prepare('SELECT actor FROM audit_log').pluck().get()).toBe('dana');
  // The timeline of one request is read through its index.
  const plan = (
    db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM audit_log WHERE request_id = 'x' ORDER BY seq`).all() as Array<{ detail: string }>
  )
    .map((r) => r.detail)
    .join(' | ');
  expect(plan).toMatch(/audit_log_request/);
  store.close();
});
