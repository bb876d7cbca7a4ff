import { isAbsolute, join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { isLetheError, LetheError } from '../../../shared/errors';
import { createCore, type Core } from '../../core/create-core';
import { createLogger } from '../../core/log/logger';
import { KeychainSecretStore } from '../../core/secrets/keychain-store';
import { keychainLog } from '../../core/secrets/process-store';
import type { DemoHelpdesk } from '../../core/workspaces/workspace-service';
import { demoLauncher } from '../../demo/start-demo';
import { parseShellArgs } from '../args';
import { createExternalOpener } from '../external-links';
import { bindContractIpc, forwardCoreEvents } from '../ipc-binding';
import { createQuitGuard } from '../lifecycle';
import { appPaths } from '../web-preferences';
import { installAppProtocol, registerAppScheme } from './protocol';
import { saveFileWithDialog } from './save-file';
import { hardenSession, hardenWebContents } from './security';
import { createMainWindow } from './window';

/**
 * The Electron face: everything here is wiring of unit-tested pieces. Order matters: the scheme
 * and the sandbox must be set before `ready`, the userData path before the single-instance lock
 * (the lock lives in that directory), and IPC, protocol and session rules before the first window.
 */
export function startLethe(argv: readonly string[] = process.argv): void {
  const log = createLogger('electron');
  const args = parseShellArgs(argv, isAbsolute);
  if (args.userDataDir !== null) app.setPath('userData', args.userDataDir);

  app.enableSandbox();
  registerAppScheme();

  if (!app.requestSingleInstanceLock()) {
    // Another Lethe owns this profile and its cache; it gets focused via 'second-instance'.
    app.quit();
    return;
  }

  const windows = new Set<BrowserWindow>();
  const focusExisting = (): void => {
    const [existing] = windows;
    if (!existing) return;
    if (existing.isMinimized()) existing.restore();
    existing.focus();
  };
  app.on('second-instance', focusExisting);

  const openExternalUrl = createExternalOpener((url) => shell.openExternal(url), log.child('external-links'));
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { openExternalUrl, log: log.child('security') }));

  let core: Core | null = null;
  let teardown: Array<() => void> = [];
  const demo = demoLauncher();
  const quitGuard = createQuitGuard({
    log,
    quit: () => app.quit(),
    close: async () => {
      for (const undo of teardown) undo();
      teardown = [];
      await core?.close();
      await demo.close();
    },
  });
  app.on('before-quit', (event) => {
    if (quitGuard.onBeforeQuit()) event.preventDefault();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  const { rendererDir, preloadPath } = appPaths(app.getAppPath(), join);
  const openWindow = (): void => {
    const window = createMainWindow({ preloadPath, isPackaged: app.isPackaged, log });
    windows.add(window);
    window.on('closed', () => windows.delete(window));
  };

  app
    .whenReady()
    .then(async () => {
      const ses = session.defaultSession;
      hardenSession(ses, { allowDevtools: !app.isPackaged, log: log.child('session') });
      installAppProtocol(ses, rendererDir, log);

      core = await createCore({
        dataDir: app.getPath('userData'),
        face: 'electron',
        secrets: new KeychainSecretStore(undefined, keychainLog(log, { gaveUp: true })),
        log,
        startDemo: () => startDemoOrExplain(demo.start, log),
        // Load the SQLite addon built for Electron's ABI (docs/native-modules.md).
        electron: true,
        saveFile: saveFileWithDialog,
      });
      teardown.push(bindContractIpc({ ipcMain, router: core.router, log: log.child('ipc') }));
      teardown.push(forwardCoreEvents(core.events, () => [...windows].map((w) => w.webContents), log.child('events')));

      if (args.demo) {
        const started = await core.router.call('demo.start', {});
        if (!started.ok) log.warn(`--demo: ${started.error.message}`);
      }

      openWindow();
      app.on('activate', () => {
        if (windows.size === 0) openWindow();
      });
    })
    .catch((error: unknown) => {
      log.error('Lethe could not start', error);
      const detail = isLetheError(error) ? error.message : 'An unexpected error stopped the start-up; the log has the details.';
      dialog.showErrorBox('Lethe could not start', detail);
      app.exit(1);
    });
}

/** The demo comes from a lazily loaded simulator; if it cannot load, say so with a stable code. */
async function startDemoOrExplain(start: () => Promise<DemoHelpdesk>, log: ReturnType<typeof createLogger>): Promise<DemoHelpdesk> {
  try {
    return await start();
  } catch (error) {
    if (isLetheError(error)) throw error;
    log.error('the demo helpdesk did not start', error);
    throw new LetheError('demo_unavailable', 'The demo helpdesk could not start in this build; the log has the details');
  }
}
