import type { AuditVerifyResult, auditOperations } from '../../../shared/contract/groups/audit';
import { auditToCsv, auditToJson } from '../audit/audit-export';
import { describeVerification, type AuditVerification } from '../audit/audit-log';
import { resolveWorkspaceId } from '../requests/register-store';
import type { CoreServices, DomainHandlers } from '../services';
import { allTeamEntries, appendTeamAuditAlone, listTeamAudit, verifyTeamAudit } from './team-audit';
import { describeTarget } from './connection';
import { readTeamEntry } from './team-config';
import { AUDIT_COPY_LIMIT, auditCopy, fromCopy, live, liveOrCopy, refusedOffline, rememberAudit } from './team-offline';
import { teamSessionFor } from './team-session';

type AuditHandlers = DomainHandlers<typeof auditOperations>;

export function facesVerification(verification: AuditVerification): AuditVerifyResult {
  const { result, total } = verification;
  const message = describeVerification(verification);
  return result.ok
    ? { ok: true, count: result.count, total, head: result.head, brokenAt: null, reason: null, message }
    : { ok: false, count: result.index, total, head: null, brokenAt: result.brokenAt, reason: result.reason, message };
}

/**
 * The audit operations, routed like the register's: in team mode `lethe audit verify`, the list
 * and the export read the team database's chain; locally they run unchanged.
 */
export function withTeamAuditRouting(s: CoreServices, local: AuditHandlers): AuditHandlers {
  const session = async (workspaceId: string | undefined) => teamSessionFor(s, await resolveWorkspaceId(s, workspaceId));
  return {
    ...local,
    'audit.list': async (input) => {
      const workspaceId = await resolveWorkspaceId(s, input.workspaceId);
      const entry = await readTeamEntry(s.dataDir, workspaceId);
      if (!entry) return local['audit.list'](input);
      const where = describeTarget(entry.target);
      const limit = input.limit ?? 200;
      return liveOrCopy(
        async () => {
          const team = await session(workspaceId);
          if (!team) return local['audit.list'](input);
          const query = {
            ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
            ...(input.action !== undefined ? { action: input.action } : {}),
            ...(input.beforeSeq !== undefined ? { beforeSeq: input.beforeSeq } : {}),
          };
          const readAt = new Date().toISOString();
          // The newest page of the whole chain is what the offline copy keeps.
          const unfiltered = Object.keys(query).length === 0;
          const page = await listTeamAudit(team.pool, { ...query, limit: unfiltered ? Math.max(limit, AUDIT_COPY_LIMIT) : limit });
          if (unfiltered) await rememberAudit(s, workspaceId, { ...page, readAt, role: team.role, where });
          return { entries: page.entries.slice(0, limit), total: page.total, team: live(readAt, team.role) };
        },
        async (reason) => {
          const copy = await auditCopy(s, workspaceId, where);
          if (!copy) return undefined;
          const matching = copy.entries.filter(
            (e) =>
              (input.requestId === undefined || e.requestId === input.requestId) &&
              (!input.action || e.action === input.action) &&
              (input.beforeSeq === undefined || e.seq < input.beforeSeq),
          );
          const total = input.requestId === undefined && !input.action ? copy.total : matching.length;
          return { entries: matching.slice(0, limit), total, team: fromCopy(copy, reason) };
        },
      );
    },
    'audit.verify': async (input) => {
      const team = await session(input.workspaceId);
      if (!team) return local['audit.verify'](input);
      return facesVerification(await verifyTeamAudit(team.pool));
    },
    // An export is recorded in the chain: offline it is refused like every write.
    'audit.export': async (input) => {
      try {
        return await exportChain(input);
      } catch (error) {
        throw refusedOffline(error);
      }
    },
  };

  type Export = AuditHandlers['audit.export'];
  async function exportChain(input: Parameters<Export>[0]): Promise<Awaited<ReturnType<Export>>> {
    const team = await session(input.workspaceId);
    if (!team) return local['audit.export'](input);
    const exportedAt = new Date().toISOString();
    const before = facesVerification(await verifyTeamAudit(team.pool));
    if (before.ok) {
      await appendTeamAuditAlone(team.pool, team.auditKey, {
        actor: 'database',
        action: 'audit.exported',
        at: exportedAt,
        data: { format: input.format, entries: before.count + 1 },
      });
    }
    const verify = before.ok ? facesVerification(await verifyTeamAudit(team.pool)) : before;
    const entries = await allTeamEntries(team.pool);
    const out =
      input.format === 'csv'
        ? auditToCsv(entries)
        : auditToJson(entries, { workspaceId: team.workspaceId, exportedAt, verification: verify, team: team.entry.target.database });
    return {
      fileName: `audit-log-${team.workspaceId}-${exportedAt.slice(0, 10)}.${input.format}`,
      mediaType: input.format === 'csv' ? 'text/csv' : 'application/json',
      content: out.content,
      count: out.count,
      verify,
    };
  }
}
