import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { applyTicketEventsPage, openCache, type Cache } from '../db';
import { makeComment, range, tempDir, TEST_KEY } from '../db/testing/fixtures';
import { catchUpMentionIndex, mentionIndexPending, updateMentionIndex } from './mention-index';

let cache: Cache;
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('lethe-mentions-');
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
});
afterEach(() => {
  cache.close();
  tmp.cleanup();
});

const keysOf = (commentId: number): string[] =>
  cache.db.prepare('SELECT key FROM comment_identity_keys WHERE comment_id = ? ORDER BY key').pluck().all(commentId) as string[];

it('indexes the e-mails and phone numbers of queued comments, and re-indexes a comment whose text changed', () => {
  applyTicketEventsPage(cache.db, [makeComment(1, 1, 10, 'Write to Ana.Ruiz@Example.test or call +34 600 123 456')], {});
  expect(mentionIndexPending(cache.db)).toBe(1);
  expect(updateMentionIndex(cache.db)).toBe(1);
  expect(keysOf(1)).toEqual(['e:ana.ruiz@example.test', 'p:34600123456']);
  expect(updateMentionIndex(cache.db)).toBe(0);

  applyTicketEventsPage(cache.db, [makeComment(1, 1, 10, 'Redacted')], {});
  expect(updateMentionIndex(cache.db)).toBe(1);
  expect(keysOf(1)).toEqual([]);
});

it('catches up in small transactions and lets the event loop run between them', async () => {
  applyTicketEventsPage(
    cache.db,
    range(1, 1_200).map((id) => makeComment(id, 1 + (id % 7), 10, `Mail person${id}@example.test`)),
    {},
  );
  let turns = 0;
  const ticker = setInterval(() => turns++, 0);
  let indexed: number;
  try {
    indexed = await catchUpMentionIndex(cache.db);
  } finally {
    clearInterval(ticker);
  }
  expect(indexed).toBe(1_200);
  expect(mentionIndexPending(cache.db)).toBe(0);
  expect(keysOf(1_137)).toEqual(['e:person1137@example.test']);
  // 1,200 comments in batches of 500: the loop turned between the three transactions.
  expect(turns).toBeGreaterThanOrEqual(1);
});
