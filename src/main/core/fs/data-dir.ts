import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The directory Electron's app.getPath('userData') would give, so the desktop app, browser mode and
 * the CLI share one set of workspaces. LETHE_DATA_DIR overrides it (tests, servers).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LETHE_DATA_DIR) return env.LETHE_DATA_DIR;
  const home = homedir();
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Lethe');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Lethe');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Lethe');
  }
}
