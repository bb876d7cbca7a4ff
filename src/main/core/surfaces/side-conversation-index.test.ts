import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openCache, type Cache } from '../db';
import { tempDir, TEST_KEY } from '../db/testing/fixtures';
import { accountKey, forgetInIndex, otherTicketsToRead, recordTicketsRead } from './side-conversation-index';

let cache: Cache;
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('lethe-sc-index-');
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  cache.db.exec(`INSERT INTO tickets (id, status) VALUES (1, 'open'), (2, 'open')`);
});
afterEach(() => {
  cache.close();
  tmp.cleanup();
});

const entry = (ticketId: number, keys: string[]) => ({ ticketId, ticketUpdatedAt: null, readAt: '2026-12-05T10:00:00.000Z', keys });
const naming = (keys: string[]) => otherTicketsToRead(cache.db, new Set(), keys, new Date('2026-12-05T11:00:00Z'), 100).read;

it('a background read landing after an erasure deleted its ticket does not bring the person back into the index', () => {
  const person = ['ann@example.com', accountKey(42)];
  // The fill read both tickets before the erasure ...
  const readBefore = [entry(1, person), entry(2, ['bob@example.com'])];
  // ... the erasure deletes ticket 1 and forgets the person ...
  cache.db.exec('DELETE FROM tickets WHERE id = 1');
  forgetInIndex(cache.db, ['ann@example.com'], [42]);
  // ... and then the fill's batch is written.
  expect(recordTicketsRead(cache.db, readBefore)).toBe(1);
  const rows = cache.db.prepare(`SELECT body FROM surface_items WHERE item_id LIKE 't:%'`).pluck().all() as string[];
  expect(rows.join(' ')).not.toContain('ann@example.com');
  expect(naming(person)).toEqual([]);
  expect(naming(['bob@example.com'])).toEqual([2]);
});
