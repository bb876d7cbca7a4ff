import type { TeamStatus, teamOperations } from '../../../shared/contract/groups/team';
import { LetheError } from '../../../shared/errors';
import { registerSecret } from '../log/logger';
import { resolveWorkspaceId } from '../requests/register-store';
import type { CoreServices, DomainHandlers } from '../services';
import { describeTarget, openTeamPool, parseDatabaseUrl } from './connection';
import { importLocalState } from './import-local';
import { migrateTeamSchema } from './migrate';
import { readTeamEntry, teamPasswordAccount, writeTeamEntry, type TeamEntry } from './team-config';
import { forgetOfflineCopy } from './team-offline';
import { connectTeam, dropTeamSession, teamSessionFor } from './team-session';

function localStatus(workspaceId: string): TeamStatus {
  return {
    workspaceId,
    mode: 'local',
    where: null,
    role: null,
    via: null,
    since: null,
    reachable: null,
    schemaVersion: null,
    message: "The register, audit chain and journal live in this machine's encrypted files (single-user mode).",
  };
}

function teamStatus(workspaceId: string, entry: TeamEntry, live: { role: string; schemaVersion: number } | LetheError): TeamStatus {
  const where = describeTarget(entry.target);
  const base = { workspaceId, mode: 'team' as const, where, via: entry.via, since: entry.since };
  if (live instanceof LetheError) {
    return {
      ...base,
      role: entry.target.user,
      reachable: false,
      schemaVersion: null,
      message: `Shared in ${where}, which does not answer now: ${live.message}`,
    };
  }
  return {
    ...base,
    role: live.role,
    reachable: true,
    schemaVersion: live.schemaVersion,
    message: `Shared in ${where}; this machine acts as ${live.role}.`,
  };
}

/** The password: given apart, or in the URL; never both different. */
function passwordOf(urlPassword: string | null, given: string | undefined): string | null {
  if (given !== undefined && urlPassword !== null && given !== urlPassword) {
    throw new LetheError('invalid_input', 'Give the password once: in the URL or apart, not two different ones');
  }
  const password = given ?? urlPassword;
  if (password) registerSecret(password);
  return password;
}

export function createTeamHandlers(s: CoreServices): DomainHandlers<typeof teamOperations> {
  const status = async (workspaceId: string): Promise<TeamStatus> => {
    const entry = await readTeamEntry(s.dataDir, workspaceId);
    if (!entry) return localStatus(workspaceId);
    try {
      const session = await teamSessionFor(s, workspaceId);
      if (!session) return localStatus(workspaceId);
      // A round trip, so "reachable" is about now, not about when the session was opened.
      await session.pool.withClient((c) => c.query('SELECT 1'));
      return teamStatus(workspaceId, entry, session);
    } catch (error) {
      if (error instanceof LetheError) return teamStatus(workspaceId, entry, error);
      throw error;
    }
  };

  /** Saves where the workspace points and its password (keychain), then reopens the session. */
  const remember = async (workspaceId: string, entry: TeamEntry, password: string | null): Promise<void> => {
    const secrets = s.workspaces.secretStoreFor(workspaceId);
    if (password !== null) await secrets.set(teamPasswordAccount(workspaceId), password);
    else await secrets.delete(teamPasswordAccount(workspaceId));
    await writeTeamEntry(s.dataDir, workspaceId, entry);
    await dropTeamSession(s, workspaceId);
  };

  return {
    'team.status': async (input) => status(await resolveWorkspaceId(s, input.workspaceId)),

    'team.init': async (input) => {
      const workspaceId = await resolveWorkspaceId(s, input.workspaceId);
      const { target, password: inUrl } = parseDatabaseUrl(input.databaseUrl);
      const password = passwordOf(inUrl, input.password);
      const current = await readTeamEntry(s.dataDir, workspaceId);
      if (current && describeTarget(current.target) !== describeTarget(target)) {
        throw new LetheError('conflict', `This workspace already shares its state in ${describeTarget(current.target)}; leave it first`);
      }
      const pool = openTeamPool(target, password);
      try {
        const migration = await migrateTeamSchema(pool);
        const moved = await importLocalState(s, workspaceId, pool);
        const entry: TeamEntry = { target, via: 'init', since: current?.since ?? new Date().toISOString() };
        // Checked as a joining machine would, before anything is saved.
        const check = await connectTeam(workspaceId, entry, password);
        await check.pool.close();
        await remember(workspaceId, entry, password);
        return { status: await status(workspaceId), migration, moved };
      } finally {
        await pool.close().catch(() => undefined);
      }
    },

    'team.join': async (input) => {
      const workspaceId = await resolveWorkspaceId(s, input.workspaceId);
      const { target, password: inUrl } = parseDatabaseUrl(input.databaseUrl);
      const password = passwordOf(inUrl, input.password);
      const entry: TeamEntry = { target, via: 'join', since: new Date().toISOString() };
      const session = await connectTeam(workspaceId, entry, password);
      await session.pool.close();
      await remember(workspaceId, entry, password);
      return status(workspaceId);
    },

    'team.leave': async (input) => {
      const workspaceId = await resolveWorkspaceId(s, input.workspaceId);
      await dropTeamSession(s, workspaceId);
      await forgetOfflineCopy(s, workspaceId);
      await writeTeamEntry(s.dataDir, workspaceId, null);
      await s.workspaces.secretStoreFor(workspaceId).delete(teamPasswordAccount(workspaceId));
      return localStatus(workspaceId);
    },
  };
}
