import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ActionSettings, DEFAULT_ACTION_SETTINGS } from '../../../shared/contract/groups/actions';
import { LetheError } from '../../../shared/errors';
import { assertNoPersonalData } from '../audit/chain';
import { writeFileAtomic } from '../fs/atomic-write';

/**
 * Per-workspace settings of the actions, in a JSON file of their own: the journal store owns its
 * migration list, and these are a handful of names, not records.
 */
export function settingsPath(dataDir: string, workspaceId: string): string {
  if (!/^ws_[a-z0-9]{8,32}$/.test(workspaceId)) throw new LetheError('invalid_input', 'Not a workspace id');
  return join(dataDir, 'actions', `${workspaceId}.json`);
}

export async function readActionSettings(dataDir: string, workspaceId: string): Promise<ActionSettings> {
  let text: string;
  try {
    text = await readFile(settingsPath(dataDir, workspaceId), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(DEFAULT_ACTION_SETTINGS);
    throw error;
  }
  const parsed = ActionSettings.safeParse(JSON.parse(text));
  // A file edited by hand into something invalid must not silently become the defaults.
  if (!parsed.success) throw new LetheError('internal_error', 'The actions settings file is not valid; fix or remove it');
  return parsed.data;
}

export async function writeActionSettings(dataDir: string, workspaceId: string, settings: ActionSettings): Promise<ActionSettings> {
  const parsed = ActionSettings.parse(settings);
  // These names end up in the audit log with every action: they must not be personal data.
  assertNoPersonalData(parsed);
  await mkdir(join(dataDir, 'actions'), { recursive: true, mode: 0o700 });
  await writeFileAtomic(settingsPath(dataDir, workspaceId), JSON.stringify(parsed, null, 2));
  return parsed;
}
