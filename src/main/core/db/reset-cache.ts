import { rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';

/** Every file SQLite may keep for one database. */
export function cacheFiles(dbPath: string): string[] {
  return [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}-journal`];
}

/**
 * Deletes the cache so the next sync rebuilds it. Only ever called on the user's explicit choice
 * (lost key, corrupt file): the cache is rebuildable, but the decision is theirs. The connection
 * must be closed first.
 */
export async function resetCache(dbPath: string): Promise<{ removed: string[] }> {
  const removed: string[] = [];
  for (const file of cacheFiles(dbPath)) {
    if (!existsSync(file)) continue;
    await rm(file, { force: true });
    removed.push(file);
  }
  return { removed };
}
