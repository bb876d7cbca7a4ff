import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Arch, build, Platform } from 'electron-builder';

export interface PackedLayout {
  /** The folder electron-builder laid the Linux app out in (`linux-unpacked`). */
  readonly appOutDir: string;
  /** Its resources/ folder: app.asar and app.asar.unpacked. */
  readonly resourcesDir: string;
  /** Every file electron-builder put in app.asar, "/"-separated and relative to the app root. */
  readonly asarFiles: string[];
  /** The subset of asarFiles whose content lives in app.asar.unpacked. */
  readonly unpackedFiles: Set<string>;
}

// @electron/asar as electron-builder resolves it (its own dependency), to read what it wrote.
const builderRequire = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const asar = createRequire(builderRequire.resolve('app-builder-lib'))('@electron/asar') as {
  listPackage: (archive: string, options: { isPack: boolean }) => string[];
  statFile: (archive: string, path: string, followLinks?: boolean) => { unpacked?: boolean; files?: unknown };
};

/**
 * Runs electron-builder's real packaging (its file matcher over out/ and the production
 * dependencies, the asar writer, asarUnpack) for the Linux `dir` target, into a temporary
 * folder. The Electron distribution it would download is replaced by a stand-in folder with an
 * empty `electron` executable: it cannot be downloaded here, and the app's file list does not
 * depend on Electron's own files. The afterPack hook is left out: flipping fuses needs the real
 * binary; test/packaging/fuses.test.ts covers that.
 */
export async function packLinuxLayout(projectDir: string): Promise<PackedLayout> {
  const work = mkdtempSync(join(tmpdir(), 'lethe-pack-'));
  const electronStandIn = join(work, 'electron-stand-in');
  mkdirSync(join(electronStandIn, 'resources'), { recursive: true });
  writeFileSync(join(electronStandIn, 'electron'), '', { mode: 0o755 });
  const output = join(work, 'dist');
  await build({
    projectDir,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    publish: 'never',
    config: { electronDist: electronStandIn, directories: { output }, afterPack: null },
  });
  const appOutDir = join(output, 'linux-unpacked');
  const resourcesDir = join(appOutDir, 'resources');
  const archive = join(resourcesDir, 'app.asar');
  const asarFiles: string[] = [];
  const unpackedFiles = new Set<string>();
  for (const entry of asar.listPackage(archive, { isPack: false })) {
    const path = entry.replaceAll('\\', '/').replace(/^\//, '');
    const stat = asar.statFile(archive, path, false);
    if (stat.files) continue; // a directory
    asarFiles.push(path);
    if (stat.unpacked) unpackedFiles.add(path);
  }
  return { appOutDir, resourcesDir, asarFiles, unpackedFiles };
}
