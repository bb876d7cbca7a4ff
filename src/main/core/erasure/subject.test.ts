import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCache, type Cache } from '../db/open-cache';
import { makeUser, tempDir, TEST_KEY } from '../db/testing/fixtures';
import { applyUsersPage } from '../db/write-api';
import { resolveSubject } from './subject';

let tmp: ReturnType<typeof tempDir>;
let cache: Cache;
beforeAll(() => {
  tmp = tempDir();
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  applyUsersPage(
    cache.db,
    [
      makeUser(1, { email: '  Jane.Doe+tag@Example.TEST ' }),
      // Same words, another address: a candidate of the full-text lookup that the comparison rejects.
      makeUser(2, { email: 'jane-doe+tag@example.test' }),
      makeUser(3, { email: 'jane.doe@example.test.org' }),
      makeUser(4, { email: 'zoë@exemple.test' }),
    ],
    [],
    {},
  );
});
afterAll(() => {
  cache.close();
  tmp.cleanup();
});

describe('resolveSubject by profile e-mail', () => {
  it('matches the address ignoring case and surrounding spaces, and only that address', () => {
    expect(resolveSubject(cache.db, 'jane.doe+tag@example.test').userIds).toEqual([1]);
    expect(resolveSubject(cache.db, ' JANE.DOE+TAG@EXAMPLE.TEST').userIds).toEqual([1]);
    expect(resolveSubject(cache.db, 'jane-doe+tag@example.test').userIds).toEqual([2]);
    expect(resolveSubject(cache.db, 'doe@example.test').userIds).toEqual([]);
  });

  it('finds non-ASCII addresses too (compared without the full-text index)', () => {
    expect(resolveSubject(cache.db, 'zoë@exemple.test').userIds).toEqual([4]);
  });
});
