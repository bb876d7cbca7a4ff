import { RegisterSettings } from '../../../shared/contract/groups/requests';
import type { SqliteDb } from '../db';
import { changedPaths } from './letter-for';

const KEY = 'register';

/**
 * Deadline rules and retention live in the workspace's register store rather than lethe.json:
 * they belong with the requests they apply to, and a change to them is audited in the same
 * workspace's log. A stored value that no longer parses falls back to the defaults.
 */
export function readRegisterSettings(db: SqliteDb): RegisterSettings {
  return parseRegisterSettings(db.prepare('SELECT value FROM register_settings WHERE key = ?').pluck().get(KEY) as string | undefined);
}

/** A stored value (local or team register), none or one that no longer parses being the defaults. */
export function parseRegisterSettings(raw: string | null | undefined): RegisterSettings {
  if (raw === undefined || raw === null) return RegisterSettings.parse({});
  const parsed = RegisterSettings.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : RegisterSettings.parse({});
}

export function writeRegisterSettings(db: SqliteDb, settings: RegisterSettings): void {
  db.prepare('INSERT INTO register_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    KEY,
    JSON.stringify(RegisterSettings.parse(settings)),
  );
}

/**
 * The settings once `change` is applied to `before` (what it leaves out stays), and the paths it
 * really changes (none: nothing to write or audit): both registers' rule.
 */
export function registerSettingsChange(
  before: RegisterSettings,
  change: { deadlines?: unknown; retention?: unknown },
): { after: RegisterSettings; changed: string[] } {
  const after = RegisterSettings.parse({
    deadlines: change.deadlines ?? before.deadlines,
    retention: change.retention ?? before.retention,
  });
  const changed = [
    ...changedPaths(before.deadlines, after.deadlines, 'deadlines'),
    ...changedPaths(before.retention, after.retention, 'retention'),
  ];
  return { after, changed };
}
