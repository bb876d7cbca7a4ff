import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELECTRON_SQLITE_BINDING, assertElectronSqliteBuild } from '../../scripts/packaging/after-pack.mjs';
import { packLinuxLayout, type PackedLayout } from './pack-layout';

const projectDir = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const BUILT = [
  'out/main/index.js',
  'out/main/sync-worker.js',
  'out/main/page-fetcher.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
];

/**
 * What the installers would contain, computed by electron-builder's own packaging of the built
 * app (`out/`, which npm test builds first) and the production dependencies, without Electron.
 */
describe('the packaged file list', () => {
  let layout: PackedLayout;
  beforeAll(async () => {
    const missing = BUILT.filter((file) => !existsSync(join(projectDir, file)));
    if (missing.length > 0) throw new Error(`The app is not built (missing ${missing.join(', ')}): run npm run build first`);
    layout = await packLinuxLayout(projectDir);
  }, 300_000);
  afterAll(() => {
    if (layout) rmSync(dirname(dirname(layout.appOutDir)), { recursive: true, force: true });
  });

  it('holds the built app and its package.json', () => {
    for (const file of [...BUILT, 'package.json']) expect(layout.asarFiles, file).toContain(file);
    const pkg = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as { main: string };
    expect(layout.asarFiles).toContain(pkg.main);
  });

  it('holds no sources, tests, benches, docs or build configuration of the project', () => {
    const root = layout.asarFiles.filter((file) => !file.startsWith('node_modules/'));
    expect(root.filter((file) => !file.startsWith('out/') && file !== 'package.json')).toEqual([]);
  });

  it('holds no test or bench folders, no TypeScript sources and no source maps, in the app or its dependencies', () => {
    const offending = layout.asarFiles.filter(
      (file) =>
        /(^|\/)(test|tests|__tests__|bench|benchmark|benchmarks)\//.test(file) ||
        /\.map$/.test(file) ||
        (/\.(ts|tsx|mts|cts)$/.test(file) && !/\.d\.(ts|mts|cts)$/.test(file)),
    );
    expect(offending).toEqual([]);
  });

  it("does not leak this machine's paths into the packaged app", () => {
    const leaking = layout.asarFiles
      .filter((file) => file.startsWith('out/'))
      .filter((file) => readFileSync(join(projectDir, file), 'utf8').includes(projectDir));
    expect(leaking).toEqual([]);
  });

  it('keeps every native addon unpacked from the asar, on disk beside it', () => {
    const addons = layout.asarFiles.filter((file) => file.endsWith('.node'));
    expect(addons).toEqual(
      expect.arrayContaining([
        'node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node',
        expect.stringMatching(/^node_modules\/@napi-rs\/keyring-[^/]+\/keyring\.[^/]+\.node$/),
      ]),
    );
    for (const file of addons) {
      expect(layout.unpackedFiles.has(file), file).toBe(true);
      expect(existsSync(join(layout.resourcesDir, 'app.asar.unpacked', file)), file).toBe(true);
    }
  });

  it('ships the SQLite addon without its C sources and build intermediates', () => {
    const sqlite = layout.asarFiles.filter((file) => file.startsWith('node_modules/better-sqlite3-multiple-ciphers/'));
    expect(sqlite.filter((file) => /\/(deps|src|obj|obj\.target)\/|\.(c|h|cpp|a|o|mk|gypi?)$/.test(file))).toEqual([]);
    expect(sqlite).toContain('node_modules/better-sqlite3-multiple-ciphers/lib/index.js');
  });

  it('the afterPack hook refuses this package: it lacks the Electron build of the SQLite addon', () => {
    // Only a machine that can download Electron's headers makes that build (docs/native-modules.md).
    expect(existsSync(join(layout.resourcesDir, ELECTRON_SQLITE_BINDING))).toBe(false);
    expect(() => assertElectronSqliteBuild(layout.resourcesDir)).toThrow(/electron-native\.mjs/);
  });
});

describe('the afterPack check for the Electron build of the SQLite addon', () => {
  it('refuses a Node build put where the Electron build belongs', () => {
    const resources = mkdtempSync(join(tmpdir(), 'lethe-resources-'));
    try {
      const file = join(resources, ELECTRON_SQLITE_BINDING);
      mkdirSync(dirname(file), { recursive: true });
      const nodeBuild = join(projectDir, 'node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node');
      writeFileSync(file, readFileSync(nodeBuild));
      expect(() => assertElectronSqliteBuild(resources)).toThrow(/compiled against Node's headers/);
    } finally {
      rmSync(resources, { recursive: true, force: true });
    }
  });

  it('accepts a package that has a file this Node cannot load', () => {
    const resources = mkdtempSync(join(tmpdir(), 'lethe-resources-'));
    try {
      const file = join(resources, ELECTRON_SQLITE_BINDING);
      mkdirSync(dirname(file), { recursive: true });
      // Stands for an addon of another ABI: Node refuses it, as it refuses Electron's build.
      writeFileSync(file, '');
      expect(assertElectronSqliteBuild(resources)).toBe(file);
    } finally {
      rmSync(resources, { recursive: true, force: true });
    }
  });
});
