import { z } from 'zod';
import { op } from '../define';
import { emptyInput } from '../../schemas/common';
import { Settings, SettingsPatch } from '../../schemas/settings';

export const AppInfo = z
  .object({
    name: z.literal('Lethe'),
    version: z.string(),
    face: z.enum(['electron', 'browser', 'cli']),
    platform: z.string(),
    dataDir: z.string(),
    demoAvailable: z.boolean(),
    keychain: z.enum(['available', 'unavailable', 'unknown']),
  })
  .strict();
export type AppInfo = z.infer<typeof AppInfo>;

export const appOperations = {
  'app.info': op({
    input: emptyInput,
    output: AppInfo,
    summary: 'Version, face, data directory and what this machine can do',
    example: {},
  }),
  'settings.get': op({
    input: emptyInput,
    output: Settings,
    summary: 'Read the organisation settings',
    example: {},
  }),
  'settings.set': op({
    input: SettingsPatch,
    output: Settings,
    summary: 'Change some settings; omitted fields keep their value',
    example: { organizationName: 'Acme Ltd', theme: 'dark' },
  }),
};
