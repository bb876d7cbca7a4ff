import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { LetheError } from '../../../shared/errors';
import type { Logger } from '../log/logger';
import { assertValidDbKey } from './db-key';
import { MIGRATIONS, type Migration } from './migrations';
import { assertNotFromFuture, latestVersion, runMigrations } from './migrations/runner';
import { Database, sqliteCode, type SqliteDb } from './sqlite';

/** SQLCipher v4's page size; an encrypted cache file is always a whole number of these. */
const PAGE_SIZE = 4096;
const PLAIN_SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export interface OpenCacheOptions {
  path: string;
  /** 64 hex digits (32 random bytes), from getOrCreateDbKey. */
  key: string;
  /** An Electron build of the addon (resolveNativeBinding); undefined = the Node build. */
  nativeBinding?: string;
  /** Readers never migrate and need an up-to-date schema; the single writer opens first. */
  readonly?: boolean;
  busyTimeoutMs?: number;
  log?: Logger;
  /** Tests only: run a different list. */
  migrations?: readonly Migration[];
  /**
   * BENCH/TEST ONLY, never in the app: open a plain SQLite file without encryption, so
   * bench/sync.ts can measure what encryption costs. `key` is still required and ignored.
   */
  unencryptedForBenchmarkOnly?: boolean;
}

export type CheckpointMode = 'PASSIVE' | 'FULL' | 'RESTART' | 'TRUNCATE';

export interface Cache {
  readonly db: SqliteDb;
  readonly path: string;
  readonly readonly: boolean;
  readonly schemaVersion: number;
  /** Folds the WAL back into the file; TRUNCATE after a big sync also shrinks the WAL to zero. */
  checkpoint(mode?: CheckpointMode): { busy: number; log: number; checkpointed: number };
  /** `PRAGMA optimize`, a TRUNCATE checkpoint, then close. Safe to call twice. */
  close(): void;
}

function keyInvalid(): LetheError {
  return new LetheError(
    'db_key_invalid',
    'The cache cannot be decrypted with the key in the keychain (wrong key, or the file is damaged). ' +
      'Reset the cache and sync again; nothing was deleted.',
    { reason: 'key_rejected' },
  );
}

function corrupt(reason: string): LetheError {
  return new LetheError(
    'db_corrupt',
    'The cache file is not a readable Lethe cache. Reset the cache and sync again; nothing was deleted.',
    { reason },
  );
}

function readHeader(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * An encrypted page looks like random bytes whether the key is wrong or the file is garbage, so
 * SQLite says SQLITE_NOTADB for both. Before blaming the key, rule out what we can see without it:
 * a plaintext SQLite file, or a size that no SQLCipher file can have.
 */
function sniffExistingFile(path: string): void {
  const size = statSync(path).size;
  if (size === 0) return;
  if (readHeader(path).equals(PLAIN_SQLITE_HEADER)) throw corrupt('unencrypted_sqlite');
  if (size % PAGE_SIZE !== 0) throw corrupt('not_a_database');
}

function classifyOpenError(error: unknown): LetheError {
  if (error instanceof LetheError) return error;
  switch (sqliteCode(error)) {
    case 'SQLITE_NOTADB':
      return keyInvalid();
    case 'SQLITE_CORRUPT':
    case 'SQLITE_CORRUPT_VTAB':
    case 'SQLITE_CORRUPT_SEQUENCE':
      return corrupt('corrupt');
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new LetheError('db_locked', 'The cache is in use by another Lethe process.');
    case 'SQLITE_CANTOPEN':
      return new LetheError('not_found', 'The cache file cannot be opened.');
    default:
      return new LetheError('internal_error', 'The cache could not be opened.', {
        sqlite: sqliteCode(error) ?? null,
      });
  }
}

function tightenPermissions(path: string): void {
  if (process.platform === 'win32') return;
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

/**
 * Opens (creating if needed) a workspace's encrypted cache and brings its schema up to date.
 * Errors are LetheErrors: db_key_invalid, db_corrupt, db_from_future (file left untouched),
 * db_locked, not_found (readonly open of a missing file).
 */
export function openCache(options: OpenCacheOptions): Cache {
  assertValidDbKey(options.key);
  const migrations = options.migrations ?? MIGRATIONS;
  const readonly = options.readonly ?? false;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const path = options.path;

  const plain = options.unencryptedForBenchmarkOnly === true;
  if (existsSync(path)) {
    if (!plain) sniffExistingFile(path);
  } else {
    if (readonly) throw new LetheError('not_found', 'There is no cache for this workspace yet.');
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Created here rather than by SQLite so it is 0600 from its first byte; SQLite gives the
    // -wal and -shm files the mode of the main file.
    closeSync(openSync(path, 'wx', 0o600));
  }

  let db: SqliteDb;
  try {
    db = new Database(path, {
      readonly,
      fileMustExist: true,
      timeout: busyTimeoutMs,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (error) {
    throw classifyOpenError(error);
  }

  try {
    // The cipher settings and the key must precede every other statement on the connection.
    if (!plain) {
      db.pragma(`cipher = 'sqlcipher'`);
      db.pragma('legacy = 4');
      // Raw key (x'..'): no passphrase KDF, the key is already 256 random bits. Hex was validated above.
      db.pragma(`key = "x'${options.key}'"`);
    }
    // A wrong key only shows at the first read.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    // Before anything writes (journal mode, migrations), so a newer file stays byte-identical.
    assertNotFromFuture(db, migrations);

    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    db.pragma('foreign_keys = ON');
    db.pragma('temp_store = MEMORY');
    // 64 MiB of decrypted pages: a page that falls out of the cache costs an AES + HMAC to read
    // back, and the by-user participant index is written at random places on every ticket page.
    db.pragma('cache_size = -65536');
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL, not FULL: in WAL mode NORMAL never corrupts the file and survives a process crash
      // (the crash test kills the writer); only an OS crash or power cut can drop the last few
      // commits. Each page is committed together with its cursor, so such a loss rolls data and
      // cursor back together and the next sync simply refetches those pages. For a rebuildable
      // cache that is worth skipping an fsync per page. Anything that is not a cache (journal,
      // audit log) must use FULL.
      db.pragma('synchronous = NORMAL');
      // Encrypted checkpoints are expensive: every page copied from the WAL is decrypted and
      // re-encrypted (HMAC-SHA512 dominates a sync's CPU profile). With the default 1000 pages a
      // 1,000-ticket page triggers a checkpoint on every commit; at 10,000 pages (~40 MB of WAL)
      // a page rewritten by several commits is copied once. Measured: ~1.5x faster ticket pages.
      // The sync engine runs a TRUNCATE checkpoint after each sync run, and close() does too.
      db.pragma('wal_autocheckpoint = 10000');
      runMigrations(db, migrations, options.log);
    } else {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== latestVersion(migrations)) {
        throw new LetheError('db_locked', 'The cache is being upgraded; open it for writing first.', {
          fileVersion: version,
        });
      }
    }
    if (!readonly) tightenPermissions(path);
  } catch (error) {
    db.close();
    throw classifyOpenError(error);
  }

  const schemaVersion = db.pragma('user_version', { simple: true }) as number;
  return {
    db,
    path,
    readonly,
    schemaVersion,
    checkpoint(mode: CheckpointMode = 'TRUNCATE') {
      const row = db.pragma(`wal_checkpoint(${mode})`) as Array<{ busy: number; log: number; checkpointed: number }>;
      return row[0] ?? { busy: 0, log: 0, checkpointed: 0 };
    },
    close() {
      if (!db.open) return;
      if (!readonly) {
        try {
          db.pragma('optimize');
          db.pragma('wal_checkpoint(TRUNCATE)');
        } catch (error) {
          // Closing must not fail because a reader holds the WAL; the next open checkpoints.
          options.log?.warn('checkpoint on close failed', { sqlite: sqliteCode(error) ?? null });
        }
      }
      db.close();
    },
  };
}
