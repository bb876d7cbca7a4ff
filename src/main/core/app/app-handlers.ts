import type { appOperations, AppInfo } from '../../../shared/contract/groups/app';
import { Settings } from '../../../shared/schemas/settings';
import type { CoreServices, DomainHandlers } from '../services';
import { LETHE_VERSION } from '../version';

export function createAppHandlers(s: CoreServices): DomainHandlers<typeof appOperations> {
  let keychainState: AppInfo['keychain'] = 'unknown';
  const keychainProbe = s.secrets.probe().then((ok) => {
    keychainState = ok ? 'available' : 'unavailable';
  });
  return {
    'app.info': async () => {
      await keychainProbe;
      return {
        name: 'Lethe',
        version: LETHE_VERSION,
        face: s.face,
        platform: process.platform,
        dataDir: s.dataDir,
        demoAvailable: s.workspaces.demoAvailable,
        keychain: keychainState,
      };
    },
    'settings.get': async () => (await s.config.read()).settings,
    'settings.set': async (patch) =>
      s.config.update((file) => {
        const merged = Settings.parse({
          ...file.settings,
          ...patch,
          informationSheet: { ...file.settings.informationSheet, ...(patch.informationSheet ?? {}) },
        });
        file.settings = merged;
        return merged;
      }),
  };
}
