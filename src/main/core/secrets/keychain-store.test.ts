import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeychainSecretStore } from './keychain-store';
import { secretAccounts } from './secret-store';

// A real Secret Service (CI runs gnome-keyring in a throw-away D-Bus session): a keychain that is
// not there must fail this test, not skip it.
describe('KeychainSecretStore against the real OS keychain', () => {
  const store = new KeychainSecretStore(`lethe-test-${process.pid}-${randomBytes(4).toString('hex')}`);

  it('probes as available', async () => {
    expect(await store.probe()).toBe(true);
  });

  it('round-trips, overwrites and deletes a secret', async () => {
    const account = secretAccounts.apiToken('ws_roundtrip01');
    const secret = randomBytes(24).toString('base64url');
    expect(await store.get(account)).toBeNull();
    await store.set(account, secret);
    expect(await store.get(account)).toBe(secret);
    await store.set(account, `${secret}-2`);
    expect(await store.get(account)).toBe(`${secret}-2`);
    expect(await store.delete(account)).toBe(true);
    expect(await store.get(account)).toBeNull();
    expect(await store.delete(account)).toBe(false);
  });

  it('keeps accounts of different workspaces apart', async () => {
    const a = secretAccounts.dbKey('ws_keysaaaaaa');
    const b = secretAccounts.dbKey('ws_keysbbbbbb');
    await store.set(a, 'a'.repeat(64));
    await store.set(b, 'b'.repeat(64));
    expect(await store.get(a)).toBe('a'.repeat(64));
    expect(await store.get(b)).toBe('b'.repeat(64));
    await store.delete(a);
    await store.delete(b);
  });
});
