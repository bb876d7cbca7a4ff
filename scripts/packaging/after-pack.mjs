// electron-builder's afterPack hook (electron-builder.yml): runs once per platform and arch after
// the app is laid out and before it is signed and wrapped into installers.
//  1. Refuses a package without the Electron build of the SQLite addon: such an app installs fine
//     and then cannot open any cache, which an officer would only find out after installing it.
//  2. Flips the fuses of scripts/packaging/fuses.mjs. It must happen before signing (a signature
//     over the unflipped binary would be broken by the flip), which is where afterPack runs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { letheFuseConfig } from './fuses.mjs';

/** Where scripts/electron-native.mjs puts the Electron build, relative to the unpacked app. */
export const ELECTRON_SQLITE_BINDING = join(
  'app.asar.unpacked',
  'node_modules',
  'better-sqlite3-multiple-ciphers',
  'build-electron',
  'Release',
  'better_sqlite3.node',
);

/**
 * Throws, naming the fix, when the packaged app lacks the Electron build of the SQLite addon, or
 * when the file there is really a Node build (it loads in this Node, which an addon compiled for
 * Electron's ABI never does). Any other load failure (Electron's ABI, another arch) is expected.
 */
export function assertElectronSqliteBuild(resourcesDir) {
  const file = join(resourcesDir, ELECTRON_SQLITE_BINDING);
  if (!existsSync(file)) {
    throw new Error(
      `The package has no Electron build of the SQLite addon (${file} is missing): ` +
        'run `node scripts/electron-native.mjs` first (npm run dist does), see docs/native-modules.md',
    );
  }
  const probe = spawnSync(process.execPath, ['-e', `process.dlopen({ exports: {} }, ${JSON.stringify(file)})`], { stdio: 'ignore' });
  if (probe.status === 0) {
    throw new Error(
      `${file} loads in Node ${process.version}: it was compiled against Node's headers, not Electron's. ` +
        'Delete build-electron and run `node scripts/electron-native.mjs` on a machine that can download Electron headers.',
    );
  }
  return file;
}

// electron-builder's Arch enum: arm64 is 3 (builder-util); only the value is needed here.
const ARCH_ARM64 = 3;

export async function afterPack(context) {
  const { packager, appOutDir, electronPlatformName, arch } = context;
  const binding = assertElectronSqliteBuild(packager.getResourcesDir(appOutDir));
  console.log(`  • Lethe: Electron build of the SQLite addon packaged  file=${binding}`);
  const config = letheFuseConfig({ darwinArm64: electronPlatformName === 'darwin' && arch === ARCH_ARM64 });
  // electron-builder's public helper finds the executable for this platform and calls
  // @electron/fuses' flipFuses with our config.
  await packager.addElectronFuses(context, config);
  console.log('  • Lethe: Electron fuses flipped (scripts/packaging/fuses.mjs)');
}

export default afterPack;
