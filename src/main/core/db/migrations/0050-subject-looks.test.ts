import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openCache } from '../open-cache';
import { tempDirPerTest, TEST_KEY } from '../testing/fixtures';
import { migration0010 } from './0010-initial';
import { migration0020 } from './0020-search';
import { migration0030 } from './0030-subjects';
import { migration0040 } from './0040-surfaces';
import { MIGRATIONS } from './index';

const tmp = tempDirPerTest();

it('0050 adds subject looks to an older cache; an account row leaves with its look; outcomes are checked', () => {
  const path = join(tmp.dir, 'c.db');
  openCache({ path, key: TEST_KEY, migrations: [migration0010, migration0020, migration0030, migration0040] }).close();
  const cache = openCache({ path, key: TEST_KEY, migrations: MIGRATIONS });
  const db = cache.db;
  const look = Number(
    db.prepare(`INSERT INTO subject_looks (email, started_at, outcome) VALUES ('a@b.c', '2026-01-01T00:00:00Z', 'running')`).run()
      .lastInsertRowid,
  );
  db.prepare('INSERT INTO subject_look_accounts (user_id, look_id) VALUES (?, ?)').run(7, look);
  expect(() => db.prepare(`UPDATE subject_looks SET outcome = 'bogus'`).run()).toThrow(/CHECK/);
  db.prepare('DELETE FROM subject_looks WHERE id = ?').run(look);
  expect(db.prepare('SELECT count(*) FROM subject_look_accounts').pluck().get()).toBe(0);
  cache.close();
});
