import { join } from 'node:path';
import { expect, it } from 'vitest';
import { updateMentionIndex } from '../../subjects/mention-index';
import { openCache } from '../open-cache';
import { makeComment, tempDirPerTest, TEST_KEY } from '../testing/fixtures';
import { applyTicketEventsPage } from '../write-api';
import { MIGRATIONS } from './index';

const tmp = tempDirPerTest();

const keysOf = (db: ReturnType<typeof openCache>['db'], id: number): string[] =>
  db.prepare('SELECT key FROM comment_identity_keys WHERE comment_id = ? ORDER BY key').pluck().all(id) as string[];

it('a comment whose text changes while it waits for the mention index is written, and indexed with its new text', () => {
  const cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  const db = cache.db;
  applyTicketEventsPage(db, [makeComment(1, 1, 10, 'write to old@example.test')], {});
  // The sync's upsert: under 0030's trigger this failed the page with a UNIQUE error.
  expect(() => applyTicketEventsPage(db, [makeComment(1, 1, 10, 'write to new@example.test')], {})).not.toThrow();
  expect(db.prepare('SELECT body FROM comments').pluck().all()).toEqual(['write to new@example.test']);
  expect(db.prepare('SELECT comment_id FROM comment_keys_pending').pluck().all()).toEqual([1]);
  updateMentionIndex(db);
  expect(keysOf(db, 1)).toEqual(['e:new@example.test']);

  // Once indexed, a change queues it again and the old address goes.
  applyTicketEventsPage(db, [makeComment(1, 1, 10, 'write to other@example.test')], {});
  updateMentionIndex(db);
  expect(keysOf(db, 1)).toEqual(['e:other@example.test']);
  cache.close();
});

it('0080 replaces only the trigger: a version-70 cache keeps its queue', () => {
  const path = join(tmp.dir, 'c.db');
  const v70 = openCache({ path, key: TEST_KEY, migrations: MIGRATIONS.filter((m) => m.version <= 70) });
  applyTicketEventsPage(v70.db, [makeComment(1, 1, 10, 'a'), makeComment(2, 1, 10, 'b')], {});
  v70.close();
  const cache = openCache({ path, key: TEST_KEY });
  expect(cache.schemaVersion).toBe(80);
  expect(cache.db.prepare('SELECT comment_id FROM comment_keys_pending ORDER BY 1').pluck().all()).toEqual([1, 2]);
  cache.close();
});
