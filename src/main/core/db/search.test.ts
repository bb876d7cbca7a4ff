import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCache, type Cache } from './open-cache';
import { ftsPrefixQuery, searchComments, searchPeople } from './search';
import { makeComment, makeIdentity, makeUser, tempDir, TEST_KEY } from './testing/fixtures';
import { applyTicketEventsPage, applyUsersPage } from './write-api';

let tmp: ReturnType<typeof tempDir>;
let cache: Cache;
beforeAll(() => {
  tmp = tempDir();
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  applyUsersPage(
    cache.db,
    [
      makeUser(1, { name: 'José Müller-Żółć', email: 'jose.mueller@beispiel.test', phone: '+49 30 1234567' }),
      makeUser(2, { name: 'Joséphine Durand', email: 'jd@exemple.test' }),
      makeUser(3, { name: 'Ólafur Þórsson', email: null }),
    ],
    [makeIdentity(30, 3, 'email', 'olafur@island.test'), makeIdentity(31, 3, 'phone_number', '+354 555 0199')],
    {},
  );
  applyTicketEventsPage(
    cache.db,
    [
      makeComment(100, 1, 2, 'Bitte löschen Sie alle Daten über mich, auch die Rechnungsadresse.'),
      makeComment(101, 2, 1, 'Contact me at olafur@island.test or +354 555 0199'),
    ],
    {},
  );
});
afterAll(() => {
  cache.close();
  tmp.cleanup();
});

describe('people search', () => {
  it('finds by name prefix, ignoring case and accents', () => {
    expect(searchPeople(cache.db, 'jose')).toEqual([1, 2]);
    expect(searchPeople(cache.db, 'JOSÉ mül')).toEqual([1]);
    expect(searchPeople(cache.db, 'muller')).toEqual([1]);
    // ó folds to o; ł is a letter of its own in Unicode (no decomposition), so it does not fold to l
    expect(searchPeople(cache.db, 'zoł')).toEqual([1]);
    expect(searchPeople(cache.db, 'zolc')).toEqual([]);
    expect(searchPeople(cache.db, 'olaf')).toEqual([3]);
  });

  it('finds by email and phone, on the user and on identities', () => {
    expect(searchPeople(cache.db, 'jose.mueller@beispiel.test')).toEqual([1]);
    expect(searchPeople(cache.db, 'beisp')).toEqual([1]);
    expect(searchPeople(cache.db, 'olafur@island.test')).toEqual([3]);
    expect(searchPeople(cache.db, '1234567')).toEqual([1]);
    expect(searchPeople(cache.db, '3545550199')).toEqual([3]); // the normalised identity value
  });

  it('returns nothing for text without words, and never raises a syntax error on operators', () => {
    expect(searchPeople(cache.db, '  -- ** ')).toEqual([]);
    expect(searchPeople(cache.db, 'NOT AND OR "(')).toEqual([]);
    expect(ftsPrefixQuery('a"b c')).toBe('"a"* "b"* "c"*');
  });
});

describe('comment search', () => {
  it('finds comment text by prefix and without accents', () => {
    expect(searchComments(cache.db, 'loschen')).toEqual([{ commentId: 100, ticketId: 1 }]);
    expect(searchComments(cache.db, 'rechnung')).toEqual([{ commentId: 100, ticketId: 1 }]);
    expect(searchComments(cache.db, 'island.test')).toEqual([{ commentId: 101, ticketId: 2 }]);
    expect(searchComments(cache.db, 'nothing-like-this')).toEqual([]);
  });
});
