import type pg from 'pg';
import { LetheError } from '../../../shared/errors';
import type { TeamPool } from './connection';
import { TEAM_MIGRATIONS, TEAM_SCHEMA_VERSION, type TeamMigration } from './migrations';

/** Serialises two `lethe team init` runs against one database. */
const MIGRATE_LOCK = 0x1e7e0001;

/** The schema version the database holds; 0 when there is no Lethe schema at all. */
export async function readSchemaVersion(client: pg.ClientBase): Promise<number> {
  const exists = await client.query<{ ok: boolean }>(`SELECT to_regclass('lethe.schema_migrations') IS NOT NULL AS ok`);
  if (!exists.rows[0]?.ok) return 0;
  const row = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM lethe.schema_migrations');
  return Number(row.rows[0]?.v ?? 0);
}

/**
 * Before any read or write: the database must hold exactly the schema this version knows. Older is
 * `team_schema_missing` (an owner runs `lethe team init` to migrate it), newer is
 * `team_schema_newer` (this copy of Lethe must be updated; writing would risk what it cannot read).
 */
export async function assertSchemaCurrent(client: pg.ClientBase, known = TEAM_SCHEMA_VERSION): Promise<number> {
  const version = await readSchemaVersion(client);
  if (version === 0) {
    throw new LetheError(
      'team_schema_missing',
      'The team database has no Lethe schema yet: run "lethe team init" with an owner\'s URL first',
    );
  }
  if (version > known) {
    throw new LetheError(
      'team_schema_newer',
      `The team database is at schema version ${version}, newer than this version of Lethe knows (${known}): update Lethe`,
      { version, known },
    );
  }
  if (version < known) {
    throw new LetheError(
      'team_schema_missing',
      `The team database is at schema version ${version}; this version of Lethe needs ${known}: run "lethe team init" to migrate it`,
      { version, known },
    );
  }
  return version;
}

export interface MigrateResult {
  from: number;
  to: number;
  applied: string[];
}

/**
 * Creates or migrates the `lethe` schema, in one transaction under an advisory lock: either every
 * pending migration is applied or none is. The role running it becomes the schema's owner.
 */
export async function migrateTeamSchema(team: TeamPool, migrations: readonly TeamMigration[] = TEAM_MIGRATIONS): Promise<MigrateResult> {
  const known = migrations[migrations.length - 1]?.version ?? 0;
  return team.transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
    const from = await readSchemaVersion(client);
    if (from > known) {
      throw new LetheError(
        'team_schema_newer',
        `The team database is at schema version ${from}, newer than this version of Lethe knows (${known}): update Lethe`,
        { version: from, known },
      );
    }
    if (from === 0) {
      await client.query('CREATE SCHEMA IF NOT EXISTS lethe');
      await client.query(`CREATE TABLE lethe.schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        applied_by text NOT NULL DEFAULT current_user
      )`);
    }
    const applied: string[] = [];
    for (const m of migrations) {
      if (m.version <= from) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO lethe.schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(`${m.version}-${m.name}`);
    }
    return { from, to: Math.max(from, known), applied };
  });
}
