import type { z } from 'zod';
import type { Request, requestOperations } from '../../../shared/contract/groups/requests';
import { LetheError } from '../../../shared/errors';
import { resolveWorkspaceId } from '../requests/register-store';
import { filterRequests } from '../requests/request-service';
import type { CoreServices } from '../services';
import { isTeamUnreachable } from './pg-errors';
import { listTeamAudit } from './team-audit';
import { readTeamEntry } from './team-config';
import { teamSessionFor, type TeamSession } from './team-session';

type In<K extends keyof typeof requestOperations> = z.output<(typeof requestOperations)[K]['input']>;

/**
 * The register's operations for a workspace in team mode; the request handlers ask `teamRequests`
 * first and fall back to the local store when it answers null.
 *
 * Offline: the last list read from the team database is kept in memory (never on disk: it holds
 * contact details) with the time it was read. When the database does not answer, a list is served
 * from that copy marked offline and read-only; writes fail with `team_unreachable`: nothing is
 * queued behind the team's back.
 */

interface Snapshot {
  all: Request[];
  readAt: string;
  role: string;
}
const snapshots = new WeakMap<CoreServices, Map<string, Snapshot>>();

function snapshotsOf(s: CoreServices): Map<string, Snapshot> {
  let map = snapshots.get(s);
  if (!map) {
    map = new Map();
    snapshots.set(s, map);
  }
  return map;
}

function needVersion(v: number | undefined, what: string): number {
  if (v === undefined) {
    throw new LetheError(
      'invalid_input',
      `In team mode ${what} must say which version of the request it was made against (expectedVersion), so another officer's change is never overwritten`,
    );
  }
  return v;
}

/** Null for a workspace kept locally; otherwise the team's register (opening its session). */
export async function teamRequests(s: CoreServices, workspaceIdIn: string | undefined) {
  const workspaceId = await resolveWorkspaceId(s, workspaceIdIn);
  const entry = await readTeamEntry(s.dataDir, workspaceId);
  if (!entry) return null;
  const open = async (): Promise<TeamSession> => {
    const session = await teamSessionFor(s, workspaceId);
    if (!session) throw new LetheError('not_found', 'The workspace left team mode');
    return session;
  };
  return {
    async list(input: In<'requests.list'>) {
      const asOf = input.asOf ?? new Date().toISOString();
      try {
        const session = await open();
        const all = await session.register.list(asOf);
        const readAt = new Date().toISOString();
        snapshotsOf(s).set(workspaceId, { all, readAt, role: session.role });
        return { ...filterRequests(all, input, asOf), team: { offline: false, readAt, reason: null, role: session.role } };
      } catch (error) {
        const last = snapshotsOf(s).get(workspaceId);
        if (!isTeamUnreachable(error) || !last) throw error;
        return {
          ...filterRequests(last.all, input, asOf),
          team: { offline: true, readAt: last.readAt, reason: (error as LetheError).message, role: last.role },
        };
      }
    },
    async get(input: In<'requests.get'>) {
      const session = await open();
      const request = await session.register.get(input.id, input.asOf);
      const timeline = (await listTeamAudit(session.pool, { requestId: input.id, limit: 1000 })).entries.reverse();
      return { request, timeline };
    },
    async create(input: In<'requests.create'>) {
      const session = await open();
      const { timeZone } = (await s.config.read()).settings;
      return session.register.create({
        type: input.type,
        regulation: input.regulation,
        channel: input.channel,
        receivedAt: input.receivedAt,
        timeZone,
        requester: input.requester,
        subjectId: input.subjectId,
        owner: input.owner,
        notes: input.notes,
      });
    },
    async update(input: In<'requests.update'>) {
      const session = await open();
      return session.register.update(input.id, needVersion(input.expectedVersion, 'an edit'), {
        channel: input.channel,
        owner: input.owner,
        notes: input.notes,
        subjectId: input.subjectId,
        requester: input.requester,
      });
    },
    async setStatus(input: In<'requests.setStatus'>) {
      const session = await open();
      return session.register.setStatus(input.id, needVersion(input.expectedVersion, 'a status change'), {
        status: input.status,
        reason: input.reason,
        article: input.article,
        closedAt: input.at,
      });
    },
    async link(input: In<'requests.link'>) {
      const session = await open();
      await session.register.link(input.id, { kind: input.kind, ref: input.ref, sha256: input.sha256 ?? null });
      return session.register.get(input.id);
    },
    async settings() {
      return (await open()).register.settings();
    },
    async all(asOf: string) {
      return (await open()).register.list(asOf);
    },
    /** Operations not yet carried over to the team database say so rather than write locally. */
    refuse(operation: string): never {
      throw new LetheError(
        'conflict',
        `${operation} is not available in team mode yet: the workspace's register is shared in the team database (docs/team-mode.md)`,
      );
    },
  };
}
