import { mkdir } from 'node:fs/promises';
import { contract, type Contract } from '../../shared/contract';
import type { AppInfo } from '../../shared/contract/groups/app';
import { createActionHandlers } from './actions';
import { createAppHandlers } from './app/app-handlers';
import { createAuditHandlers } from './audit';
import { createBackupHandlers } from './backup';
import { createErasureHandlers } from './erasure';
import { createRequestHandlers } from './requests';
import { createTeamHandlers } from './team';
import { createArchiveHandlers, createSubjectHandlers } from './subjects';
import { createSyncHandlers } from './sync';
import { EventBus } from './events/event-bus';
import { testConnection } from './helpdesk/test-connection';
import type { Logger } from './log/logger';
import { createRouter, type Handlers, type Router } from './router/router';
import { MemorySecretStore, type SecretStore } from './secrets/secret-store';
import type { CoreServices } from './services';
import { CacheManager } from './workspaces/cache-manager';
import { ConfigStore } from './workspaces/config-file';
import { createWorkspaceHandlers } from './workspaces/workspace-handlers';
import { WorkspaceService, type DemoHelpdesk } from './workspaces/workspace-service';

export interface CoreOptions {
  dataDir: string;
  face: AppInfo['face'];
  secrets: SecretStore;
  log: Logger;
  /** Starts the embedded simulator; absent in builds without it. */
  startDemo?: () => Promise<DemoHelpdesk>;
  /** Inside Electron: load the SQLite addon built for Electron's ABI. */
  electron?: boolean;
  /** The desktop face's save dialog (see CoreServices.saveFile). */
  saveFile?: CoreServices['saveFile'];
}

export interface Core {
  readonly router: Router;
  readonly events: EventBus;
  readonly services: CoreServices;
  readonly workspaces: WorkspaceService;
  /** Settles when the demo's start-up work (its register's archive after the first sync) is done. */
  demoReady(): Promise<void>;
  close(): Promise<void>;
}

/** Builds every core service and binds the domains' handlers to the contract. The only wiring place. */
export async function createCore(options: CoreOptions): Promise<Core> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const events = new EventBus();
  const config = new ConfigStore(options.dataDir);
  const closers: Array<() => Promise<void> | void> = [];
  const workspaces = new WorkspaceService({
    config,
    secrets: options.secrets,
    demoSecrets: new MemorySecretStore(),
    testConnection,
    ...(options.startDemo ? { startDemo: options.startDemo } : {}),
    onChange: (activeId) => events.emit('workspaces.changed', { activeId }),
  });
  const caches = new CacheManager(workspaces, { electron: options.electron ?? false, log: options.log });
  closers.push(() => caches.closeAll());

  const services: CoreServices = {
    dataDir: options.dataDir,
    face: options.face,
    log: options.log,
    events,
    config,
    secrets: options.secrets,
    workspaces,
    caches,
    onClose: (close) => closers.push(close),
    ...(options.saveFile ? { saveFile: options.saveFile } : {}),
  };

  const handlers: Handlers<Contract> = {
    ...createAppHandlers(services),
    ...createWorkspaceHandlers(services),
    ...createSyncHandlers(services),
    ...createSubjectHandlers(services),
    ...createArchiveHandlers(services),
    ...createErasureHandlers(services),
    ...createActionHandlers(services),
    ...createRequestHandlers(services),
    ...createAuditHandlers(services),
    ...createBackupHandlers(services),
    ...createTeamHandlers(services),
  };

  // The demo helpdesk is only useful with data: its start recreates stores a previous process left
  // unreadable, fills its register, and starts the first sync (src/main/demo/demo-session.ts).
  const startDemo = handlers['demo.start'];
  let demoReady: Promise<void> = Promise.resolve();
  handlers['demo.start'] = async (input) => {
    const { startDemoSession } = await import('../demo/demo-session');
    const session = await startDemoSession(
      services,
      (name, args) => router.call(name, args) as never,
      async () => startDemo(input),
    );
    demoReady = session.ready;
    return session.workspace;
  };

  const router = createRouter(contract, handlers, options.log.child('router'));
  let closed = false;
  return {
    router,
    events,
    services,
    workspaces,
    demoReady: () => demoReady,
    async close() {
      if (closed) return;
      closed = true;
      for (const close of closers.reverse()) await close();
    },
  };
}
