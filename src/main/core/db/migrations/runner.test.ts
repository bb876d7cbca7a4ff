import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../log/logger';
import { Database, type SqliteDb } from '../sqlite';
import { tempDir, TEST_KEY } from '../testing/fixtures';
import { openCache } from '../open-cache';
import { checkMigrationList, DbFromFutureError, readSchemaVersion, runMigrations } from './runner';
import { MIGRATIONS } from './index';
import type { Migration } from './types';

let tmp: ReturnType<typeof tempDir>;
let db: SqliteDb;
beforeEach(() => {
  tmp = tempDir();
  // The runner does not care about encryption; the keyed path is covered through openCache below.
  db = new Database(join(tmp.dir, 'runner.db'));
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

const tableNames = (d: SqliteDb): string[] =>
  d.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[];

function recording(version: number, log: number[], body?: (d: SqliteDb) => void): Migration {
  return {
    version,
    name: `m${version}`,
    up(d) {
      log.push(version);
      d.exec(`CREATE TABLE t${version} (x)`);
      body?.(d);
    },
  };
}

describe('migration list', () => {
  it('is well formed and ends at the version openCache reports', () => {
    expect(() => checkMigrationList(MIGRATIONS)).not.toThrow();
    expect(MIGRATIONS.map((m) => m.version)).toEqual([10, 20, 30, 40, 50, 60, 70, 80]);
  });

  it('rejects versions out of order, repeated, or not in steps of 10', () => {
    const m = (version: number): Migration => ({ version, name: `m${version}`, up: () => undefined });
    expect(() => checkMigrationList([m(10), m(30), m(20)])).toThrow(/not greater/);
    expect(() => checkMigrationList([m(10), m(10)])).toThrow(/not greater/);
    expect(() => checkMigrationList([m(15)])).toThrow(/multiple of 10/);
    expect(() => checkMigrationList([m(0)])).toThrow(/multiple of 10/);
    // and nothing ran
    expect(() => runMigrations(db, [m(20), m(10)])).toThrow();
    expect(readSchemaVersion(db)).toBe(0);
  });
});

describe('runMigrations', () => {
  it('applies pending versions in order, each setting user_version, and only once', () => {
    const log: number[] = [];
    const list = [recording(10, log), recording(20, log), recording(30, log)];
    expect(runMigrations(db, list.slice(0, 1))).toEqual({ from: 0, to: 10, applied: [10] });
    expect(runMigrations(db, list)).toEqual({ from: 10, to: 30, applied: [20, 30] });
    expect(runMigrations(db, list)).toEqual({ from: 30, to: 30, applied: [] });
    expect(log).toEqual([10, 20, 30]);
    expect(tableNames(db)).toEqual(['t10', 't20', 't30']);
  });

  it('refuses a database from the future without changing it', () => {
    db.pragma('user_version = 40');
    const log: number[] = [];
    expect(() => runMigrations(db, [recording(10, log), recording(20, log)])).toThrow(DbFromFutureError);
    expect(log).toEqual([]);
    expect(readSchemaVersion(db)).toBe(40);
  });

  it('refuses an unknown in-between version as a damaged cache', () => {
    db.pragma('user_version = 15');
    expect(() => runMigrations(db, [recording(10, []), recording(20, [])])).toThrow(expect.objectContaining({ code: 'db_corrupt' }));
  });

  it('rolls a failing migration back completely and keeps the previous version', () => {
    const log: number[] = [];
    const logger = createMemoryLogger();
    const list = [
      recording(10, log),
      recording(20, log, (d) => {
        d.exec('INSERT INTO t10 VALUES (1)');
        throw new Error('boom');
      }),
      recording(30, log),
    ];
    expect(() => runMigrations(db, list, logger)).toThrow('boom');
    expect(readSchemaVersion(db)).toBe(10);
    expect(tableNames(db)).toEqual(['t10']);
    expect(db.prepare('SELECT count(*) FROM t10').pluck().get()).toBe(0);
    expect(log).toEqual([10, 20]);
    expect(logger.lines.some((l) => l.includes('migration 20'))).toBe(true);
  });

  it('through openCache: a failed migration leaves an encrypted file that opens at the last good version', () => {
    const path = join(tmp.dir, 'enc.db');
    const last = MIGRATIONS.at(-1)?.version ?? 0;
    const broken: Migration = {
      version: last + 10,
      name: 'broken',
      up: () => {
        throw new Error('nope');
      },
    };
    expect(() => openCache({ path, key: TEST_KEY, migrations: [...MIGRATIONS, broken] })).toThrow();
    const cache = openCache({ path, key: TEST_KEY });
    expect(cache.schemaVersion).toBe(last);
    cache.close();
  });
});
