import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { listAuditEntries } from '../audit/audit-log';
import { verifyChain } from '../audit/chain';
import { openCache, type Cache } from '../db/open-cache';
import { makeIdentity, makeUser, tempDir, TEST_KEY } from '../db/testing/fixtures';
import { applyUsersPage } from '../db/write-api';
import { REGISTER_MIGRATIONS } from '../requests/migrations';
import { decideLink, undoLink, type LinkStores } from './links';

let tmp: ReturnType<typeof tempDir>;
let cache: Cache;
let register: Cache;
let stores: LinkStores;
beforeEach(() => {
  tmp = tempDir();
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  register = openCache({ path: join(tmp.dir, 'register.db'), key: TEST_KEY, migrations: REGISTER_MIGRATIONS });
  stores = { workspaceId: 'ws_test000001', register: register.db, auditKey: Buffer.alloc(32, 7) };
  applyUsersPage(
    cache.db,
    [1, 2, 3].map((id) => makeUser(id, { email: `p${id}@example.test` })),
    [makeIdentity(10, 1, 'phone_number', '+44 20 7946 0001'), makeIdentity(11, 2, 'phone_number', '+442079460001')],
    {},
  );
});
afterEach(() => {
  cache.close();
  register.close();
  tmp.cleanup();
});

it('records each decision with an audit entry that names nobody, in one chain', () => {
  const confirmed = decideLink(cache.db, stores, {
    subjectUserId: 1,
    otherUserId: 2,
    decision: 'confirmed',
    reason: 'Called p1@example.test',
    by: 'Dana',
  });
  expect(confirmed.userIds).toEqual([1, 2]);
  undoLink(cache.db, stores, { subjectUserId: 2, otherUserId: 1, by: 'Dana' });
  const rejected = decideLink(cache.db, stores, { subjectUserId: 2, otherUserId: 1, decision: 'rejected', reason: 'Landline', by: 'Eve' });
  expect(rejected.userIds).toEqual([2]);
  expect(rejected.suggestions[0]).toMatchObject({ userId: 1, decision: { decision: 'rejected', reason: 'Landline', by: 'Eve' } });

  const entries = [...listAuditEntries(register.db).entries].sort((a, b) => a.seq - b.seq);
  expect(entries.map((e) => e.action)).toEqual(['subjects.link_confirmed', 'subjects.link_undone', 'subjects.link_rejected']);
  expect(entries[0]?.data).toMatchObject({ suggested: true, evidence: [{ type: 'phone_number', sharedBy: 2 }] });
  expect(entries[1]?.data).toMatchObject({ was: 'confirmed' });
  const text = JSON.stringify(entries);
  for (const leak of ['example.test', '7946', 'Called', 'Landline', '"1"', '"2"']) expect(text).not.toContain(leak);
  expect(verifyChain(entries).ok).toBe(true);
});

it('refuses what a decision cannot mean, changing nothing', () => {
  decideLink(cache.db, stores, { subjectUserId: 1, otherUserId: 2, decision: 'confirmed', reason: 'Same person' });
  decideLink(cache.db, stores, { subjectUserId: 2, otherUserId: 3, decision: 'confirmed', reason: 'Same person' });
  const before = register.db.prepare('SELECT count(*) FROM audit_log').pluck().get();
  // 1 and 3 are one person through 2: rejecting the pair would not separate them.
  expect(() => decideLink(cache.db, stores, { subjectUserId: 1, otherUserId: 3, decision: 'rejected', reason: 'No' })).toThrow(
    expect.objectContaining({ code: 'conflict', details: { reason: 'linked_through_another_account' } }),
  );
  expect(() => decideLink(cache.db, stores, { subjectUserId: 1, otherUserId: 1, decision: 'confirmed', reason: 'Self' })).toThrow(
    expect.objectContaining({ code: 'invalid_input' }),
  );
  expect(() => decideLink(cache.db, stores, { subjectUserId: 1, otherUserId: 99, decision: 'confirmed', reason: 'Gone' })).toThrow(
    expect.objectContaining({ code: 'not_found' }),
  );
  expect(() => undoLink(cache.db, stores, { subjectUserId: 1, otherUserId: 3 })).toThrow(expect.objectContaining({ code: 'not_found' }));
  expect(register.db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(before);
  expect(register.db.prepare('SELECT count(*) FROM identity_links').pluck().get()).toBe(2);
});
