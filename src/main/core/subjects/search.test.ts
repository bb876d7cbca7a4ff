import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openCache, type Cache } from '../db/open-cache';
import { makeIdentity, makeUser, tempDir, TEST_KEY } from '../db/testing/fixtures';
import { applyUsersPage } from '../db/write-api';
import { REGISTER_MIGRATIONS } from '../requests/migrations';
import { phoneIdentitiesHolding, searchSubjects } from './search';

/**
 * Phone numbers are matched through the trigram index of their digits (cache schema 60). It must
 * give what the scan it replaced gave: every phone identity whose digits hold the needle, in id
 * order, the first 500. Checked against that scan over numbers built to collide.
 */

let tmp: ReturnType<typeof tempDir>;
let cache: Cache;
// In id order, as phoneIdentitiesHolding promises: without ORDER BY, SQLite may walk a covering index instead.
const SCAN = `SELECT user_id AS userId, value, value_normalized AS normalized FROM identities
               WHERE type = 'phone_number' AND instr(value_normalized, ?) > 0 ORDER BY id LIMIT ?`;

beforeAll(() => {
  tmp = tempDir();
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  // 2,400 numbers (and 600 addresses) from a small alphabet, so short needles hit hundreds of them, some more than 500.
  let seed = 7;
  const digit = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return '11112223'[(seed >>> 16) % 8]!;
  };
  const users = Array.from({ length: 400 }, (_, k) => makeUser(k + 1, { email: `p${k + 1}@example.test` }));
  const identities = Array.from({ length: 3000 }, (_, k) => {
    const digits = Array.from({ length: 8 + (k % 10) }, digit).join('');
    const shown =
      k % 3 === 0 ? `+${digits.slice(0, 2)} ${digits.slice(2)}` : k % 3 === 1 ? `(${digits.slice(0, 3)}) ${digits.slice(3)}` : digits;
    return makeIdentity(1000 + k, (k % 400) + 1, k % 5 === 4 ? 'email' : 'phone_number', k % 5 === 4 ? `e${k}@example.test` : shown);
  });
  applyUsersPage(cache.db, users, identities, {});
});
afterAll(() => {
  cache.close();
  tmp.cleanup();
});

it('the index returns what a scan of every phone identity returns, in the same order, up to the limit', () => {
  const needles = ['1111', '1223', '2231', '3322', '12231', '223112', '2121212', '11223321', '111111', '9999', '0000'];
  let overLimit = 0;
  for (const needle of needles) {
    for (const limit of [500, 20]) {
      const scanned = cache.db.prepare(SCAN).all(needle, limit);
      expect(phoneIdentitiesHolding(cache.db, needle, limit), `${needle} limit ${limit}`).toEqual(scanned);
      if (limit === 500 && scanned.length === 500) overLimit++;
    }
  }
  expect(overLimit).toBeGreaterThan(0);
  expect(() => phoneIdentitiesHolding(cache.db, '12"3')).toThrow(/digits/);
});

it('search finds a number by any run of its digits, typed in any shape', () => {
  const register = openCache({ path: join(tmp.dir, 'register.db'), key: TEST_KEY, migrations: REGISTER_MIGRATIONS });
  try {
    applyUsersPage(cache.db, [makeUser(900, { name: 'Nine Hundred' })], [makeIdentity(9000, 900, 'phone_number', '+49 30 8765 4329')], {});
    for (const [typed, match] of [
      ['876 543', 'contains'],
      ['(0)30 8765-43', 'contains'],
      ['+49 30 87', 'prefix'],
      ['0049 30 8765 4329', 'exact'],
    ] as const) {
      const { results } = searchSubjects(cache.db, register.db, typed, 50);
      expect(
        results.map((r) => r.userId),
        typed,
      ).toEqual([900]);
      expect(results[0]?.reasons[0], typed).toEqual({ field: 'phone', match, value: '+49 30 8765 4329', ticketId: null });
    }
    // A run many numbers hold: every holder the scan finds is a result (beside the full-text "words" hits).
    const { results } = searchSubjects(cache.db, register.db, '12 23', 500);
    const holders = new Set((cache.db.prepare(SCAN).all('1223', 500) as Array<{ userId: number }>).map((r) => r.userId));
    expect(holders.size).toBeGreaterThan(10);
    expect(new Set(results.filter((r) => r.reasons.some((x) => x.field === 'phone' && x.match !== 'words')).map((r) => r.userId))).toEqual(
      holders,
    );
  } finally {
    register.close();
  }
});

it('the tickets count of a result follows every write, by this connection or another', () => {
  const register = openCache({ path: join(tmp.dir, 'register.db'), key: TEST_KEY, migrations: REGISTER_MIGRATIONS });
  const other = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  try {
    applyUsersPage(cache.db, [makeUser(901, { name: 'Countable Person' })], [], {});
    const tickets = () => searchSubjects(cache.db, register.db, 'Countable', 5).results.find((r) => r.userId === 901)?.tickets;
    expect(tickets()).toBe(0);
    cache.db.prepare(`INSERT INTO participants (ticket_id, user_id, role) VALUES (1, 901, 'requester'), (1, 901, 'cc')`).run();
    expect(tickets()).toBe(1);
    other.db.prepare(`INSERT INTO participants (ticket_id, user_id, role) VALUES (2, 901, 'requester')`).run();
    expect(tickets()).toBe(2);
    other.db.prepare('DELETE FROM participants WHERE user_id = 901').run();
    expect(tickets()).toBe(0);
  } finally {
    other.close();
    register.close();
  }
});
