/**
 * The webPreferences of every Lethe window, declared here without importing electron so they are
 * unit-tested in Node; the shell passes them to `new BrowserWindow`, where tsc checks them
 * against Electron's `WebPreferences`.
 */
export interface SecureWebPreferences {
  readonly preload: string;
  readonly sandbox: true;
  readonly contextIsolation: true;
  readonly nodeIntegration: false;
  readonly nodeIntegrationInWorker: false;
  readonly nodeIntegrationInSubFrames: false;
  readonly webviewTag: false;
  readonly webSecurity: true;
  readonly allowRunningInsecureContent: false;
  readonly experimentalFeatures: false;
  readonly plugins: false;
  readonly enableWebSQL: false;
  readonly navigateOnDragDrop: false;
  readonly safeDialogs: true;
  readonly spellcheck: false;
  readonly devTools: boolean;
}

export interface SecureWindowOptions {
  readonly show: false;
  readonly width: number;
  readonly height: number;
  readonly minWidth: number;
  readonly minHeight: number;
  readonly title: string;
  readonly backgroundColor: string;
  readonly webPreferences: SecureWebPreferences;
}

/**
 * Explicit even where Electron's default already agrees (sandbox since 20, contextIsolation since
 * 12): a default can change, a template can flip it, and the test below pins every value.
 * - spellcheck off: on Linux Chromium downloads dictionaries from a Google CDN, and the renderer
 *   is meant to have no network at all.
 * - navigateOnDragDrop off: dropping a file on the window would navigate to file://.
 * - safeDialogs: a looping alert() cannot lock the user out.
 * - no enableBlinkFeatures / additionalArguments / partition keys: nothing is added to the page.
 */
export function secureWebPreferences(preloadPath: string, options: { isPackaged: boolean }): SecureWebPreferences {
  if (preloadPath.length === 0) throw new Error('secureWebPreferences needs the preload path');
  return Object.freeze({
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    plugins: false,
    enableWebSQL: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: !options.isPackaged,
  });
}

/**
 * Hidden until `ready-to-show`, so the user never sees an unstyled flash, and never a window
 * whose page failed to load its bundle.
 */
export function mainWindowOptions(preloadPath: string, options: { isPackaged: boolean }): SecureWindowOptions {
  return Object.freeze({
    show: false,
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    title: 'Lethe',
    backgroundColor: '#1b1d23',
    webPreferences: secureWebPreferences(preloadPath, options),
  });
}

/** Where the build puts the renderer and the preload, relative to `app.getAppPath()`. */
export function appPaths(appRoot: string, join: (...parts: string[]) => string): { rendererDir: string; preloadPath: string } {
  return {
    rendererDir: join(appRoot, 'out', 'renderer'),
    preloadPath: join(appRoot, 'out', 'preload', 'index.cjs'),
  };
}
