import { EnvironmentSecretStore, environmentSecrets } from './environment-store';
import type { Logger } from '../log/logger';
import { KeychainSecretStore, type KeychainOptions } from './keychain-store';
import type { SecretStore } from './secret-store';

/**
 * The secret store of a CLI or browser-mode process: the OS keychain, with LETHE_API_TOKEN and
 * LETHE_DB_KEY taking precedence when set (servers without a Secret Service). The desktop app uses
 * the keychain only.
 */
export function processSecretStore(log: Logger, options: { logGaveUp?: boolean } = {}, env: NodeJS.ProcessEnv = process.env): SecretStore {
  const fromEnvironment = environmentSecrets(env);
  if (fromEnvironment.apiToken || fromEnvironment.dbKey) {
    // A server that names its secrets in the environment usually has no keychain: the fallback is
    // asked once, without retries or log lines, for what the environment does not hold.
    return new EnvironmentSecretStore(fromEnvironment, new KeychainSecretStore(undefined, { retryDelaysMs: [] }));
  }
  return new KeychainSecretStore(undefined, keychainLog(log, { gaveUp: options.logGaveUp ?? false }));
}

/**
 * Log lines for a keychain's retries: always when a call answered only after failing (a flaky
 * Secret Service shows in the log), and when one gave up if the face shows the error code alone
 * (browser mode, the desktop app); the CLI prints the error itself.
 */
export function keychainLog(log: Logger, options: { gaveUp: boolean }): Pick<KeychainOptions, 'onRecovered' | 'onGaveUp'> {
  const keychain = log.child('keychain');
  const causes = (failures: readonly unknown[]): string[] => failures.map((f) => (f instanceof Error ? f.message : String(f)));
  return {
    onRecovered: (operation, failures) =>
      keychain.warn(`keychain ${operation} answered after ${failures.length} failed attempt(s)`, causes(failures)),
    ...(options.gaveUp
      ? {
          onGaveUp: (operation: string, failures: readonly unknown[]) =>
            keychain.warn(`keychain ${operation} failed ${failures.length} times`, causes(failures)),
        }
      : {}),
  };
}
