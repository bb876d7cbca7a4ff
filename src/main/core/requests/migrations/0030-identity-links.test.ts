import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openCache } from '../../db/open-cache';
import { tempDirPerTest, TEST_KEY } from '../../db/testing/fixtures';
import { migration0010 } from './0010-requests';
import { migration0020 } from './0020-audit';
import { REGISTER_MIGRATIONS } from './index';

const tmp = tempDirPerTest();

it('0030 adds identity-link decisions to a version-20 register and keeps its requests and audit log', () => {
  const path = join(tmp.dir, 'register.db');
  const v20 = openCache({ path, key: TEST_KEY, migrations: [migration0010, migration0020] });
  v20.db
    .prepare(
      `INSERT INTO requests (id, number, type, regulation, channel, received_at, time_zone, requester_email, status, created_at, updated_at)
       VALUES ('req_keep0001', 7, 'access', 'GDPR', 'email', '2025-02-01T10:00:00Z', 'Europe/Berlin', 'sam@example.test', 'in_progress', 'c', 'u')`,
    )
    .run();
  v20.db
    .prepare(
      `INSERT INTO audit_log (seq, at, actor, action, subject_ref, request_id, data, prev_hash, hash)
       VALUES (1, '2025-02-01T10:00:00Z', 'dana', 'request.created', NULL, 'req_keep0001', '{}', ?, ?)`,
    )
    .run('0'.repeat(64), 'a'.repeat(64));
  const requests = v20.db.prepare('SELECT * FROM requests').all();
  const audit = v20.db.prepare('SELECT * FROM audit_log').all();
  v20.close();

  const store = openCache({ path, key: TEST_KEY, migrations: REGISTER_MIGRATIONS });
  const db = store.db;
  expect(store.schemaVersion).toBe(REGISTER_MIGRATIONS.at(-1)!.version);
  expect(db.prepare('SELECT * FROM requests').all()).toEqual(requests);
  expect(db.prepare('SELECT * FROM audit_log').all()).toEqual(audit);

  const insert = db.prepare(
    `INSERT INTO identity_links (user_id, linked_user_id, decision, reason, decided_by, decided_at) VALUES (?, ?, ?, 'r', 'dana', 't')`,
  );
  insert.run(3, 5, 'confirmed');
  // One row per pair, lower id first, and only the two decisions there are.
  expect(() => insert.run(5, 3, 'confirmed')).toThrow(/CHECK/);
  expect(() => insert.run(3, 5, 'rejected')).toThrow(/UNIQUE|PRIMARY/);
  expect(() => insert.run(3, 7, 'maybe')).toThrow(/CHECK/);
  expect(db.prepare('SELECT evidence FROM identity_links').pluck().get()).toBe('[]');
  // Both sides of a pair are found through an index.
  const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT * FROM identity_links WHERE linked_user_id = 5').all() as Array<{ detail: string }>)
    .map((r) => r.detail)
    .join(' | ');
  expect(plan).toMatch(/identity_links_linked/);
  store.close();
});
