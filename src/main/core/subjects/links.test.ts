import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { appendAuditRow, listAuditEntries } from '../audit/audit-log';
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
  const auditKey = Buffer.alloc(32, 7);
  const db = register.db;
  stores = {
    workspaceId: 'ws_test000001',
    register: db,
    auditKey,
    audit: async (entry) => db.transaction(() => appendAuditRow(db, auditKey, entry)).immediate(),
  };
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

it('records each decision with an audit entry that names nobody, in one chain', async () => {
  const confirmed = await decideLink(cache.db, stores, {
    subjectUserId: 1,
    otherUserId: 2,
    decision: 'confirmed',
    reason: 'Called p1@example.test',
    by: 'Dana',
  });
  expect(confirmed.userIds).toEqual([1, 2]);
  await undoLink(cache.db, stores, { subjectUserId: 2, otherUserId: 1, by: 'Dana' });
  const rejected = await decideLink(cache.db, stores, {
    subjectUserId: 2,
    otherUserId: 1,
    decision: 'rejected',
    reason: 'Landline',
    by: 'Eve',
  });
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

it('refuses what a decision cannot mean, changing nothing', async () => {
  await decideLink(cache.db, stores, { subjectUserId: 1, otherUserId: 2, decision: 'confirmed', reason: 'Same person' });
  await decideLink(cache.db, stores, { subjectUserId: 2, otherUserId: 3, decision: 'confirmed', reason: 'Same person' });
  const before = register.db.prepare('SELECT count(*) FROM audit_log').pluck().get();
  // 1 and 3 are one person through 2: rejecting the pair would not separate them.
  await expect(decideLink(cache.db, stores, { subjectUserId: 1, otherUserId: 3, decision: 'rejected', reason: 'No' })).rejects.toThrow(
    expect.objectContaining({ code: 'conflict', details: { reason: 'linked_through_another_account' } }),
  );
  await expect(decideLink(cache.db, stores, { subjectUserId: 1, otherUserId: 1, decision: 'confirmed', reason: 'Self' })).rejects.toThrow(
    expect.objectContaining({ code: 'invalid_input' }),
  );
  await expect(decideLink(cache.db, stores, { subjectUserId: 1, otherUserId: 99, decision: 'confirmed', reason: 'Gone' })).rejects.toThrow(
    expect.objectContaining({ code: 'not_found' }),
  );
  await expect(undoLink(cache.db, stores, { subjectUserId: 1, otherUserId: 3 })).rejects.toThrow(
    expect.objectContaining({ code: 'not_found' }),
  );
  expect(register.db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(before);
  expect(register.db.prepare('SELECT count(*) FROM identity_links').pluck().get()).toBe(2);
});

it('a decision whose audit entry cannot be written does not stand', async () => {
  await decideLink(cache.db, stores, { subjectUserId: 1, otherUserId: 2, decision: 'rejected', reason: 'Landline' });
  const failing: LinkStores = { ...stores, audit: () => Promise.reject(new Error('the chain is unreachable')) };
  await expect(decideLink(cache.db, failing, { subjectUserId: 1, otherUserId: 2, decision: 'confirmed', reason: 'Same' })).rejects.toThrow(
    'unreachable',
  );
  await expect(undoLink(cache.db, failing, { subjectUserId: 1, otherUserId: 2 })).rejects.toThrow('unreachable');
  expect(register.db.prepare('SELECT decision, reason FROM identity_links').all()).toEqual([{ decision: 'rejected', reason: 'Landline' }]);
  await expect(
    decideLink(cache.db, failing, { subjectUserId: 1, otherUserId: 3, decision: 'confirmed', reason: 'Same' }),
  ).rejects.toThrow();
  expect(register.db.prepare('SELECT count(*) FROM identity_links').pluck().get()).toBe(1);
});
