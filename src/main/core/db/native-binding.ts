import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where an Electron build of the addon sits beside the Node build (see docs/native-modules.md). */
export const ELECTRON_BINDING_RELATIVE = join('build-electron', 'Release', 'better_sqlite3.node');

export interface ResolveNativeBindingOptions {
  /** True inside Electron's main or utility process (the caller knows; core never imports electron). */
  electron: boolean;
  /** The package folder; defaults to where Node resolves `better-sqlite3-multiple-ciphers`. */
  packageDir?: string;
}

export function sqlitePackageDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('better-sqlite3-multiple-ciphers/package.json'));
}

/**
 * The addon file for `new Database(path, { nativeBinding })`. Node (tests, CLI, browser mode) uses
 * the package's own `build/Release` (undefined here, the library's default). Electron has another
 * ABI, so it needs the separate Electron build when one exists; without one we still return
 * undefined and the load fails with the library's ABI message, which names the real problem.
 */
export function resolveNativeBinding(options: ResolveNativeBindingOptions): string | undefined {
  if (!options.electron) return undefined;
  const dir = options.packageDir ?? sqlitePackageDir();
  // Inside an asar archive native files live in app.asar.unpacked.
  const candidates = [join(dir, ELECTRON_BINDING_RELATIVE)];
  if (dir.includes('app.asar') && !dir.includes('app.asar.unpacked')) {
    candidates.unshift(join(dir.replace('app.asar', 'app.asar.unpacked'), ELECTRON_BINDING_RELATIVE));
  }
  return candidates.find((file) => existsSync(file));
}
