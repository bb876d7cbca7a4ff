import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openCache } from '../../db/open-cache';
import { tempDir, TEST_KEY } from '../../db/testing/fixtures';
import { REGISTER_MIGRATIONS } from './index';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

it('0040 adds former identities to a version-30 register, keeping its identity links', () => {
  const tmp = tempDir();
  cleanups.push(tmp.cleanup);
  const path = join(tmp.dir, 'register.db');
  const v30 = openCache({ path, key: TEST_KEY, migrations: REGISTER_MIGRATIONS.filter((m) => m.version <= 30) });
  v30.db
    .prepare(
      `INSERT INTO identity_links (user_id, linked_user_id, decision, reason, decided_by, decided_at) VALUES (3, 5, 'confirmed', 'r', 'dana', 't')`,
    )
    .run();
  v30.close();

  const store = openCache({ path, key: TEST_KEY, migrations: REGISTER_MIGRATIONS.filter((m) => m.version <= 40) });
  expect(store.schemaVersion).toBe(40);
  expect(store.db.prepare('SELECT count(*) FROM identity_links').pluck().get()).toBe(1);
  const insert = store.db.prepare(
    `INSERT INTO former_identities (user_id, type, value, replaced_at, replaced_by) VALUES (7, ?, 'old@example.org', 't', 'dana')`,
  );
  insert.run('email');
  expect(() => insert.run('email')).toThrow(/UNIQUE|PRIMARY/);
  expect(() => insert.run('name')).toThrow(/CHECK/);
  store.close();
});
