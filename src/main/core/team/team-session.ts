import type pg from 'pg';
import { LetheError } from '../../../shared/errors';
import { registerSecret } from '../log/logger';
import type { CoreServices } from '../services';
import { openTeamPool, type TeamPool, type TeamTarget } from './connection';
import { assertSchemaCurrent } from './migrate';
import { readTeamEntry, teamPasswordAccount, type TeamEntry } from './team-config';
import { listenForChanges } from './team-live';
import { TeamRegister } from './team-register';

/**
 * The seam between the workspace's stores and the team database: `teamSessionFor` answers null
 * for a workspace kept locally (the default: the embedded SQLite stores, unchanged) and an open
 * session for one in team mode. Sessions are opened once per core and workspace, closed with it.
 */

export interface TeamSession {
  workspaceId: string;
  entry: TeamEntry;
  pool: TeamPool;
  /** The team's subject key (lethe.team_keys), so every machine names a subject alike. */
  auditKey: Buffer;
  register: TeamRegister;
  /** The PostgreSQL role this machine connects as: the actor of every change it makes. */
  role: string;
  schemaVersion: number;
}

const CLOSE_DEADLINE_MS = 3_000;

async function settlesWithin(work: Promise<unknown>, ms: number): Promise<'settled' | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => 'settled' as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

const sessions = new WeakMap<CoreServices, Map<string, Promise<TeamSession>>>();

export async function readTeamKey(client: pg.ClientBase): Promise<Buffer> {
  const r = await client.query<{ value: string }>(`SELECT value FROM lethe.team_keys WHERE name = 'subject'`);
  const hex = r.rows[0]?.value;
  if (!hex) throw new LetheError('team_schema_missing', 'The team database has no subject key yet: run "lethe team init" first');
  registerSecret(hex);
  return Buffer.from(hex, 'hex');
}

/** Connects, checks the schema version and reads the team key: the checks `team join` makes too. */
export async function connectTeam(workspaceId: string, entry: TeamEntry, password: string | null): Promise<TeamSession> {
  const pool = openTeamPool(entry.target, password);
  try {
    const { role, schemaVersion, auditKey } = await pool.withClient(async (client) => {
      const schemaVersion = await assertSchemaCurrent(client);
      const auditKey = await readTeamKey(client);
      const who = await client.query<{ u: string }>('SELECT current_user AS u');
      return { role: who.rows[0]?.u ?? entry.target.user, schemaVersion, auditKey };
    });
    return { workspaceId, entry, pool, auditKey, register: new TeamRegister(pool, auditKey), role, schemaVersion };
  } catch (error) {
    await pool.close().catch(() => undefined);
    throw error;
  }
}

export async function teamSessionFor(s: CoreServices, workspaceId: string): Promise<TeamSession | null> {
  const entry = await readTeamEntry(s.dataDir, workspaceId);
  if (entry === null) return null;
  let perCore = sessions.get(s);
  if (!perCore) {
    const created = new Map<string, Promise<TeamSession>>();
    perCore = created;
    sessions.set(s, created);
    s.onClose(async () => {
      const open = [...created.values()];
      created.clear();
      const closing = Promise.all(open.map((p) => p.then((t) => t.pool.close()).catch(() => undefined)));
      // A connection stuck on an unanswering network must not keep the app from quitting: the
      // process ends its sockets anyway, and nothing is written to the team database on close.
      if ((await settlesWithin(closing, CLOSE_DEADLINE_MS)) === 'late') {
        s.log.warn(`team database connections did not close within ${CLOSE_DEADLINE_MS} ms; left to the process's exit`);
      }
    });
  }
  const key = `${workspaceId}|${sameTarget(entry.target)}`;
  const existing = perCore.get(key);
  if (existing) return existing;
  const opening = (async () => {
    const password = await s.workspaces.secretStoreFor(workspaceId).get(teamPasswordAccount(workspaceId));
    if (password) registerSecret(password);
    const session = await connectTeam(workspaceId, entry, password);
    const live = listenForChanges(workspaceId, entry.target, password, s.events, s.log.child('team'));
    const close = session.pool.close.bind(session.pool);
    // Closing the session's pool stops its listener too.
    session.pool.close = async () => {
      await live.close();
      await close();
    };
    return session;
  })();
  perCore.set(key, opening);
  // A failed open is not cached: the next call tries again (the server may be back).
  opening.catch(() => perCore.delete(key));
  return opening;
}

/** Forget a workspace's session (after init, join or leave changed where it points). */
export async function dropTeamSession(s: CoreServices, workspaceId: string): Promise<void> {
  const perCore = sessions.get(s);
  if (!perCore) return;
  for (const [key, session] of [...perCore]) {
    if (!key.startsWith(`${workspaceId}|`)) continue;
    perCore.delete(key);
    await session.then((t) => t.pool.close()).catch(() => undefined);
  }
}

const sameTarget = (t: TeamTarget): string => `${t.user}@${t.host}:${t.port}/${t.database}?${t.sslmode}`;
