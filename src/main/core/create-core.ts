import { mkdir } from 'node:fs/promises';
import { contract, type Contract } from '../../shared/contract';
import type { AppInfo } from '../../shared/contract/groups/app';
import { Settings } from '../../shared/schemas/settings';
import { EventBus } from './events/event-bus';
import { testConnection } from './helpdesk/test-connection';
import type { Logger } from './log/logger';
import { createRouter, type Handlers, type Router } from './router/router';
import { MemorySecretStore, type SecretStore } from './secrets/secret-store';
import { ConfigStore } from './workspaces/config-file';
import { WorkspaceService, type DemoHelpdesk } from './workspaces/workspace-service';
import { LETHE_VERSION } from './version';

export interface CoreOptions {
  dataDir: string;
  face: AppInfo['face'];
  secrets: SecretStore;
  log: Logger;
  /** Starts the embedded simulator; absent in builds without it. */
  startDemo?: () => Promise<DemoHelpdesk>;
}

export interface Core {
  readonly router: Router;
  readonly events: EventBus;
  readonly workspaces: WorkspaceService;
  close(): Promise<void>;
}

/** Builds every core service and binds them to the contract. The only place they are wired. */
export async function createCore(options: CoreOptions): Promise<Core> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const events = new EventBus();
  const config = new ConfigStore(options.dataDir);
  const closers: Array<() => Promise<void>> = [];
  const workspaces = new WorkspaceService({
    config,
    secrets: options.secrets,
    demoSecrets: new MemorySecretStore(),
    testConnection,
    ...(options.startDemo ? { startDemo: options.startDemo } : {}),
    onChange: (activeId) => events.emit('workspaces.changed', { activeId }),
  });

  let keychainState: AppInfo['keychain'] = 'unknown';
  const keychainProbe = options.secrets.probe().then((ok) => {
    keychainState = ok ? 'available' : 'unavailable';
  });

  const handlers: Handlers<Contract> = {
    'app.info': async () => {
      await keychainProbe;
      return {
        name: 'Lethe',
        version: LETHE_VERSION,
        face: options.face,
        platform: process.platform,
        dataDir: options.dataDir,
        demoAvailable: workspaces.demoAvailable,
        keychain: keychainState,
      };
    },
    'settings.get': async () => (await config.read()).settings,
    'settings.set': async (patch) =>
      config.update((file) => {
        const merged = Settings.parse({
          ...file.settings,
          ...patch,
          informationSheet: { ...file.settings.informationSheet, ...(patch.informationSheet ?? {}) },
        });
        file.settings = merged;
        return merged;
      }),
    'workspaces.list': () => workspaces.list(),
    'workspaces.create': (input) => workspaces.create(input),
    'workspaces.update': (input) => workspaces.update(input),
    'workspaces.remove': async ({ id }) => {
      await workspaces.remove(id);
      return { removed: true as const };
    },
    'workspaces.select': ({ id }) => workspaces.select(id),
    'workspaces.testConnection': (input) => workspaces.testConnection(input),
    'demo.start': () => workspaces.startDemo(),
  };

  const router = createRouter(contract, handlers, options.log.child('router'));
  return {
    router,
    events,
    workspaces,
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}
