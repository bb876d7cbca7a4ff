import { setTimeout as sleep } from 'node:timers/promises';
import { deletePassword, getPassword, setPassword } from '@napi-rs/keyring/keytar.js';
import { registerSecret } from '../log/logger';
import { keychainUnavailable, type SecretStore } from './secret-store';

/** The three calls Lethe makes of the OS keychain: @napi-rs/keyring's keytar API. */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null | undefined>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

const keytar: KeychainBackend = { getPassword, setPassword, deletePassword };

/**
 * Waits before each further attempt of a keychain call that failed. A Secret Service can drop a
 * call now and then (gnome-keyring restarted by the bus, a D-Bus hiccup) and answer the next one; a
 * keychain that is not there or stays locked fails every attempt, so the officer still sees
 * keychain_unavailable, a third of a second later.
 */
const RETRY_DELAYS_MS = [50, 250];

export interface KeychainOptions {
  backend?: KeychainBackend;
  retryDelaysMs?: readonly number[];
  /** A call answered after failing: the log, since a retry that hides a fault is still worth knowing of. */
  onRecovered?: (operation: string, failures: readonly unknown[]) => void;
  /** A call failed every attempt (the error thrown says so too; a face with a log may want it there). */
  onGaveUp?: (operation: string, failures: readonly unknown[]) => void;
}

/**
 * The OS keychain (Keychain, Credential Manager, Secret Service) through the keytar API of
 * @napi-rs/keyring: maintained, N-API (one binary for Node and Electron), no source build.
 */
export class KeychainSecretStore implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly #backend: KeychainBackend;
  readonly #retryDelaysMs: readonly number[];
  readonly #onRecovered: KeychainOptions['onRecovered'];
  readonly #onGaveUp: KeychainOptions['onGaveUp'];

  constructor(
    private readonly service = process.env.LETHE_KEYCHAIN_SERVICE ?? 'lethe',
    options: KeychainOptions = {},
  ) {
    this.#backend = options.backend ?? keytar;
    this.#retryDelaysMs = options.retryDelaysMs ?? RETRY_DELAYS_MS;
    this.#onRecovered = options.onRecovered;
    this.#onGaveUp = options.onGaveUp;
  }

  async #call<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const failures: unknown[] = [];
    for (;;) {
      try {
        const value = await call();
        if (failures.length > 0) this.#onRecovered?.(operation, failures);
        return value;
      } catch (error) {
        failures.push(error);
        const delay = this.#retryDelaysMs[failures.length - 1];
        if (delay === undefined) {
          this.#onGaveUp?.(operation, failures);
          throw keychainUnavailable(error, failures.length);
        }
        await sleep(delay);
      }
    }
  }

  async get(account: string): Promise<string | null> {
    const value = await this.#call('get', () => this.#backend.getPassword(this.service, account));
    if (value) registerSecret(value);
    return value ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    registerSecret(secret);
    await this.#call('set', () => this.#backend.setPassword(this.service, account, secret));
    // Read back: some backends accept a write and drop it (a locked collection). Not retried: a
    // different value back can be another writer's, and writing again would undo theirs.
    const stored = await this.get(account);
    if (stored !== secret) throw keychainUnavailable(new Error('the keychain did not keep the secret'));
  }

  async delete(account: string): Promise<boolean> {
    return this.#call('delete', () => this.#backend.deletePassword(this.service, account));
  }

  async probe(): Promise<boolean> {
    const account = `probe-${process.pid}-${Date.now()}`;
    try {
      await this.#call('set', () => this.#backend.setPassword(this.service, account, 'probe-value'));
      const back = await this.#call('get', () => this.#backend.getPassword(this.service, account));
      await this.#call('delete', () => this.#backend.deletePassword(this.service, account));
      return back === 'probe-value';
    } catch {
      return false;
    }
  }
}
