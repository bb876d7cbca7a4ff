import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const NOT_INSTALLED_REASON =
  'Electron binary not installed on this machine (cannot be downloaded here); run where Electron is installed';

export type ElectronBinary = { available: true; executablePath: string } | { available: false; reason: string };

/**
 * Finds the Electron executable the way `require('electron')` would (ELECTRON_OVERRIDE_DIST_PATH,
 * then `path.txt` + `dist/`), but only looks: requiring the package itself starts a download
 * when the binary is missing, which cannot succeed here and would throw at collection time.
 */
export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { available: false, reason: `${NOT_INSTALLED_REASON} (the electron package is not installed)` };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? join(override, relative ?? 'electron') : relative !== null ? join(packageDir, 'dist', relative) : null;
  if (candidate === null || !existsSync(candidate)) return { available: false, reason: NOT_INSTALLED_REASON };
  return { available: true, executablePath: candidate };
}
