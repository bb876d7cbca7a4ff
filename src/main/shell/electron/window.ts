import { BrowserWindow } from 'electron';
import type { Logger } from '../../core/log/logger';
import { APP_URL } from '../app-origin';
import { mainWindowOptions } from '../web-preferences';

/** The console window: secure preferences, hidden until painted, loading the app origin. */
export function createMainWindow(options: { preloadPath: string; isPackaged: boolean; log: Logger }): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(options.preloadPath, { isPackaged: options.isPackaged }));
  window.once('ready-to-show', () => window.show());
  window.webContents.on('render-process-gone', (_event, details) => {
    options.log.error(`renderer process gone: ${details.reason}`);
  });
  window.loadURL(APP_URL).catch((error: unknown) => options.log.error('the window could not load the app', error));
  return window;
}
