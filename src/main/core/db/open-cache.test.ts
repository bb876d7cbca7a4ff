import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LetheError } from '../../../shared/errors';
import { MemorySecretStore, secretAccounts } from '../secrets/secret-store';
import { Database } from './sqlite';
import { getOrCreateDbKey } from './db-key';
import { MIGRATIONS } from './migrations';
import { ELECTRON_BINDING_RELATIVE, resolveNativeBinding, sqlitePackageDir } from './native-binding';
import { openCache } from './open-cache';
import { resetCache } from './reset-cache';
import { applyTicketEventsPage, applyUsersPage } from './write-api';
import { countRows } from './read-api';
import { makeComment, makeIdentity, makeUser, OTHER_KEY, tempDir, TEST_KEY } from './testing/fixtures';

let tmp: ReturnType<typeof tempDir>;
let dbPath: string;
beforeEach(() => {
  tmp = tempDir();
  dbPath = join(tmp.dir, 'ws', 'cache.db');
});
afterEach(() => tmp.cleanup());

function errorOf(fn: () => unknown): LetheError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LetheError) return error;
    throw error;
  }
  throw new Error('expected a LetheError');
}

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function seed(path: string, key = TEST_KEY): void {
  const cache = openCache({ path, key });
  applyUsersPage(cache.db, [makeUser(1)], undefined, { cursor: 'c1' });
  cache.close();
}

describe('openCache', () => {
  it('creates a new encrypted cache at the newest schema and reopens it with the same key', () => {
    const cache = openCache({ path: dbPath, key: TEST_KEY });
    expect(cache.schemaVersion).toBe(MIGRATIONS.at(-1)?.version);
    expect(cache.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(cache.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(cache.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(cache.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    applyUsersPage(cache.db, [makeUser(7)], undefined, { cursor: 'x' });
    cache.close();
    cache.close(); // idempotent

    const again = openCache({ path: dbPath, key: TEST_KEY.toUpperCase() });
    expect(countRows(again.db).users).toBe(1);
    again.close();
  });

  it('refuses a wrong key with db_key_invalid and leaves the file alone', () => {
    seed(dbPath);
    const before = sha256(dbPath);
    const error = errorOf(() => openCache({ path: dbPath, key: OTHER_KEY }));
    expect(error.code).toBe('db_key_invalid');
    expect(error.message).not.toContain(OTHER_KEY);
    expect(sha256(dbPath)).toBe(before);
  });

  it('refuses a malformed key before touching SQLite', () => {
    for (const key of ['', 'abc', `${'0'.repeat(63)}g`, `${TEST_KEY}00`, `x'${TEST_KEY}'`, `${'0'.repeat(60)}'; --`]) {
      const error = errorOf(() => openCache({ path: dbPath, key }));
      expect(error.code).toBe('db_key_invalid');
    }
    expect(existsSync(dbPath)).toBe(false);
  });

  it('calls a file that is not a database db_corrupt', () => {
    mkdirSync(join(tmp.dir, 'ws'));
    writeFileSync(dbPath, 'this is a shopping list, not a database\n'.repeat(50));
    const before = sha256(dbPath);
    expect(errorOf(() => openCache({ path: dbPath, key: TEST_KEY })).code).toBe('db_corrupt');
    expect(sha256(dbPath)).toBe(before);
  });

  it('calls an unencrypted SQLite file db_corrupt rather than a key problem', () => {
    mkdirSync(join(tmp.dir, 'ws'));
    const plain = new Database(dbPath);
    plain.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    plain.close();
    const error = errorOf(() => openCache({ path: dbPath, key: TEST_KEY }));
    expect(error.code).toBe('db_corrupt');
    expect(error.details?.reason).toBe('unencrypted_sqlite');
  });

  it('refuses a cache from a newer schema version and leaves it byte-identical', () => {
    seed(dbPath);
    const future = openCache({
      path: dbPath,
      key: TEST_KEY,
      migrations: [...MIGRATIONS, { version: 9990, name: 'future', up: (db) => db.exec('CREATE TABLE later (x)') }],
    });
    future.close();
    const before = sha256(dbPath);
    const error = errorOf(() => openCache({ path: dbPath, key: TEST_KEY }));
    expect(error.code).toBe('db_from_future');
    expect(error.name).toBe('DbFromFutureError');
    expect(error.details).toEqual({ fileVersion: 9990, knownVersion: MIGRATIONS.at(-1)?.version });
    expect(existsSync(dbPath)).toBe(true);
    expect(sha256(dbPath)).toBe(before);
    // and it still opens with the newer code
    const newer = openCache({
      path: dbPath,
      key: TEST_KEY,
      migrations: [...MIGRATIONS, { version: 9990, name: 'future', up: () => undefined }],
    });
    expect(countRows(newer.db).users).toBe(1);
    newer.close();
  });

  it.skipIf(process.platform === 'win32')('creates the file, -wal and -shm with mode 0600', () => {
    const cache = openCache({ path: dbPath, key: TEST_KEY });
    applyUsersPage(cache.db, [makeUser(1)], undefined, {});
    for (const suffix of ['', '-wal', '-shm']) {
      expect(existsSync(dbPath + suffix)).toBe(true);
      expect((statSync(dbPath + suffix).mode & 0o777).toString(8)).toBe('600');
    }
    cache.close();
  });

  it('writes no plaintext: no SQLite header and none of the personal data in db or wal', () => {
    const cache = openCache({ path: dbPath, key: TEST_KEY });
    const secrets = ['Zebediah Quarterfield', 'zebediah.q@plaintext-probe.test', '+44 7700 900123', 'Marmalade-Passphrase-Ostrich'];
    applyUsersPage(
      cache.db,
      [makeUser(1, { name: secrets[0], email: secrets[1], phone: secrets[2] })],
      [makeIdentity(10, 1, 'email', secrets[1] ?? ''), makeIdentity(11, 1, 'phone_number', secrets[2] ?? '')],
      { cursor: 'plaintext-cursor-probe' },
    );
    applyTicketEventsPage(cache.db, [makeComment(5, 9, 1, `My secret is ${secrets[3]}`)], {});
    // Look at the WAL while it still holds the pages, then at the file after the final checkpoint.
    const wal = readFileSync(`${dbPath}-wal`);
    expect(wal.length).toBeGreaterThan(0);
    cache.close();
    const main = readFileSync(dbPath);
    const walAfter = existsSync(`${dbPath}-wal`) ? readFileSync(`${dbPath}-wal`) : Buffer.alloc(0);
    for (const bytes of [wal, main, walAfter]) {
      expect(bytes.includes('SQLite format 3')).toBe(false);
      for (const s of [...secrets, 'zebediah', 'plaintext-probe', 'plaintext-cursor-probe', 'CREATE TABLE']) {
        expect(bytes.includes(Buffer.from(s, 'utf8'))).toBe(false);
      }
    }
  });

  it('opens readonly only when the cache exists and is migrated', () => {
    expect(errorOf(() => openCache({ path: dbPath, key: TEST_KEY, readonly: true })).code).toBe('not_found');
    seed(dbPath);
    const reader = openCache({ path: dbPath, key: TEST_KEY, readonly: true });
    expect(countRows(reader.db).users).toBe(1);
    expect(() => reader.db.exec('DELETE FROM users')).toThrow();
    reader.close();
  });

  it('truncates the WAL on close', () => {
    const cache = openCache({ path: dbPath, key: TEST_KEY });
    applyUsersPage(cache.db, [makeUser(1)], undefined, {});
    expect(statSync(`${dbPath}-wal`).size).toBeGreaterThan(0);
    cache.checkpoint('TRUNCATE');
    expect(statSync(`${dbPath}-wal`).size).toBe(0);
    cache.close();
  });
});

describe('getOrCreateDbKey', () => {
  it('creates 32 random bytes once and returns the same key afterwards', async () => {
    const secrets = new MemorySecretStore();
    const key = await getOrCreateDbKey(secrets, 'ws1', dbPath);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await secrets.get(secretAccounts.dbKey('ws1'))).toBe(key);
    expect(await getOrCreateDbKey(secrets, 'ws1', dbPath)).toBe(key);
    expect(await getOrCreateDbKey(secrets, 'ws2', join(tmp.dir, 'other.db'))).not.toBe(key);
  });

  it('refuses to invent a key for an existing cache and deletes nothing', async () => {
    const secrets = new MemorySecretStore();
    const key = await getOrCreateDbKey(secrets, 'ws1', dbPath);
    seed(dbPath, key);
    await secrets.delete(secretAccounts.dbKey('ws1'));
    const before = sha256(dbPath);
    await expect(getOrCreateDbKey(secrets, 'ws1', dbPath)).rejects.toMatchObject({ code: 'db_key_invalid' });
    expect(await secrets.get(secretAccounts.dbKey('ws1'))).toBeNull();
    expect(sha256(dbPath)).toBe(before);
    // the original key still opens it
    openCache({ path: dbPath, key }).close();
  });

  it('rejects a malformed stored key', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set(secretAccounts.dbKey('ws1'), 'not-hex-at-all');
    await expect(getOrCreateDbKey(secrets, 'ws1', dbPath)).rejects.toMatchObject({ code: 'db_key_invalid' });
  });
});

describe('resetCache', () => {
  it('deletes the database, -wal and -shm so a new cache can be made', async () => {
    const cache = openCache({ path: dbPath, key: TEST_KEY });
    applyUsersPage(cache.db, [makeUser(1)], undefined, {});
    // A crashed process leaves -wal and -shm behind; make sure both exist.
    cache.db.close();
    writeFileSync(`${dbPath}-wal`, 'leftover');
    writeFileSync(`${dbPath}-shm`, 'leftover');
    const { removed } = await resetCache(dbPath);
    expect(removed.sort()).toEqual([dbPath, `${dbPath}-shm`, `${dbPath}-wal`].sort());
    for (const suffix of ['', '-wal', '-shm']) expect(existsSync(dbPath + suffix)).toBe(false);
    const fresh = openCache({ path: dbPath, key: OTHER_KEY });
    expect(countRows(fresh.db).users).toBe(0);
    fresh.close();
  });
});

describe('resolveNativeBinding', () => {
  it('uses the Node build outside Electron', () => {
    expect(resolveNativeBinding({ electron: false })).toBeUndefined();
  });

  it('finds an Electron build beside the Node build, and only when it exists', () => {
    const pkg = join(tmp.dir, 'pkg');
    expect(resolveNativeBinding({ electron: true, packageDir: pkg })).toBeUndefined();
    mkdirSync(join(pkg, 'build-electron', 'Release'), { recursive: true });
    writeFileSync(join(pkg, ELECTRON_BINDING_RELATIVE), '');
    expect(resolveNativeBinding({ electron: true, packageDir: pkg })).toBe(join(pkg, ELECTRON_BINDING_RELATIVE));
  });

  it('passes nativeBinding through to the driver', () => {
    const nodeBuild = join(sqlitePackageDir(), 'build', 'Release', 'better_sqlite3.node');
    openCache({ path: dbPath, key: TEST_KEY, nativeBinding: nodeBuild }).close();
    const error = errorOf(() => openCache({ path: join(tmp.dir, 'b.db'), key: TEST_KEY, nativeBinding: join(tmp.dir, 'missing.node') }));
    expect(error.code).toBe('internal_error');
  });
});
