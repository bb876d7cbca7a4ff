import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LetheError } from '../../../shared/errors';
import { openCache, type Cache } from './open-cache';
import { tempDir, TEST_KEY } from './testing/fixtures';
import { writeWhenFree } from './write-when-free';

let tmp: ReturnType<typeof tempDir>;
let ui: Cache;
let worker: Cache;
beforeEach(() => {
  tmp = tempDir('lethe-write-when-free-');
  const path = join(tmp.dir, 'c.db');
  worker = openCache({ path, key: TEST_KEY });
  ui = openCache({ path, key: TEST_KEY, busyTimeoutMs: 5_000 });
});
afterEach(() => {
  if (worker.db.inTransaction) worker.db.exec('ROLLBACK');
  ui.close();
  worker.close();
  tmp.cleanup();
});

it('waits for another connection’s write lock on timers, not inside SQLite, then writes', async () => {
  worker.db.exec('BEGIN IMMEDIATE');
  let turns = 0;
  const ticker = setInterval(() => turns++, 5);
  const release = setTimeout(() => worker.db.exec('COMMIT'), 150);
  const started = performance.now();
  try {
    await writeWhenFree(ui.db, () => ui.db.prepare(`INSERT INTO subject_links VALUES (1, 2, 'test', 'now')`).run());
  } finally {
    clearInterval(ticker);
    clearTimeout(release);
  }
  expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  // A busy timeout spent inside SQLite would have blocked the ticker for the whole 150 ms.
  expect(turns).toBeGreaterThanOrEqual(5);
  expect(ui.db.prepare('SELECT count(*) FROM subject_links').pluck().get()).toBe(1);
  // The connection keeps its own busy timeout for every other statement.
  expect(ui.db.pragma('busy_timeout', { simple: true })).toBe(5_000);
});

it('gives up with db_locked after its timeout and writes nothing', async () => {
  worker.db.exec('BEGIN IMMEDIATE');
  const attempt = writeWhenFree(ui.db, () => ui.db.prepare(`INSERT INTO subject_links VALUES (1, 2, 'test', 'now')`).run(), {
    timeoutMs: 60,
  });
  await expect(attempt).rejects.toSatisfy((error) => error instanceof LetheError && error.code === 'db_locked');
  worker.db.exec('ROLLBACK');
  expect(ui.db.prepare('SELECT count(*) FROM subject_links').pluck().get()).toBe(0);
  expect(ui.db.pragma('busy_timeout', { simple: true })).toBe(5_000);
});

it('passes other errors through at once', async () => {
  await expect(writeWhenFree(ui.db, () => ui.db.prepare('INSERT INTO no_such_table VALUES (1)').run())).rejects.toThrow(/no such table/);
});
