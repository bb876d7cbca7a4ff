import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appPaths, mainWindowOptions, secureWebPreferences } from './web-preferences';

describe('secureWebPreferences', () => {
  const prefs = secureWebPreferences('/app/out/preload/index.cjs', { isPackaged: true }) as unknown as Record<string, unknown>;

  it('isolates, sandboxes and keeps Node out of the renderer', () => {
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
    });
  });

  it('keeps the switches that weaken the web platform off', () => {
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
    expect(prefs).not.toHaveProperty('partition');
    expect(prefs).not.toHaveProperty('session');
    expect(prefs.spellcheck).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
  });

  it('has exactly the reviewed keys, so a new one is a conscious change', () => {
    expect(Object.keys(prefs).sort()).toEqual(
      [
        'allowRunningInsecureContent',
        'contextIsolation',
        'devTools',
        'enableWebSQL',
        'experimentalFeatures',
        'navigateOnDragDrop',
        'nodeIntegration',
        'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker',
        'plugins',
        'preload',
        'safeDialogs',
        'sandbox',
        'spellcheck',
        'webSecurity',
        'webviewTag',
      ].sort(),
    );
  });

  it('offers DevTools only in unpackaged builds', () => {
    expect(secureWebPreferences('/p.cjs', { isPackaged: true }).devTools).toBe(false);
    expect(secureWebPreferences('/p.cjs', { isPackaged: false }).devTools).toBe(true);
  });

  it('is frozen so no caller can loosen one window', () => {
    expect(Object.isFrozen(prefs)).toBe(true);
  });

  it('refuses an empty preload path', () => {
    expect(() => secureWebPreferences('', { isPackaged: true })).toThrow(/preload/);
  });
});

describe('mainWindowOptions', () => {
  it('starts hidden and uses the secure preferences', () => {
    const options = mainWindowOptions('/p.cjs', { isPackaged: true });
    expect(options.show).toBe(false);
    expect(options.webPreferences).toEqual(secureWebPreferences('/p.cjs', { isPackaged: true }));
  });
});

describe('appPaths', () => {
  it('points at the electron-vite output', () => {
    expect(appPaths('/opt/lethe/resources/app.asar', join)).toEqual({
      rendererDir: '/opt/lethe/resources/app.asar/out/renderer',
      preloadPath: '/opt/lethe/resources/app.asar/out/preload/index.cjs',
    });
  });
});
