import { EnvironmentSecretStore, environmentSecrets } from './environment-store';
import type { Logger } from '../log/logger';
import { KeychainSecretStore } from './keychain-store';
import type { SecretStore } from './secret-store';

/**
 * The secret store of a CLI or browser-mode process: the OS keychain, with LETHE_API_TOKEN and
 * LETHE_DB_KEY taking precedence when set (servers without a Secret Service). The desktop app uses
 * the keychain only.
 */
export function processSecretStore(log: Logger, env: NodeJS.ProcessEnv = process.env): SecretStore {
  const fromEnvironment = environmentSecrets(env);
  const keychain = new KeychainSecretStore(undefined, { onRetry: keychainRetryLogger(log) });
  return fromEnvironment.apiToken || fromEnvironment.dbKey ? new EnvironmentSecretStore(fromEnvironment, keychain) : keychain;
}

/** A keychain call that failed and is tried again: a warning, so a flaky Secret Service shows in the log. */
export function keychainRetryLogger(log: Logger): (operation: string, error: unknown) => void {
  const keychainLog = log.child('keychain');
  return (operation, error) =>
    keychainLog.warn(`keychain ${operation} failed; trying again`, error instanceof Error ? error.message : String(error));
}
