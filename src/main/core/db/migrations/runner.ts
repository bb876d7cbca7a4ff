import { LetheError } from '../../../../shared/errors';
import type { Logger } from '../../log/logger';
import type { SqliteDb } from '../sqlite';
import type { Migration } from './types';

/** A cache written by a newer Lethe. It is refused and kept as is: the newer app can still read it. */
export class DbFromFutureError extends LetheError {
  constructor(
    readonly fileVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      'db_from_future',
      `This cache was written by a newer version of Lethe (schema ${fileVersion}, this version knows up to ${knownVersion}). ` +
        'Update Lethe, or reset the cache to sync it again with this version.',
      { fileVersion, knownVersion },
    );
    this.name = 'DbFromFutureError';
  }
}

/** Programmer errors in the list itself; thrown before any migration touches a file. */
export function checkMigrationList(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= 0 || m.version % 10 !== 0) {
      throw new Error(`Migration ${m.name}: version ${m.version} must be a positive multiple of 10`);
    }
    if (m.version <= previous) {
      throw new Error(`Migration ${m.name}: version ${m.version} is not greater than ${previous}`);
    }
    previous = m.version;
  }
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.at(-1)?.version ?? 0;
}

export function readSchemaVersion(db: SqliteDb): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Throws DbFromFutureError when the file is newer than `migrations` knows; reads only. */
export function assertNotFromFuture(db: SqliteDb, migrations: readonly Migration[]): number {
  const current = readSchemaVersion(db);
  const known = latestVersion(migrations);
  if (current > known) throw new DbFromFutureError(current, known);
  return current;
}

export interface MigrationOutcome {
  from: number;
  to: number;
  applied: number[];
}

/**
 * Brings the schema to the newest version, one transaction per version that also sets
 * `user_version`, so a failure leaves the file at the last complete version. Only one connection
 * may migrate (the writer); readers open afterwards.
 */
export function runMigrations(db: SqliteDb, migrations: readonly Migration[], log?: Logger): MigrationOutcome {
  checkMigrationList(migrations);
  const from = assertNotFromFuture(db, migrations);
  if (from !== 0 && !migrations.some((m) => m.version === from)) {
    // A version we never shipped (a branch build, a hand edit): applying later steps on top of an
    // unknown shape would corrupt it, so treat it as a damaged cache.
    throw new LetheError('db_corrupt', `The cache has an unknown schema version (${from}).`, { fileVersion: from });
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= from) continue;
    const step = db.transaction(() => {
      m.up(db);
      // PRAGMA takes no bound parameters; the version is a checked integer.
      db.pragma(`user_version = ${m.version}`);
    });
    try {
      step.immediate();
    } catch (error) {
      log?.error(`migration ${m.version} (${m.name}) failed; schema stays at ${readSchemaVersion(db)}`, error);
      throw error;
    }
    log?.info(`migrated cache schema to ${m.version} (${m.name})`);
    applied.push(m.version);
  }
  return { from, to: readSchemaVersion(db), applied };
}
