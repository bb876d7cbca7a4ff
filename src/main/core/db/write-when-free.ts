import { setTimeout as sleep } from 'node:timers/promises';
import { LetheError } from '../../../shared/errors';
import { sqliteCode, type SqliteDb } from './sqlite';

export interface WriteWhenFreeOptions {
  /** Give up with db_locked after this long (default 30 s). */
  timeoutMs?: number;
  /** Between two attempts (default 20 ms). */
  retryMs?: number;
}

/**
 * Runs `write` in an IMMEDIATE transaction without ever blocking the event loop for the lock.
 * The connection's busy timeout makes SQLite sleep inside the call while another connection (the
 * sync worker, whose transactions stay open up to about a second) holds the write lock, which on
 * the thread that serves the UI is a frozen window. Here the attempt is made with no busy timeout
 * and a busy database is retried after a timer; the connection's own timeout is restored before
 * anything else can run on it.
 */
export async function writeWhenFree<T>(db: SqliteDb, write: () => T, options: WriteWhenFreeOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const retryMs = options.retryMs ?? 20;
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  for (;;) {
    db.pragma('busy_timeout = 0');
    try {
      return db.transaction(write).immediate();
    } catch (error) {
      if (sqliteCode(error) !== 'SQLITE_BUSY') throw error;
    } finally {
      db.pragma(`busy_timeout = ${busyTimeout}`);
    }
    if (Date.now() >= deadline) throw new LetheError('db_locked', 'The cache stayed busy with another writer; try again.');
    await sleep(retryMs);
  }
}
