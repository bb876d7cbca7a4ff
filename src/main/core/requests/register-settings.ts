import { RegisterSettings } from '../../../shared/contract/groups/requests';
import type { SqliteDb } from '../db';

const KEY = 'register';

/**
 * Deadline rules and retention live in the workspace's register store rather than lethe.json:
 * they belong with the requests they apply to, and a change to them is audited in the same
 * workspace's log. A stored value that no longer parses falls back to the defaults.
 */
export function readRegisterSettings(db: SqliteDb): RegisterSettings {
  const raw = db.prepare('SELECT value FROM register_settings WHERE key = ?').pluck().get(KEY) as string | undefined;
  if (raw === undefined) return RegisterSettings.parse({});
  const parsed = RegisterSettings.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : RegisterSettings.parse({});
}

export function writeRegisterSettings(db: SqliteDb, settings: RegisterSettings): void {
  db.prepare('INSERT INTO register_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    KEY,
    JSON.stringify(RegisterSettings.parse(settings)),
  );
}
