import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, test as base, type ElectronApplication, type Page } from '@playwright/test';
import { findElectronBinary } from './electron-binary';

export const binary = findElectronBinary();
export const appRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The three build outputs the app needs; a missing one is a failure with a fix, never a skip. */
export function missingBuildOutputs(root: string = appRoot): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main?: string };
  const wanted = [pkg.main ?? 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
  return wanted.filter((file) => !existsSync(join(root, file)));
}

export interface LaunchedApp {
  readonly electronApp: ElectronApplication;
  readonly page: Page;
  readonly userDataDir: string;
}

/**
 * Launches the built app as users run it (`electron .`, so package.json `main` is the entry)
 * with a throw-away profile per test, as Actual's and Bruno's fixtures do.
 */
export async function launchApp(userDataDir: string, extraArgs: string[] = []): Promise<LaunchedApp> {
  if (!binary.available) throw new Error(binary.reason);
  const missing = missingBuildOutputs();
  if (missing.length > 0) throw new Error(`The app is not built (missing ${missing.join(', ')}): run npm run build first`);
  // Chromium refuses to start as root with its sandbox on; CI containers that run as root can
  // opt out explicitly. The web-preference assertions still hold, the OS sandbox is then off.
  const sandboxArgs = process.env.LETHE_E2E_NO_SANDBOX === '1' ? ['--no-sandbox'] : [];
  const electronApp = await electron.launch({
    executablePath: binary.executablePath,
    args: [appRoot, `--lethe-user-data=${userDataDir}`, ...sandboxArgs, ...extraArgs],
    cwd: appRoot,
  });
  const page = await electronApp.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return { electronApp, page, userDataDir };
}

export const test = base.extend<{ app: LaunchedApp }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies by destructuring
  app: async ({}, use) => {
    const userDataDir = await mkdtemp(join(tmpdir(), 'lethe-e2e-'));
    let launched: LaunchedApp | null = null;
    try {
      launched = await launchApp(userDataDir);
      await use(launched);
    } finally {
      await launched?.electronApp.close();
      await rm(userDataDir, { recursive: true, force: true });
    }
  },
});

export { expect } from '@playwright/test';
