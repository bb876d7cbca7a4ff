import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCache, type Cache } from '../db/open-cache';
import { makeIdentity, makeUser, tempDir, TEST_KEY } from '../db/testing/fixtures';
import { applyUsersPage } from '../db/write-api';
import { REGISTER_MIGRATIONS } from '../requests/migrations';
import { formerMatches } from './former-identities';
import { pendingOf, requestedAccountByEmail, resolvePerson, subjectByEmail } from './person';

let tmp: ReturnType<typeof tempDir>;
let cache: Cache;
let register: Cache;
const SWITCHBOARD = '+49 30 1234567';
beforeAll(() => {
  tmp = tempDir();
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  register = openCache({ path: join(tmp.dir, 'register.db'), key: TEST_KEY, migrations: REGISTER_MIGRATIONS });
  applyUsersPage(
    cache.db,
    [
      makeUser(1, { email: '  Jane.Doe+tag@Example.TEST ' }),
      // Same words, another address: a candidate of the full-text lookup that the comparison rejects.
      makeUser(2, { email: 'jane-doe+tag@example.test' }),
      makeUser(3, { email: 'jane.doe@example.test.org' }),
      makeUser(4, { email: 'zoë@exemple.test' }),
      // 10 and 11 share a landline; 12 is confirmed by nobody; 20-59 share a switchboard with 10.
      makeUser(10, { email: 'ann@example.test' }),
      makeUser(11, { email: 'bob@example.test' }),
      ...Array.from({ length: 40 }, (_, i) => makeUser(20 + i, { email: `staff${i}@corp.example.test` })),
    ],
    [
      makeIdentity(100, 10, 'email', 'ann@example.test'),
      makeIdentity(101, 10, 'phone_number', '+44 20 7946 0000'),
      makeIdentity(102, 11, 'phone_number', '+442079460000'),
      makeIdentity(103, 10, 'phone_number', SWITCHBOARD),
      ...Array.from({ length: 40 }, (_, i) => makeIdentity(200 + i, 20 + i, 'phone_number', SWITCHBOARD)),
    ],
    {},
  );
});
afterAll(() => {
  cache.close();
  register.close();
  tmp.cleanup();
});

describe('the account an e-mail names', () => {
  it('matches the profile address case- and space-insensitively, through the full-text index', () => {
    expect(requestedAccountByEmail(cache.db, 'jane.doe+tag@example.test')).toBe(1);
    expect(requestedAccountByEmail(cache.db, ' JANE.DOE+TAG@EXAMPLE.TEST')).toBe(1);
    expect(requestedAccountByEmail(cache.db, 'jane-doe+tag@example.test')).toBe(2);
    expect(requestedAccountByEmail(cache.db, 'doe@example.test')).toBeNull();
    expect(subjectByEmail(cache.db, register.db, 'doe@example.test').userIds).toEqual([]);
  });

  it('finds a non-ASCII address by a scan', () => {
    expect(requestedAccountByEmail(cache.db, 'zoë@exemple.test')).toBe(4);
  });
});

describe('who the person is', () => {
  it('accounts sharing a number are suggestions with their evidence, not the person', () => {
    const person = resolvePerson(cache.db, register.db, 10);
    expect(person.userIds).toEqual([10]);
    const landline = person.suggestions.find((s) => s.userId === 11)!;
    expect(landline).toMatchObject({ sharedBy: 2, decision: null });
    expect(landline.evidence).toEqual([
      { identityType: 'phone_number', value: '+44 20 7946 0000', withUserId: 10, sharedBy: 2, verified: true },
    ]);
    // The switchboard's forty accounts are suggested, each saying that 41 accounts hold the number.
    const switchboard = person.suggestions.filter((s) => s.userId >= 20);
    expect(switchboard).toHaveLength(40);
    for (const s of switchboard) expect(s.evidence[0]).toMatchObject({ identityType: 'phone_number', sharedBy: 41 });
    // The most specific evidence first.
    expect(person.suggestions[0]?.userId).toBe(11);
    expect(subjectByEmail(cache.db, register.db, 'ann@example.test')).toMatchObject({ userIds: [10] });
    expect(subjectByEmail(cache.db, register.db, 'ann@example.test').relatedAccounts).toHaveLength(41);
  });

  it('a confirmed link joins the accounts from both sides, transitively; a rejection is remembered', () => {
    const insert = register.db.prepare(
      `INSERT INTO identity_links (user_id, linked_user_id, decision, reason, decided_by, decided_at) VALUES (?, ?, ?, ?, 'dana', '2025-01-01T00:00:00Z')`,
    );
    insert.run(10, 11, 'confirmed', 'Second account, confirmed by phone');
    insert.run(11, 12, 'confirmed', 'Third account');
    insert.run(10, 20, 'rejected', 'Company switchboard');
    applyUsersPage(cache.db, [makeUser(12, { email: 'bob2@example.test' })], [], {});
    const fromBob = resolvePerson(cache.db, register.db, 11);
    expect(fromBob.userIds).toEqual([11, 10, 12]);
    expect(fromBob.why.get(10)).toMatchObject({ kind: 'confirmed', reason: 'Second account, confirmed by phone', withUserId: 11 });
    expect(fromBob.why.get(12)).toMatchObject({ kind: 'confirmed', withUserId: 11 });
    const fromAnn = resolvePerson(cache.db, register.db, 10);
    expect(fromAnn.userIds).toEqual([10, 11, 12]);
    expect(fromAnn.suggestions.find((s) => s.userId === 20)?.decision).toMatchObject({
      decision: 'rejected',
      reason: 'Company switchboard',
    });
    expect(pendingOf(fromAnn).map((s) => s.userId)).not.toContain(20);
    expect(pendingOf(fromAnn)).toHaveLength(39);
  });
});

describe('former addresses and numbers', () => {
  it('are the person’s, with whoever holds them today, and never join that account to the person', () => {
    applyUsersPage(
      cache.db,
      [makeUser(60, { email: 'cleo@example.test', phone: '+44 20 7946 0777' }), makeUser(61, { email: 'dan@example.test' })],
      [makeIdentity(600, 60, 'phone_number', '+44 20 7946 0777'), makeIdentity(610, 61, 'phone_number', '0044 20 7946 0555')],
      {},
    );
    const former = register.db.prepare(
      `INSERT INTO former_identities (user_id, type, value, replaced_at, replaced_by) VALUES (60, ?, ?, '2025-03-01T00:00:00.000Z', 'dana')`,
    );
    // Her old number is Dan's now; her old address nobody's; her current number again, written otherwise.
    former.run('phone_number', '+44 20 7946 0555');
    former.run('email', 'cleo.old@example.test');
    former.run('phone_number', '+44 (20) 7946-0777');
    const person = resolvePerson(cache.db, register.db, 60);
    expect(person.userIds).toEqual([60]);
    expect(person.suggestions.map((s) => s.userId)).not.toContain(61);
    expect(person.former.map((f) => [f.type, f.value, f.heldBy])).toEqual([
      ['phone_number', '+44 20 7946 0555', [61]],
      ['email', 'cleo.old@example.test', []],
    ]);
    // The plan's identities: the free former address, not the number Dan holds (kept apart, with its rule).
    const subject = subjectByEmail(cache.db, register.db, 'CLEO.OLD@example.test');
    expect(subject.userIds).toEqual([60]);
    expect(subject.emails).toContain('cleo.old@example.test');
    expect(subject.phones).toEqual(['+44 20 7946 0777']);
    expect(subject.heldFormers.map((f) => f.value)).toEqual(['+44 20 7946 0555']);
    // An address someone holds today names them, not its former holder.
    expect(subjectByEmail(cache.db, register.db, 'dan@example.test').userIds).toEqual([61]);
  });

  it('a former value someone else holds counts only in others’ comments from before the replacement', () => {
    const f = { userId: 60, type: 'phone_number' as const, value: '+1', replacedAt: '2025-03-01T00:00:00.000Z', replacedBy: 'dana' };
    expect(formerMatches({ ...f, heldBy: [] }, { authorId: 61, createdAt: '2026-01-01T00:00:00Z' })).toBe(true);
    const held = { ...f, heldBy: [61] };
    expect(formerMatches(held, { authorId: 70, createdAt: '2025-02-28T23:59:59Z' })).toBe(true);
    expect(formerMatches(held, { authorId: 61, createdAt: '2025-02-28T23:59:59Z' })).toBe(false);
    expect(formerMatches(held, { authorId: 70, createdAt: '2025-03-01T00:00:01Z' })).toBe(false);
    expect(formerMatches(held, { authorId: 70, createdAt: null })).toBe(false);
  });
});
