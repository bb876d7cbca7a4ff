import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Configuration } from 'electron-builder';

const projectDir = fileURLToPath(new URL('../../', import.meta.url));

// electron-builder's own loader and validator (app-builder-lib, the package electron-builder runs
// on): the same code, and the same scheme.json, that `electron-builder` uses before it builds.
const builderRequire = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const configModule = builderRequire('app-builder-lib/out/util/config/config') as {
  getConfig: (projectDir: string, configPath: string | null, configFromOptions: Configuration | null) => Promise<Configuration>;
  validateConfiguration: (config: Configuration, debugLogger: { isEnabled: boolean; add: () => void }) => Promise<void>;
};
// The minimatch electron-builder itself matches its globs with, with its options (dot: true).
const { Minimatch } = builderRequire('minimatch') as {
  Minimatch: new (pattern: string, options: { dot: boolean }) => { match: (path: string) => boolean };
};
const quietLogger = { isEnabled: false, add: () => undefined };

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { productName: string; main: string };

function targets(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((t) => (typeof t === 'string' ? t : (t as { target: string }).target));
}

function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('electron-builder configuration', () => {
  let config: Configuration;
  beforeAll(async () => {
    config = await configModule.getConfig(projectDir, null, null);
  });

  it('is found by electron-builder and validates against its schema', async () => {
    expect(config.appId).toBe('app.lethe.console');
    await expect(configModule.validateConfiguration(config, quietLogger)).resolves.toBeUndefined();
  });

  it('the schema check is live: an unknown option is rejected', async () => {
    await expect(configModule.validateConfiguration({ ...config, asarUnpak: ['**/*.node'] } as Configuration, quietLogger)).rejects.toThrow(
      /Invalid configuration object/,
    );
  });

  it('names the product as package.json does and takes its icons from resources/', () => {
    expect(config.productName).toBe(pkg.productName);
    expect(config.directories?.buildResources).toBe('resources');
    for (const platform of [config.mac, config.win, config.linux]) {
      const icon = platform?.icon;
      expect(icon).toBe('resources/icon.png');
      const size = pngSize(fileURLToPath(new URL(`../../${icon}`, import.meta.url)));
      // macOS needs at least 512×512 to derive its .icns.
      expect(size.width).toBeGreaterThanOrEqual(512);
      expect(size.height).toBe(size.width);
    }
  });

  it('builds dmg + zip on macOS, NSIS on Windows, AppImage + deb on Linux', () => {
    expect(targets(config.mac?.target)).toEqual(['dmg', 'zip']);
    expect(targets(config.win?.target)).toEqual(['nsis']);
    expect(targets(config.linux?.target)).toEqual(['AppImage', 'deb']);
  });

  it('packs into an asar with every native addon, including the Electron SQLite build, unpacked', () => {
    expect(config.asar).toBe(true);
    const unpack = (Array.isArray(config.asarUnpack) ? config.asarUnpack : [config.asarUnpack]).map(
      (p) => new Minimatch(String(p), { dot: true }),
    );
    const unpacked = (file: string): boolean => unpack.some((m) => m.match(file));
    expect(unpacked('node_modules/better-sqlite3-multiple-ciphers/build-electron/Release/better_sqlite3.node')).toBe(true);
    expect(unpacked('node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node')).toBe(true);
    expect(unpacked('node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node')).toBe(true);
    expect(unpacked('out/main/index.js')).toBe(false);
  });

  it('never lets electron-builder rebuild the SQLite addon in place over the Node build', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
  });

  it('flips the fuses in an afterPack hook that exists, and embeds no update feed', async () => {
    expect(config.afterPack).toBe('./scripts/packaging/after-pack.mjs');
    const hookPath = fileURLToPath(new URL(`../../${String(config.afterPack)}`, import.meta.url));
    expect(existsSync(hookPath)).toBe(true);
    const hook = (await import(hookPath)) as { afterPack?: unknown; default?: unknown };
    expect(typeof hook.afterPack).toBe('function');
    expect(hook.default).toBe(hook.afterPack);
    expect(config.publish).toBeNull();
  });

  it('keeps signing secrets out of the configuration', () => {
    const text = readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8');
    expect(text).not.toMatch(/^\s*(cscLink|cscKeyPassword|certificatePassword|certificateFile|identity|appleId|password)\s*:/im);
  });
});
