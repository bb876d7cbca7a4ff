import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openCache } from '../db';
import { tempDirPerTest, TEST_KEY } from '../db/testing/fixtures';
import { journalMigration0010, JOURNAL_MIGRATIONS } from './migrations';

const tmp = tempDirPerTest();

it('0010 creates runs, operations, transitions and settings in an encrypted store, with the state machine as CHECKs', () => {
  const store = openCache({ path: join(tmp.dir, 'journal.db'), key: TEST_KEY, migrations: [journalMigration0010] });
  const db = store.db;
  expect(store.schemaVersion).toBe(10);
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
  expect(tables).toEqual(['operations', 'runs', 'store_settings', 'transitions']);
  db.exec(`INSERT INTO runs (id, kind, state, document, created_at, updated_at) VALUES ('r', 'erasure', 'draft', '{}', 'x', 'x')`);
  expect(() =>
    db.exec(`INSERT INTO runs (id, kind, state, document, created_at, updated_at) VALUES ('r2', 'erasure', 'weird', '{}', 'x', 'x')`),
  ).toThrow(/CHECK/);
  db.exec(
    `INSERT INTO operations (id, run_id, seq, stage, kind, targets, state, created_at, updated_at) VALUES ('o', 'r', 1, 10, 'k', '[1]', 'planned', 'x', 'x')`,
  );
  expect(() =>
    db.exec(
      `INSERT INTO operations (id, run_id, seq, stage, kind, targets, state, created_at, updated_at) VALUES ('o2', 'r', 1, 10, 'k', '[1]', 'planned', 'x', 'x')`,
    ),
  ).toThrow(/UNIQUE/);
  expect(() =>
    db.exec(
      `INSERT INTO operations (id, run_id, seq, stage, kind, targets, state, created_at, updated_at) VALUES ('o3', 'r', 2, 10, 'k', '[1]', 'lost', 'x', 'x')`,
    ),
  ).toThrow(/CHECK/);
  expect(() =>
    db.exec(
      `INSERT INTO operations (id, run_id, seq, stage, kind, targets, state, created_at, updated_at) VALUES ('o4', 'nope', 2, 10, 'k', '[1]', 'planned', 'x', 'x')`,
    ),
  ).toThrow(/FOREIGN KEY/);
  const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM operations WHERE run_id = 'r' AND state = 'sent'`).all() as Array<{
    detail: string;
  }>;
  expect(plan.map((p) => p.detail).join(' ')).toMatch(/operations_run_state/);
  store.close();
  // Reopening with the full list is a no-op; the file stays encrypted.
  const again = openCache({ path: join(tmp.dir, 'journal.db'), key: TEST_KEY, migrations: JOURNAL_MIGRATIONS });
  expect(again.db.prepare('SELECT count(*) FROM operations').pluck().get()).toBe(1);
  again.close();
});
