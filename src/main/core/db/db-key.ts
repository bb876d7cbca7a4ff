import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { LetheError } from '../../../shared/errors';
import { registerSecret } from '../log/logger';
import { secretAccounts, type SecretStore } from '../secrets/secret-store';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/** A raw SQLCipher key is 32 bytes as 64 hex digits; anything else never reaches a PRAGMA. */
export function isValidDbKey(key: string): boolean {
  return HEX_KEY.test(key);
}

export function assertValidDbKey(key: string): void {
  if (!isValidDbKey(key)) {
    // The message never echoes the key: a malformed key is still a secret.
    throw new LetheError('db_key_invalid', 'The cache key is malformed (expected 32 bytes as hex).');
  }
}

/** True when `dbPath` holds (or may hold, through its WAL) data that only an existing key can read. */
export function cacheFileExists(dbPath: string): boolean {
  const size = (p: string): number => (existsSync(p) ? statSync(p).size : 0);
  return size(dbPath) > 0 || size(`${dbPath}-wal`) > 0;
}

/**
 * The workspace's database key, created on first use. A missing key for an existing cache is an
 * error, never a reason to make a new key: a new key would make the old file unreadable garbage
 * and hide the real problem (keychain reset, backend change). The UI offers reset-and-resync.
 */
export async function getOrCreateDbKey(secrets: SecretStore, workspaceId: string, dbPath: string): Promise<string> {
  const account = secretAccounts.dbKey(workspaceId);
  const stored = await secrets.get(account);
  if (stored !== null) {
    assertValidDbKey(stored);
    registerSecret(stored);
    return stored;
  }
  if (cacheFileExists(dbPath)) {
    throw new LetheError(
      'db_key_invalid',
      'The key of this workspace cache is missing from the keychain, so the cache cannot be read. ' +
        'Reset the cache and sync again; nothing was deleted.',
      { reason: 'key_missing' },
    );
  }
  const key = randomBytes(32).toString('hex');
  registerSecret(key);
  await secrets.set(account, key);
  return key;
}
