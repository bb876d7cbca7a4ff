import { EnvironmentSecretStore, environmentSecrets } from './environment-store';
import { KeychainSecretStore } from './keychain-store';
import type { SecretStore } from './secret-store';

/**
 * The secret store of a CLI or browser-mode process: the OS keychain, with LETHE_API_TOKEN and
 * LETHE_DB_KEY taking precedence when set (servers without a Secret Service). The desktop app uses
 * the keychain only.
 */
export function processSecretStore(env: NodeJS.ProcessEnv = process.env): SecretStore {
  const fromEnvironment = environmentSecrets(env);
  const keychain = new KeychainSecretStore();
  return fromEnvironment.apiToken || fromEnvironment.dbKey ? new EnvironmentSecretStore(fromEnvironment, keychain) : keychain;
}
