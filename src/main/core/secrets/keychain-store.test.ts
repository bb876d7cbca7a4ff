import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeychainSecretStore, type KeychainBackend } from './keychain-store';
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

// The retry policy, with a backend that fails on cue: the real keychain above cannot be made to
// drop one call and answer the next.
describe('KeychainSecretStore when a keychain call fails', () => {
  function flakyBackend(failures: number) {
    const values = new Map<string, string>();
    const calls: string[] = [];
    let left = failures;
    const maybeFail = (name: string) => {
      calls.push(name);
      if (left > 0) {
        left -= 1;
        throw new Error(`org.freedesktop.DBus.Error.NoReply (${name})`);
      }
    };
    const backend: KeychainBackend = {
      getPassword: async (_s, account) => (maybeFail('get'), values.get(account) ?? null),
      setPassword: async (_s, account, password) => {
        maybeFail('set');
        values.set(account, password);
      },
      deletePassword: async (_s, account) => (maybeFail('delete'), values.delete(account)),
    };
    return { backend, calls, values };
  }

  it('tries a failed call again and succeeds, telling the log what it recovered from', async () => {
    const { backend, calls } = flakyBackend(2);
    const told: string[] = [];
    const store = new KeychainSecretStore('svc', {
      backend,
      retryDelaysMs: [1, 1],
      onRecovered: (op, failures) => told.push(`${op} recovered from ${failures.map(String).join(', ')}`),
      onGaveUp: (op) => told.push(`${op} gave up`),
    });
    await store.set('acct', 'secret-value');
    expect(calls).toEqual(['set', 'set', 'set', 'get']);
    expect(told).toEqual([
      'set recovered from Error: org.freedesktop.DBus.Error.NoReply (set), Error: org.freedesktop.DBus.Error.NoReply (set)',
    ]);
    expect(await store.get('acct')).toBe('secret-value');
    expect(told).toHaveLength(1);
  });

  it('gives up after the last attempt with keychain_unavailable naming the attempts and the last cause', async () => {
    const { backend, calls, values } = flakyBackend(3);
    const gaveUp: Array<[string, number]> = [];
    const store = new KeychainSecretStore('svc', {
      backend,
      retryDelaysMs: [1, 1],
      onGaveUp: (op, failures) => gaveUp.push([op, failures.length]),
    });
    const error = await store.get('acct').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'keychain_unavailable',
      details: { reason: '3 attempts, the last: org.freedesktop.DBus.Error.NoReply (get)' },
    });
    expect(calls).toEqual(['get', 'get', 'get']);
    expect(gaveUp).toEqual([['get', 3]]);
    expect(values.size).toBe(0);
  });

  it('does not write again when the read-back differs: that value may be another writer’s', async () => {
    const { backend, calls, values } = flakyBackend(0);
    const racing: KeychainBackend = {
      ...backend,
      setPassword: async (s, account, password) => {
        await backend.setPassword(s, account, password);
        values.set(account, 'written by another process');
      },
    };
    const store = new KeychainSecretStore('svc', { backend: racing, retryDelaysMs: [1, 1] });
    await expect(store.set('acct', 'mine')).rejects.toMatchObject({ code: 'keychain_unavailable' });
    expect(calls).toEqual(['set', 'get']);
    expect(values.get('acct')).toBe('written by another process');
  });

  it('probes as unavailable when every attempt fails', async () => {
    const { backend } = flakyBackend(100);
    expect(await new KeychainSecretStore('svc', { backend, retryDelaysMs: [1] }).probe()).toBe(false);
  });
});
