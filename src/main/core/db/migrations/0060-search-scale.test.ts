import { join } from 'node:path';
import { expect, it } from 'vitest';
import { phoneIdentitiesHolding } from '../../subjects/search';
import { openCache } from '../open-cache';
import { searchPeople } from '../search';
import { tempDirPerTest, TEST_KEY } from '../testing/fixtures';
import { MIGRATIONS } from './index';

const tmp = tempDirPerTest();

it('0060 rebuilds the people indexes and indexes the phone digits a version-50 cache already holds, then keeps them in step', () => {
  const path = join(tmp.dir, 'c.db');
  const v50 = openCache({ path, key: TEST_KEY, migrations: MIGRATIONS.filter((m) => m.version <= 50) });
  v50.db.exec(`
    INSERT INTO users (id, name, email, phone) VALUES (1, 'Zoë Ångström', 'zoe.angstrom@example.test', '+46 8 123 456');
    INSERT INTO users (id, name, email) VALUES (2, 'Bob Builder', 'bob@example.test');
    INSERT INTO identities (id, user_id, type, value, value_normalized)
      VALUES (10, 1, 'phone_number', '+46 8 123 456', '468123456'),
             (11, 2, 'email', 'Robert.Alt@Elsewhere.test', 'robert.alt@elsewhere.test'),
             (12, 2, 'phone_number', '(030) 555-0199', '0305550199');
  `);
  v50.close();

  const cache = openCache({ path, key: TEST_KEY, migrations: MIGRATIONS.filter((m) => m.version <= 60) });
  expect(cache.schemaVersion).toBe(60);
  const db = cache.db;
  expect(searchPeople(db, 'angstr')).toEqual([1]);
  expect(searchPeople(db, 'robert.alt@elsewhere.test')).toEqual([2]);
  expect(searchPeople(db, 'example')).toEqual([1, 2]);
  expect(phoneIdentitiesHolding(db, '8123').map((r) => r.userId)).toEqual([1]);
  expect(phoneIdentitiesHolding(db, '5550199')).toEqual([{ userId: 2, value: '(030) 555-0199', normalized: '0305550199' }]);

  // Later writes: a new number, a changed number, an identity that stops being a phone, a cascade.
  db.exec(`
    INSERT INTO identities (id, user_id, type, value, value_normalized) VALUES (13, 1, 'phone_number', '+1 212 555 0199', '12125550199');
    UPDATE identities SET value = '+46 8 999 000', value_normalized = '468999000' WHERE id = 10;
  `);
  expect(phoneIdentitiesHolding(db, '5550199').map((r) => r.userId)).toEqual([2, 1]);
  expect(phoneIdentitiesHolding(db, '8123')).toEqual([]);
  expect(phoneIdentitiesHolding(db, '8999').map((r) => r.normalized)).toEqual(['468999000']);
  db.exec(`UPDATE identities SET type = 'email', value = 'x@y.test', value_normalized = 'x@y.test' WHERE id = 12`);
  expect(phoneIdentitiesHolding(db, '5550199').map((r) => r.userId)).toEqual([1]);
  db.exec('DELETE FROM users WHERE id = 1');
  expect(phoneIdentitiesHolding(db, '5550199')).toEqual([]);
  expect(db.prepare('SELECT count(*) FROM phone_digits').pluck().get()).toBe(0);
  for (const fts of ['users_fts', 'identities_fts', 'phone_digits'])
    expect(() => db.exec(`INSERT INTO ${fts}(${fts}, rank) VALUES ('integrity-check', 1)`)).not.toThrow();
  cache.close();
});
