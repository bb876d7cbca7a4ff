import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LetheError } from '../../../shared/errors';
import { addressToBaseUrl, type ConnectionTestResult, type Workspace } from '../../../shared/schemas/workspace';
import type { ParsedInputOf } from '../../../shared/contract/define';
import type { Contract } from '../../../shared/contract';
import type { HelpdeskCredentials } from '../helpdesk/test-connection';
import { secretAccounts, type SecretStore } from '../secrets/secret-store';
import type { ConfigStore, StoredWorkspace } from './config-file';

export interface DemoHelpdesk {
  baseUrl: string;
  email: string;
  token: string;
}

export interface WorkspaceServiceDeps {
  config: ConfigStore;
  /** Real workspaces: the OS keychain. */
  secrets: SecretStore;
  /** The demo workspace: process memory. */
  demoSecrets: SecretStore;
  testConnection: (credentials: HelpdeskCredentials) => Promise<ConnectionTestResult>;
  startDemo?: () => Promise<DemoHelpdesk>;
  now?: () => Date;
  onChange?: (activeId: string | null) => void;
}

export const DEMO_WORKSPACE_ID = 'ws_demo0000';

function tokenReentryRequired(): LetheError {
  return new LetheError(
    'secret_missing',
    'The helpdesk address or agent changed: enter the API token again in Settings before Lethe connects',
    { reason: 'token_reentry_required' },
  );
}

function newWorkspaceId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(12);
  return `ws_${Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('')}`;
}

/**
 * Helpdesk connections. Addresses and agent e-mails live in the config file; API tokens only in
 * the secret store. The demo workspace lives in memory for the life of the process.
 */
export class WorkspaceService {
  #demo: (Workspace & { token: string }) | null = null;
  #demoActive = false;
  readonly #now: () => Date;

  constructor(private readonly deps: WorkspaceServiceDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  get demoAvailable(): boolean {
    return this.deps.startDemo !== undefined;
  }

  cacheDir(id: string): string {
    return join(this.deps.config.dataDir, 'workspaces', id);
  }

  async list(): Promise<{ workspaces: Workspace[]; activeId: string | null }> {
    const config = await this.deps.config.read();
    const stored = await Promise.all(config.workspaces.map((w) => this.#present(w)));
    const workspaces = this.#demo ? [this.#publicDemo(), ...stored] : stored;
    const activeId = this.#demoActive && this.#demo ? this.#demo.id : config.activeId;
    return { workspaces, activeId };
  }

  async get(id: string): Promise<Workspace> {
    const { workspaces } = await this.list();
    const found = workspaces.find((w) => w.id === id);
    if (!found) throw new LetheError('not_found', `No workspace ${id}`);
    return found;
  }

  async active(): Promise<Workspace | null> {
    const { workspaces, activeId } = await this.list();
    return workspaces.find((w) => w.id === activeId) ?? null;
  }

  /** Credentials for core services only; never returned through the contract. */
  async credentials(id: string): Promise<HelpdeskCredentials & { kind: Workspace['kind'] }> {
    if (this.#demo && id === this.#demo.id) {
      return { baseUrl: this.#demo.baseUrl, email: this.#demo.email, token: this.#demo.token, kind: 'demo' };
    }
    const workspace = (await this.deps.config.read()).workspaces.find((w) => w.id === id);
    if (!workspace) throw new LetheError('not_found', `No workspace ${id}`);
    if (workspace.tokenRequired) throw tokenReentryRequired();
    const token = await this.deps.secrets.get(secretAccounts.apiToken(id));
    if (!token) throw new LetheError('secret_missing', 'No API token is stored for this workspace; enter it again in Settings');
    return { baseUrl: workspace.baseUrl, email: workspace.email, token, kind: 'zendesk' };
  }

  secretStoreFor(id: string): SecretStore {
    return this.#demo && id === this.#demo.id ? this.deps.demoSecrets : this.deps.secrets;
  }

  async create(input: ParsedInputOf<Contract, 'workspaces.create'>): Promise<Workspace> {
    const id = newWorkspaceId();
    const now = this.#now().toISOString();
    // Token first: if the keychain refuses, nothing is written to the config file.
    await this.deps.secrets.set(secretAccounts.apiToken(id), input.apiToken);
    const stored: StoredWorkspace = {
      id,
      name: input.name,
      kind: 'zendesk',
      baseUrl: addressToBaseUrl(input.address),
      email: input.email,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.deps.config.update((config) => {
        config.workspaces.push(stored);
        config.activeId = id;
      });
    } catch (error) {
      await this.deps.secrets.delete(secretAccounts.apiToken(id)).catch(() => false);
      throw error;
    }
    this.#demoActive = false;
    this.deps.onChange?.(id);
    return this.#present(stored);
  }

  /**
   * A token is entered for one helpdesk and one agent. A new address (scheme, host or port) or a
   * new agent e-mail without a token in the same call drops the stored token and marks the
   * workspace as needing it again, in the same config write as the new address, so there is no
   * moment when the old token can be sent to the new address.
   */
  async update(input: ParsedInputOf<Contract, 'workspaces.update'>): Promise<Workspace> {
    if (this.#demo && input.id === this.#demo.id) {
      throw new LetheError('conflict', 'The demo workspace cannot be edited');
    }
    const config = await this.deps.config.read();
    if (!config.workspaces.some((w) => w.id === input.id)) throw new LetheError('not_found', `No workspace ${input.id}`);
    // Token first: if the keychain refuses it, nothing is changed.
    if (input.apiToken !== undefined) await this.deps.secrets.set(secretAccounts.apiToken(input.id), input.apiToken);
    // Compared inside the serialised write, against the file as it is then, not as read above.
    const { updated, retargeted } = await this.deps.config.update((draft) => {
      const target = draft.workspaces.find((w) => w.id === input.id);
      if (!target) throw new LetheError('not_found', `No workspace ${input.id}`);
      const baseUrl = input.address === undefined ? target.baseUrl : addressToBaseUrl(input.address);
      const email = input.email ?? target.email;
      const changed = baseUrl !== target.baseUrl || email !== target.email;
      if (input.name !== undefined) target.name = input.name;
      target.baseUrl = baseUrl;
      target.email = email;
      if (input.apiToken !== undefined) delete target.tokenRequired;
      else if (changed) target.tokenRequired = true;
      target.updatedAt = this.#now().toISOString();
      return { updated: { ...target }, retargeted: changed };
    });
    if (retargeted && input.apiToken === undefined) {
      // The flag already stops the token from being used; removing the entry is so the old
      // token is not kept for nothing. A keychain that refuses leaves it unusable, not in use.
      await this.deps.secrets.delete(secretAccounts.apiToken(input.id)).catch(() => false);
    }
    return this.#present(updated);
  }

  async remove(id: string): Promise<void> {
    if (this.#demo && id === this.#demo.id) {
      this.#demo = null;
      this.#demoActive = false;
      this.deps.onChange?.((await this.deps.config.read()).activeId);
      return;
    }
    const activeId = await this.deps.config.update((config) => {
      const before = config.workspaces.length;
      config.workspaces = config.workspaces.filter((w) => w.id !== id);
      if (config.workspaces.length === before) throw new LetheError('not_found', `No workspace ${id}`);
      if (config.activeId === id) config.activeId = config.workspaces[0]?.id ?? null;
      return config.activeId;
    });
    await this.deps.secrets.delete(secretAccounts.apiToken(id)).catch(() => false);
    await this.deps.secrets.delete(secretAccounts.dbKey(id)).catch(() => false);
    await this.deps.secrets.delete(secretAccounts.auditKey(id)).catch(() => false);
    await rm(this.cacheDir(id), { recursive: true, force: true });
    this.deps.onChange?.(activeId);
  }

  async select(id: string): Promise<Workspace> {
    if (this.#demo && id === this.#demo.id) {
      this.#demoActive = true;
      this.deps.onChange?.(id);
      return this.#publicDemo();
    }
    const workspace = await this.deps.config.update((config) => {
      const target = config.workspaces.find((w) => w.id === id);
      if (!target) throw new LetheError('not_found', `No workspace ${id}`);
      config.activeId = id;
      return target;
    });
    this.#demoActive = false;
    this.deps.onChange?.(id);
    return this.#present(workspace);
  }

  async testConnection(input: ParsedInputOf<Contract, 'workspaces.testConnection'>): Promise<ConnectionTestResult> {
    if ('id' in input) {
      const credentials = await this.credentials(input.id);
      return this.deps.testConnection(credentials);
    }
    return this.deps.testConnection({
      baseUrl: addressToBaseUrl(input.address),
      email: input.email,
      token: input.apiToken,
    });
  }

  async startDemo(): Promise<Workspace> {
    if (!this.deps.startDemo) {
      throw new LetheError('demo_unavailable', 'The demo helpdesk is not part of this build');
    }
    if (!this.#demo) {
      const helpdesk = await this.deps.startDemo();
      const now = this.#now().toISOString();
      this.#demo = {
        id: DEMO_WORKSPACE_ID,
        name: 'Demo helpdesk',
        kind: 'demo',
        baseUrl: helpdesk.baseUrl,
        email: helpdesk.email,
        hasToken: true,
        createdAt: now,
        updatedAt: now,
        token: helpdesk.token,
      };
      await this.deps.demoSecrets.set(secretAccounts.apiToken(DEMO_WORKSPACE_ID), helpdesk.token);
    }
    this.#demoActive = true;
    this.deps.onChange?.(DEMO_WORKSPACE_ID);
    return this.#publicDemo();
  }

  #publicDemo(): Workspace {
    if (!this.#demo) throw new LetheError('not_found', 'The demo workspace is not running');
    const { token: _token, ...rest } = this.#demo;
    return rest;
  }

  async #present(stored: StoredWorkspace): Promise<Workspace> {
    const { tokenRequired, ...rest } = stored;
    let hasToken = false;
    try {
      hasToken = !tokenRequired && (await this.deps.secrets.get(secretAccounts.apiToken(stored.id))) !== null;
    } catch {
      hasToken = false;
    }
    return { ...rest, hasToken };
  }
}
