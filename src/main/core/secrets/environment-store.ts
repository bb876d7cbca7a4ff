import { createHmac } from 'node:crypto';
import { LetheError } from '../../../shared/errors';
import { registerSecret } from '../log/logger';
import { keychainUnavailable, type SecretStore } from './secret-store';

export interface EnvironmentSecrets {
  /** LETHE_API_TOKEN: the helpdesk API token for every workspace this process opens. */
  apiToken?: string;
  /** LETHE_DB_KEY: 64 hex digits, the key of the encrypted files of every workspace. */
  dbKey?: string;
}

export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): EnvironmentSecrets {
  const out: EnvironmentSecrets = {};
  if (env.LETHE_API_TOKEN) out.apiToken = env.LETHE_API_TOKEN;
  if (env.LETHE_DB_KEY) {
    if (!/^[0-9a-fA-F]{64}$/.test(env.LETHE_DB_KEY)) {
      throw new LetheError(
        'invalid_input',
        'LETHE_DB_KEY must be 64 hexadecimal digits (32 random bytes), e.g. from: openssl rand -hex 32',
      );
    }
    out.dbKey = env.LETHE_DB_KEY.toLowerCase();
  }
  return out;
}

/**
 * For servers without a keychain: secrets come from the environment, the rest falls through to
 * the keychain when one answers. The audit log's subject key is derived from LETHE_DB_KEY (HMAC
 * with a fixed label) so a server needs only two variables. Values set in the environment are
 * never written anywhere; setting a different value is refused rather than silently ignored.
 */
export class EnvironmentSecretStore implements SecretStore {
  readonly kind = 'environment' as const;

  constructor(
    private readonly secrets: EnvironmentSecrets,
    private readonly fallback: SecretStore | null,
  ) {
    if (secrets.apiToken) registerSecret(secrets.apiToken);
    if (secrets.dbKey) registerSecret(secrets.dbKey);
  }

  #fromEnvironment(account: string): string | undefined {
    if (account.endsWith('/api-token')) return this.secrets.apiToken;
    if (account.endsWith('/db-key')) return this.secrets.dbKey;
    if (account.endsWith('/audit-key') && this.secrets.dbKey) {
      const derived = createHmac('sha256', Buffer.from(this.secrets.dbKey, 'hex')).update('lethe audit subject key v1').digest('hex');
      registerSecret(derived);
      return derived;
    }
    return undefined;
  }

  async get(account: string): Promise<string | null> {
    const value = this.#fromEnvironment(account);
    if (value !== undefined) return value;
    return this.fallback ? this.fallback.get(account) : null;
  }

  async set(account: string, secret: string): Promise<void> {
    const value = this.#fromEnvironment(account);
    if (value !== undefined) {
      if (value !== secret) {
        throw new LetheError(
          'conflict',
          'This secret comes from the environment (LETHE_API_TOKEN / LETHE_DB_KEY) and cannot be replaced here',
        );
      }
      return;
    }
    if (!this.fallback) throw keychainUnavailable(new Error('no keychain and no environment variable for this secret'));
    await this.fallback.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    if (this.#fromEnvironment(account) !== undefined) return false;
    return this.fallback ? this.fallback.delete(account) : false;
  }

  async probe(): Promise<boolean> {
    return true;
  }
}
