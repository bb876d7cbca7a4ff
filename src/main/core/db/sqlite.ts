import Database from 'better-sqlite3-multiple-ciphers';

/** The connection type every db module takes: better-sqlite3's API with SQLCipher-compatible encryption. */
export type SqliteDb = Database.Database;
export type SqliteStatement = Database.Statement;
export { Database };

/** SQLite's own error class, with the extended result code in `code` (e.g. `SQLITE_NOTADB`). */
export function sqliteCode(error: unknown): string | undefined {
  if (error instanceof Database.SqliteError) return error.code;
  return undefined;
}

/**
 * One prepared statement per SQL text per connection. Preparing costs more than running a small
 * statement, and the write path runs the same handful of statements thousands of times per page.
 */
const cache = new WeakMap<SqliteDb, Map<string, SqliteStatement>>();

export function stmt(db: SqliteDb, sql: string): SqliteStatement {
  let perDb = cache.get(db);
  if (!perDb) {
    perDb = new Map();
    cache.set(db, perDb);
  }
  let statement = perDb.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    perDb.set(sql, statement);
  }
  return statement;
}
