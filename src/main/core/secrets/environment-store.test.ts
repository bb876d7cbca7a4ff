import { describe, expect, it } from 'vitest';
import { EnvironmentSecretStore, environmentSecrets } from './environment-store';
import { MemorySecretStore, secretAccounts } from './secret-store';

const KEY = 'a'.repeat(64);

describe('EnvironmentSecretStore', () => {
  it('answers token and key from the environment and derives a distinct audit key', async () => {
    const store = new EnvironmentSecretStore({ apiToken: 'token-from-env-123', dbKey: KEY }, null);
    expect(await store.get(secretAccounts.apiToken('ws_aaaaaaaa'))).toBe('token-from-env-123');
    expect(await store.get(secretAccounts.dbKey('ws_aaaaaaaa'))).toBe(KEY);
    const audit = await store.get(secretAccounts.auditKey('ws_aaaaaaaa'));
    expect(audit).toMatch(/^[0-9a-f]{64}$/);
    expect(audit).not.toBe(KEY);
    // Setting the same value is a no-op; a different one is refused, not ignored.
    await store.set(secretAccounts.apiToken('ws_aaaaaaaa'), 'token-from-env-123');
    await expect(store.set(secretAccounts.apiToken('ws_aaaaaaaa'), 'other-token-456')).rejects.toMatchObject({ code: 'conflict' });
    expect(await store.delete(secretAccounts.dbKey('ws_aaaaaaaa'))).toBe(false);
  });

  it('falls through to the keychain for what the environment does not hold, and refuses without one', async () => {
    const fallback = new MemorySecretStore();
    const store = new EnvironmentSecretStore({ apiToken: 'token-from-env-123' }, fallback);
    await store.set(secretAccounts.dbKey('ws_aaaaaaaa'), KEY);
    expect(await fallback.get(secretAccounts.dbKey('ws_aaaaaaaa'))).toBe(KEY);
    const bare = new EnvironmentSecretStore({ apiToken: 'token-from-env-123' }, null);
    await expect(bare.set(secretAccounts.dbKey('ws_aaaaaaaa'), KEY)).rejects.toMatchObject({ code: 'keychain_unavailable' });
  });

  it('refuses a malformed LETHE_DB_KEY with a clear error that does not echo it', () => {
    expect(() => environmentSecrets({ LETHE_DB_KEY: 'not-hex-secret' })).toThrow(/64 hexadecimal digits/);
    try {
      environmentSecrets({ LETHE_DB_KEY: 'not-hex-secret' });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('not-hex-secret');
    }
    expect(environmentSecrets({ LETHE_API_TOKEN: 't0ken-value', LETHE_DB_KEY: KEY.toUpperCase() })).toEqual({
      apiToken: 't0ken-value',
      dbKey: KEY,
    });
  });
});
