import type { z } from 'zod';
import type { requestOperations } from '../../../shared/contract/groups/requests';
import { LetheError } from '../../../shared/errors';
import { computeDashboard } from '../requests/dashboard';
import { resolveWorkspaceId } from '../requests/register-store';
import { filterRequests, formRequest } from '../requests/request-service';
import type { CoreServices } from '../services';
import { listTeamAudit } from './team-audit';
import { teamRegisterOps } from './team-register-ops';
import { applyTeamRetention } from './team-retention';
import { describeTarget } from './connection';
import { readTeamEntry } from './team-config';
import { detailCopy, fromCopy, listCopy, live, liveOrCopy, rememberDetail, rememberList } from './team-offline';
import { teamSessionFor, type TeamSession } from './team-session';

type In<K extends keyof typeof requestOperations> = z.output<(typeof requestOperations)[K]['input']>;

/**
 * The register's operations for a workspace in team mode; the request handlers ask `teamRequests`
 * first and fall back to the local store when it answers null.
 *
 * Reads (the list, a request, the dashboard) are remembered as the offline copy (team-offline.ts)
 * and served from it, marked offline with the time they were read, when the team database does
 * not answer; writes then fail with `team_unreachable`: nothing is queued behind the team's back.
 */

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
  const where = describeTarget(entry.target);
  /** Every request, live, remembered as the offline copy. */
  const readAll = async (asOf: string) => {
    const session = await open();
    const all = await session.register.list(asOf);
    const readAt = new Date().toISOString();
    await rememberList(s, workspaceId, { all, readAt, role: session.role, where });
    return { all, readAt, role: session.role };
  };
  return {
    async list(input: In<'requests.list'>) {
      const asOf = input.asOf ?? new Date().toISOString();
      return liveOrCopy(
        async () => {
          const { all, readAt, role } = await readAll(asOf);
          return { ...filterRequests(all, input, asOf), team: live(readAt, role) };
        },
        async (reason) => {
          const copy = await listCopy(s, workspaceId, where);
          return copy && { ...filterRequests(copy.all, input, asOf), team: fromCopy(copy, reason) };
        },
      );
    },
    async get(input: In<'requests.get'>) {
      return liveOrCopy(
        async () => {
          const session = await open();
          const request = await session.register.get(input.id, input.asOf);
          const timeline = (await listTeamAudit(session.pool, { requestId: input.id, limit: 1000 })).entries.reverse();
          const readAt = new Date().toISOString();
          await rememberDetail(s, workspaceId, { request, timeline, readAt, role: session.role, where });
          return { request, timeline, team: live(readAt, session.role) };
        },
        async (reason) => {
          const copy = await detailCopy(s, workspaceId, where, input.id);
          return copy && { request: copy.request, timeline: copy.timeline, team: fromCopy(copy, reason) };
        },
      );
    },
    /** The dashboard, computed from every request (or, offline, from the copy of them). */
    async dashboard(input: In<'requests.dashboard'>) {
      const asOf = input.asOf ?? new Date().toISOString();
      const { timeZone } = (await s.config.read()).settings;
      const weeks = input.weeks ?? 12;
      return liveOrCopy(
        async () => {
          const { all, readAt, role } = await readAll(asOf);
          return { ...computeDashboard(all, asOf, timeZone, weeks), team: live(readAt, role) };
        },
        async (reason) => {
          const copy = await listCopy(s, workspaceId, where);
          return copy && { ...computeDashboard(copy.all, asOf, timeZone, weeks), team: fromCopy(copy, reason) };
        },
      );
    },
    async create(input: In<'requests.create'>) {
      const session = await open();
      const { timeZone } = (await s.config.read()).settings;
      return session.register.create(formRequest(input, timeZone));
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
    /** Purges and deletions past the team's retention period (team-retention.ts). */
    async retention(asOf: string | undefined, dryRun: boolean) {
      return applyTeamRetention(await open(), asOf, dryRun);
    },
    /** Verification, extension, bulk updates, import/export, letters and settings (team-register-ops.ts). */
    async ops() {
      return teamRegisterOps(s, await open());
    },
  };
}
