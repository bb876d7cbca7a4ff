import { deletePassword, getPassword, setPassword } from '@napi-rs/keyring/keytar.js';
import { registerSecret } from '../log/logger';
import { keychainUnavailable, type SecretStore } from './secret-store';

/**
 * The OS keychain (Keychain, Credential Manager, Secret Service) through the keytar API of
 * @napi-rs/keyring: maintained, N-API (one binary for Node and Electron), no source build.
 */
export class KeychainSecretStore implements SecretStore {
  readonly kind = 'keychain' as const;

  constructor(private readonly service = process.env.LETHE_KEYCHAIN_SERVICE ?? 'lethe') {}

  async get(account: string): Promise<string | null> {
    try {
      const value = await getPassword(this.service, account);
      if (value) registerSecret(value);
      return value ?? null;
    } catch (error) {
      throw keychainUnavailable(error);
    }
  }

  async set(account: string, secret: string): Promise<void> {
    registerSecret(secret);
    try {
      await setPassword(this.service, account, secret);
    } catch (error) {
      throw keychainUnavailable(error);
    }
    // Read back: some backends accept a write and drop it (a locked collection).
    const stored = await this.get(account);
    if (stored !== secret) throw keychainUnavailable(new Error('the keychain did not keep the secret'));
  }

  async delete(account: string): Promise<boolean> {
    try {
      return await deletePassword(this.service, account);
    } catch (error) {
      throw keychainUnavailable(error);
    }
  }

  async probe(): Promise<boolean> {
    const account = `probe-${process.pid}-${Date.now()}`;
    try {
      await setPassword(this.service, account, 'probe-value');
      const back = await getPassword(this.service, account);
      await deletePassword(this.service, account);
      return back === 'probe-value';
    } catch {
      return false;
    }
  }
}
