import { LetheError } from '../../../shared/errors';
import { registerSecret } from '../log/logger';

/**
 * Where secrets live: the API token and the database key of each workspace. One interface so the
 * backend (OS keychain, or memory for the demo) is a single file to change.
 */
export interface SecretStore {
  readonly kind: 'keychain' | 'memory' | 'environment';
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  /** True when the backend answers; a keychain without a Secret Service does not. */
  probe(): Promise<boolean>;
}

export const secretAccounts = {
  apiToken: (workspaceId: string) => `${workspaceId}/api-token`,
  dbKey: (workspaceId: string) => `${workspaceId}/db-key`,
  /** The key of the audit log's subject hashes (keyed so a hash cannot be reversed by guessing). */
  auditKey: (workspaceId: string) => `${workspaceId}/audit-key`,
};

/** Secrets that exist only for the life of the process: the demo workspace and tests. */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const;
  readonly #values = new Map<string, string>();

  async get(account: string): Promise<string | null> {
    return this.#values.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    registerSecret(secret);
    this.#values.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    return this.#values.delete(account);
  }

  async probe(): Promise<boolean> {
    return true;
  }
}

export function keychainUnavailable(cause: unknown, attempts = 1): LetheError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const reason = attempts > 1 ? `${attempts} attempts, the last: ${message}` : message;
  return new LetheError(
    'keychain_unavailable',
    'The OS keychain is not reachable. On Linux, start a Secret Service (for example gnome-keyring) ' +
      'in an unlocked D-Bus session; Lethe never stores secrets in a file instead.',
    { reason: reason.slice(0, 200) },
  );
}
